"""The one typeface of the slips, installed by the setup as a Python package.

Source Serif Pro (Adobe, SIL Open Font License 1.1) comes from the ``font-source-serif-pro``
wheel: it is never fetched at run time, never taken from a CDN and never assumed from the
operating system, where a fresh server may have no fonts at all. A serif face stands in for
Times New Roman, which Decree 30/2020/ND-CP prescribes for administrative documents but which
may not be redistributed. Every precomposed Vietnamese letter is in its regular and bold
faces (tests check), and the OFL allows embedding them in the PDFs we hand out. Its italics
lack the Vietnamese letters with horn and dot below, so the slips use no italics.
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

FONT_PACKAGE = "font_source_serif_pro"
FONT_PIP_NAME = "font-source-serif-pro"


@dataclass(frozen=True, slots=True)
class FontPaths:
    regular: Path
    bold: Path


@cache
def font_paths() -> FontPaths:
    """The TrueType files (glyf outlines, so they embed as FontFile2) of each style."""
    try:
        folder = resources.files(FONT_PACKAGE) / "files"
    except ModuleNotFoundError as error:
        raise RuntimeError(
            f"the slip font is missing: install the project (it depends on {FONT_PIP_NAME})"
        ) from error
    # Installed from a wheel the package is a plain folder, so its files have real paths,
    # which is what fpdf2's add_font wants.
    paths = FontPaths(
        regular=Path(str(folder / "SourceSerifPro-Regular.ttf")),
        bold=Path(str(folder / "SourceSerifPro-Bold.ttf")),
    )
    for path in (paths.regular, paths.bold):
        if not path.is_file():
            raise RuntimeError(f"the slip font file {path} is missing; reinstall {FONT_PIP_NAME}")
    return paths
