"""The page furniture every slip shares: A5 page, fonts, national header, fields, tables, QR.

Built on fpdf2. Layout follows the forms in the appendix of Circular 01/2018/TT-VPCP and
the presentation rules of Decree 30/2020/ND-CP, Appendix I (national header on the right,
issuing body on the left, title centred in bold capitals), scaled down from A4 to A5.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import segno
from fpdf import FPDF, FontFace
from fpdf.enums import TableHeadingsDisplay, XPos, YPos

from motcua.documents.fonts import font_paths
from motcua.documents.formatting import clean, format_dateline, to_local

FAMILY = "slip"
A5_MM = (148.0, 210.0)  # ISO 216 A5, portrait
# A wider left margin leaves room to staple or file the slip.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 15.0, 10.0, 10.0, 14.0
BODY_SIZE = 10.0
SMALL_SIZE = 8.5
TABLE_SIZE = 8.5
TITLE_SIZE = 11.5
LINE = 5.0  # mm between body lines at 10 pt: about 1.4 times the type size
QR_SIZE = 24.0  # mm; over 0.5 mm a module for a status URL, which phone cameras read
QR_BORDER = 4  # modules of quiet zone, as ISO/IEC 18004 requires
SIGNATURE_SPACE = 16.0  # mm left blank for the handwritten signature (and the seal)
HEADER_LEFT_WIDTH = 58.0  # mm for the issuing body
HEADER_GUTTER = 3.0  # mm between it and the national header, which takes the rest
HEADER_SIZE = 8.0  # the issuing body; long names wrap within the left column
NATIONAL_SIZE = 8.5  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is 58 mm: one line in 62 mm
GREY = 90


@dataclass(frozen=True, slots=True)
class Signature:
    """A signature block: role in bold capitals, the instruction, then the name."""

    role: str
    name: str
    instruction: str = "(Ký và ghi rõ họ tên)"


def closing_height(signatures: Sequence[Signature]) -> float:
    """Height of the closing block: the QR and its caption, or the signatures if taller."""
    height = 3 + QR_SIZE + 7
    if signatures:
        height = max(height, 3 + 4.5 + 4 + SIGNATURE_SPACE + LINE + 1)
    return height


class SlipCanvas(FPDF):
    """One slip being drawn. Create it, call its drawing methods top to bottom, ``finish``."""

    def __init__(
        self,
        *,
        form_number: str,
        title: str,
        agency_name: str,
        dossier_code: str,
        issued_at: datetime,
    ) -> None:
        # A5 given in millimetres: fpdf2 2.8 warns on every "A5" string since fixing its size.
        super().__init__(orientation="P", unit="mm", format=A5_MM)
        self.form_number = form_number
        self.slip_title = clean(title)
        self.dossier_code = clean(dossier_code)
        paths = font_paths()
        self.add_font(FAMILY, "", paths.regular)
        self.add_font(FAMILY, "B", paths.bold)
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
        # Fixed metadata, so the same slip renders to the same bytes.
        self.set_creation_date(to_local(issued_at))
        self.set_title(f"{self.slip_title} - {self.dossier_code}")
        self.set_subject(self.dossier_code)
        self.set_author(clean(agency_name))
        self.set_creator("motcua")
        self.set_lang("vi-VN")
        self.set_display_mode(zoom="fullpage")
        self.add_page()
        self.set_font(FAMILY, "", BODY_SIZE)

    # ------------------------------------------------------------------ page furniture

    def footer(self) -> None:
        # Small and grey: the form number (for the archive), the dossier code and the page,
        # so a loose second page can be put back with its first.
        self.set_y(-MARGIN_BOTTOM + 4)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(GREY)
        self.cell(
            self.epw / 2, 4, f"Mẫu số {self.form_number} - Thông tư 01/2018/TT-VPCP", align="L"
        )
        self.cell(
            self.epw / 2,
            4,
            f"Mã hồ sơ {self.dossier_code} - Trang {self.page_no()}/{{nb}}",
            align="R",
        )
        self.set_text_color(0)

    def national_header(
        self, *, agency_parent_name: str, agency_name: str, issued_at: datetime
    ) -> None:
        """Issuing body on the left, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do -
        Hạnh phúc" on the right, each centred in its column and underlined with a short rule,
        and the date line under the motto (Decree 30/2020, Appendix I)."""
        top = self.get_y()
        left_w = HEADER_LEFT_WIDTH
        right_x = self.l_margin + left_w + HEADER_GUTTER
        right_w = self.epw - left_w - HEADER_GUTTER

        self.set_xy(self.l_margin, top)
        if agency_parent_name.strip():
            self.set_font(FAMILY, "", HEADER_SIZE)
            self.multi_cell(
                left_w,
                4,
                clean(agency_parent_name).upper(),
                align="C",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.set_font(FAMILY, "B", HEADER_SIZE)
        self.multi_cell(
            left_w, 4, clean(agency_name).upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self._rule(self.l_margin + left_w / 2, self.get_y() + 0.8, left_w / 3)
        left_bottom = self.get_y() + 1.5

        self.set_xy(right_x, top)
        self.set_font(FAMILY, "B", NATIONAL_SIZE)
        self.cell(
            right_w,
            4,
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            align="C",
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        self.set_font(FAMILY, "B", NATIONAL_SIZE + 0.5)
        motto = "Độc lập - Tự do - Hạnh phúc"
        self.cell(right_w, 4.5, motto, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self._rule(right_x + right_w / 2, self.get_y() + 0.3, self.get_string_width(motto))
        self.set_y(self.get_y() + 2.5)
        self.set_x(right_x)
        self.set_font(FAMILY, "", NATIONAL_SIZE + 0.5)
        self.cell(
            right_w,
            4.5,
            format_dateline(issued_at).capitalize(),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

        self.set_y(max(left_bottom, self.get_y()) + 4)
        self.set_font(FAMILY, "", BODY_SIZE)

    def heading(self, text: str) -> None:
        """The slip's name in bold capitals, centred, then the dossier code under it."""
        self.set_font(FAMILY, "B", TITLE_SIZE)
        self.multi_cell(0, 5.5, clean(text).upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", BODY_SIZE)
        code = f"Mã hồ sơ: {self.dossier_code}"
        self.cell(0, LINE, code, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    # ------------------------------------------------------------------ text

    def field(self, label: str, value: str, *, bold: bool = False) -> None:
        """``Label: value`` as running text that wraps to the left margin. An empty value
        leaves the line out: an organisation has no personal ID, a walk-in may give no
        phone, and a printed dotted blank would invite handwriting on an official slip."""
        value = clean(value)
        if not value:
            return
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "", BODY_SIZE)
        self.write(LINE, f"{clean(label)}: ")
        self.set_font(FAMILY, "B" if bold else "", BODY_SIZE)
        self.write(LINE, value)
        self.set_font(FAMILY, "", BODY_SIZE)
        self.ln(LINE)

    def paragraph(self, text: str, *, indent: float = 0.0) -> None:
        """Running text, left-aligned (justified Vietnamese reads badly on a narrow page)."""
        self.set_font(FAMILY, "", BODY_SIZE)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.epw - indent, LINE, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_font(FAMILY, "", BODY_SIZE)

    def numbered(self, number: int, text: str, detail: str = "", *, bold: bool = False) -> None:
        """``1.`` then the text in a hanging indent, so wrapped lines stay under the text;
        an optional detail line (the reason) follows, indented."""
        hang = 6.0
        self.set_font(FAMILY, "", BODY_SIZE)
        self.set_x(self.l_margin)
        self.cell(hang, LINE, f"{number}.")
        self.set_font(FAMILY, "B" if bold else "", BODY_SIZE)
        self.multi_cell(
            self.epw - hang, LINE, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if clean(detail):
            self.paragraph(detail, indent=hang)
        self.set_font(FAMILY, "", BODY_SIZE)

    def gap(self, height: float = 2.0) -> None:
        self.ln(height)

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one: keeps a block (the
        appointment and the signatures under it) from being split by a page break."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # ------------------------------------------------------------------ tables

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        aligns: Sequence[str],
    ) -> None:
        """A bordered table whose heading row is repeated on every page it flows onto; a
        row never splits across pages (fpdf2 moves the whole row)."""
        self.set_font(FAMILY, "", TABLE_SIZE)
        heading_style = FontFace(
            family=FAMILY, emphasis="BOLD", size_pt=TABLE_SIZE, fill_color=(232, 232, 232)
        )
        with self.table(
            col_widths=tuple(widths),
            width=self.epw,
            text_align=tuple(aligns),
            v_align="MIDDLE",
            line_height=3.8,
            padding=(1.0, 1.0),
            headings_style=heading_style,
            repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        ) as table:
            heading = table.row()
            for text in headings:
                heading.cell(clean(text), align="C")
            for values in rows:
                row = table.row()
                for value in values:
                    # Keep explicit line breaks (time above date) but clean each line.
                    row.cell("\n".join(clean(part) for part in value.split("\n")))
        self.set_font(FAMILY, "", BODY_SIZE)
        self.ln(2)

    # ------------------------------------------------------------------ closing block

    def closing(self, *, status_url: str, signatures: Sequence[Signature]) -> None:
        """The QR code on the left and the signatures on the right, kept together on one
        page: a signature must never sit alone at the top of a page without its slip."""
        self.ensure_space(closing_height(signatures))
        self.gap(3)
        top = self.get_y()
        self.qr(status_url, x=self.l_margin, y=top)
        self.set_xy(self.l_margin, top + QR_SIZE + 0.5)
        self.set_font(FAMILY, "", 7)
        self.multi_cell(
            QR_SIZE + 6,
            3,
            "Quét mã để tra cứu\ntình trạng hồ sơ",
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        bottom = self.get_y()

        if signatures:
            area_x = self.l_margin + QR_SIZE + 8
            column = (self.epw - QR_SIZE - 8) / len(signatures)
            for index, signature in enumerate(signatures):
                x = area_x + index * column
                self.set_xy(x, top)
                self.set_font(FAMILY, "B", SMALL_SIZE + 0.5)
                self.multi_cell(
                    column,
                    4.5,
                    clean(signature.role).upper(),
                    align="C",
                    new_x=XPos.LEFT,
                    new_y=YPos.NEXT,
                )
                self.set_font(FAMILY, "", SMALL_SIZE)
                self.multi_cell(
                    column,
                    4,
                    clean(signature.instruction),
                    align="C",
                    new_x=XPos.LEFT,
                    new_y=YPos.NEXT,
                )
                self.set_y(self.get_y() + SIGNATURE_SPACE)
                self.set_x(x)
                self.set_font(FAMILY, "B", BODY_SIZE)
                self.multi_cell(
                    column, LINE, clean(signature.name), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
                )
                bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom)
        self.set_font(FAMILY, "", BODY_SIZE)

    def qr(self, url: str, *, x: float, y: float) -> None:
        """The public status URL as a QR code, embedded as a one-pixel-per-module image.

        ``segno.make_qr`` forces a full QR symbol (a Micro QR could hold a short test URL
        and many phone readers ignore it); segno then raises the error-correction level as
        far as the symbol size allows, which helps a creased or stamped slip. Without
        /Interpolate the viewer and the printer scale the modules as sharp squares.
        """
        symbol = segno.make_qr(url)
        png = io.BytesIO()
        symbol.save(png, kind="png", scale=1, border=QR_BORDER)
        png.seek(0)
        self.image(
            png, x=x, y=y, w=QR_SIZE, h=QR_SIZE, link=url, alt_text="Mã QR tra cứu tình trạng hồ sơ"
        )

    # ------------------------------------------------------------------ helpers

    def _rule(self, centre_x: float, y: float, width: float) -> None:
        self.set_line_width(0.25)
        self.line(centre_x - width / 2, y, centre_x + width / 2, y)

    def finish(self) -> bytes:
        return bytes(self.output())
