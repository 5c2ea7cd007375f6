"""The five slips of Circular 01/2018/TT-VPCP, art. 9-10, drawn top to bottom.

Wording follows the forms in the Circular's appendix (Mẫu số 01 to 05), with the blanks
filled from the dossier. Each function takes its slip and returns the PDF bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from motcua.documents.canvas import LINE, Signature, SlipCanvas, closing_height
from motcua.documents.formatting import clean, format_date, format_moment, format_time

if TYPE_CHECKING:
    from motcua.documents.slips import (
        ApologySlip,
        ControlSlip,
        ReceiptSlip,
        RefusalSlip,
        SlipHeader,
        SupplementSlip,
    )

RECEIPT_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
SUPPLEMENT_TITLE = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
REFUSAL_TITLE = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
APOLOGY_TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
CONTROL_TITLE = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"

CLOSING_THANKS = "Xin trân trọng cảm ơn./."


def _begin(header: SlipHeader, *, form_number: str, title: str) -> SlipCanvas:
    pdf = SlipCanvas(
        form_number=form_number,
        title=title,
        agency_name=header.agency_name,
        dossier_code=header.dossier_code,
        issued_at=header.issued_at,
    )
    pdf.national_header(
        agency_parent_name=header.agency_parent_name,
        agency_name=header.agency_name,
        issued_at=header.issued_at,
    )
    pdf.heading(title)
    return pdf


def _applicant(pdf: SlipCanvas, header: SlipHeader, *, name_label: str) -> None:
    applicant = header.applicant
    pdf.field(name_label, applicant.name, bold=True)
    pdf.field("Số định danh", applicant.id_number)
    pdf.field("Số điện thoại", applicant.phone)
    pdf.field("Địa chỉ", applicant.address)
    pdf.field("Nội dung yêu cầu giải quyết", header.procedure_name, bold=True)


def receipt(slip: ReceiptSlip) -> bytes:
    """Form 01: the dossier is complete; the papers received and the appointment."""
    header = slip.header
    pdf = _begin(header, form_number="01", title=RECEIPT_TITLE)
    pdf.field("Bộ phận tiếp nhận và trả kết quả", header.agency_name)
    _applicant(pdf, header, name_label="Tiếp nhận hồ sơ của")
    pdf.field("Hình thức nộp hồ sơ", slip.channel_label)
    if slip.documents:
        total = sum(line.count for line in slip.documents)
        pdf.field("Hồ sơ gồm", f"{len(slip.documents)} loại giấy tờ, {total} bản")
        pdf.gap(1)
        pdf.grid(
            headings=("STT", "Tên giấy tờ", "Hình thức", "Số lượng"),
            rows=[
                (str(number), line.name, line.form_label, str(line.count))
                for number, line in enumerate(slip.documents, start=1)
            ],
            widths=(9, 66, 34, 14),
            aligns=("CENTER", "LEFT", "CENTER", "CENTER"),
        )
    signatures = (
        Signature("Người nộp hồ sơ", header.applicant.name),
        Signature("Người tiếp nhận hồ sơ", header.officer_name),
    )
    # A long list of papers can push the end onto a new page: the appointment then moves
    # with the signatures rather than leaving them alone on the last page.
    pdf.ensure_space(3 * LINE + closing_height(signatures))
    pdf.field("Thời gian nhận hồ sơ", format_moment(slip.received_at))
    # The appointment is what the applicant comes back for: bold, as on the counter's stamp.
    pdf.field("Thời gian trả kết quả giải quyết hồ sơ", format_moment(slip.due_at), bold=True)
    pdf.field("Đăng ký nhận kết quả tại", slip.result_place)
    pdf.closing(status_url=header.status_url, signatures=signatures)
    return pdf.finish()


def supplement(slip: SupplementSlip) -> bytes:
    """Form 02: everything missing, with reasons, in one complete guidance."""
    header = slip.header
    pdf = _begin(header, form_number="02", title=SUPPLEMENT_TITLE)
    _applicant(pdf, header, name_label="Hồ sơ của")
    # When the request was made: the legal time limit restarts once the dossier is complete
    # again (Decree 61/2018 art. 19.4), so the applicant should know when it stopped.
    pdf.field("Thời gian lập phiếu", format_moment(header.issued_at))
    pdf.gap(1)
    pdf.paragraph(
        "Sau khi xem xét, đối chiếu thành phần hồ sơ với quy định của thủ tục hành chính, "
        f"{clean(header.agency_name)} đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những "
        "nội dung sau:"
    )
    for number, item in enumerate(slip.items, start=1):
        detail = f"Lý do: {clean(item.reason)}" if clean(item.reason) else ""
        pdf.numbered(number, item.name, detail, bold=True)
    if clean(slip.guidance):
        pdf.gap(1)
        pdf.field("Hướng dẫn", slip.guidance)
    if clean(header.officer_name):
        pdf.paragraph(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "
            f"{clean(header.officer_name)} để được hướng dẫn."
        )
    pdf.paragraph(CLOSING_THANKS)
    pdf.closing(
        status_url=header.status_url,
        signatures=(Signature("Người hướng dẫn", header.officer_name),),
    )
    return pdf.finish()


def refusal(slip: RefusalSlip) -> bytes:
    """Form 03: the dossier is not accepted, with every reason stated."""
    header = slip.header
    pdf = _begin(header, form_number="03", title=REFUSAL_TITLE)
    _applicant(pdf, header, name_label="Tiếp nhận hồ sơ của")
    pdf.field("Thời gian lập phiếu", format_moment(header.issued_at))
    pdf.gap(1)
    pdf.paragraph(
        f"Qua xem xét, {clean(header.agency_name)} thông báo không tiếp nhận, giải quyết hồ "
        "sơ này với lý do cụ thể như sau:"
    )
    reasons = [reason for reason in slip.reasons if clean(reason)]
    for number, reason in enumerate(reasons, start=1):
        pdf.numbered(number, reason)
    pdf.paragraph("Xin thông báo để ông/bà được biết và thực hiện./.")
    pdf.closing(
        status_url=header.status_url,
        signatures=(Signature("Người tiếp nhận hồ sơ", header.officer_name),),
    )
    return pdf.finish()


def apology(slip: ApologySlip) -> bytes:
    """Form 04: the agency apologises and sets a new date, signed by its head."""
    header = slip.header
    agency = clean(header.agency_name)
    pdf = _begin(header, form_number="04", title=APOLOGY_TITLE)
    pdf.field("Kính gửi", header.applicant.name, bold=True)
    pdf.field("Số định danh", header.applicant.id_number)
    pdf.field("Địa chỉ", header.applicant.address)
    pdf.gap(1)
    pdf.paragraph(f"{agency} đã tiếp nhận hồ sơ của ông/bà:")
    pdf.field("Nội dung yêu cầu giải quyết", header.procedure_name, bold=True)
    pdf.field("Thời hạn trả kết quả theo giấy hẹn", format_moment(slip.original_due_at))
    pdf.paragraph(
        f"Tuy nhiên, {agency} không thể trả kết quả giải quyết hồ sơ của ông/bà đúng hẹn, vì lý do:"
    )
    pdf.paragraph(slip.reason, indent=6)
    pdf.paragraph(
        f"{agency} xin lỗi ông/bà vì sự chậm trễ này và hẹn trả kết quả giải quyết hồ sơ vào:"
    )
    pdf.field("Thời gian trả kết quả mới", format_moment(slip.new_due_at), bold=True)
    pdf.paragraph(CLOSING_THANKS)
    pdf.closing(
        status_url=header.status_url,
        signatures=(
            Signature(
                "Thủ trưởng cơ quan",
                slip.signer_name,
                instruction="(Ký, ghi rõ họ tên và đóng dấu)",
            ),
        ),
    )
    return pdf.finish()


def control(slip: ControlSlip) -> bytes:
    """Form 05: one row per hand-over, with whether each step kept its time."""
    header = slip.header
    pdf = _begin(header, form_number="05", title=CONTROL_TITLE)
    pdf.field("Cơ quan tiếp nhận", header.agency_name)
    pdf.field("Người nộp hồ sơ", header.applicant.name, bold=True)
    pdf.field("Địa chỉ", header.applicant.address)
    pdf.field("Nội dung yêu cầu giải quyết", header.procedure_name, bold=True)
    pdf.field("Người tiếp nhận", header.officer_name)
    pdf.field("Thời gian nhận hồ sơ", format_moment(slip.received_at))
    pdf.field("Thời gian trả kết quả", format_moment(slip.due_at), bold=True)
    pdf.gap(1)
    pdf.grid(
        headings=(
            "STT",
            "Bên giao",
            "Bên nhận",
            "Thời gian giao, nhận",
            "Hạn xử lý",
            "Kết quả",
            "Ghi chú",
        ),
        rows=[
            (
                str(number),
                row.from_label,
                row.to_label,
                _stacked(row.handed_at),
                _stacked(row.due_at) if row.due_at is not None else "",
                row.outcome_label,
                row.note,
            )
            for number, row in enumerate(slip.rows, start=1)
        ],
        widths=(8, 23, 23, 18, 18, 17, 16),
        aligns=("CENTER", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER", "LEFT"),
    )
    pdf.closing(status_url=header.status_url, signatures=())
    return pdf.finish()


def _stacked(moment: datetime) -> str:
    """Time above date, so a narrow column never breaks a date in two."""
    return f"{format_time(moment)}\n{format_date(moment)}"
