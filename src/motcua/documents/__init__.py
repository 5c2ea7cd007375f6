"""The one-stop slips of Circular 01/2018/TT-VPCP (art. 9-10, forms 01-05) as PDF.

Pure Python, no Django: services and background tasks build a slip dataclass from the
dossier and call ``render(slip)``, which returns the bytes of an A5 PDF with its Vietnamese
font embedded and a QR code of the public status URL.
"""

from motcua.documents.fonts import FontPaths, font_paths
from motcua.documents.slips import (
    ApologySlip,
    Applicant,
    ControlRow,
    ControlSlip,
    DocumentLine,
    ReceiptSlip,
    RefusalSlip,
    Slip,
    SlipHeader,
    SupplementItem,
    SupplementSlip,
    render,
)

__all__ = [
    "ApologySlip",
    "Applicant",
    "ControlRow",
    "ControlSlip",
    "DocumentLine",
    "FontPaths",
    "ReceiptSlip",
    "RefusalSlip",
    "Slip",
    "SlipHeader",
    "SupplementItem",
    "SupplementSlip",
    "font_paths",
    "render",
]
