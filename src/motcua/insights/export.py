"""Excel export of the dashboard's tables, in the layout units send upward.

One sheet per table, Vietnamese headings, dates as real dates shown dd/mm/yyyy, rates as
numbers with two decimals (N/A left as text). The first sheet follows the periodic report
of the one-stop mechanism's results ("tình hình, kết quả giải quyết thủ tục hành chính":
received — carried over, online, at the counter or by post; finished — early, on time,
late; in progress — on time, late), one row per unit and a total row.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.insights.indicators import WEIGHTS, Group, IndicatorSet

DATE_FORMAT = "DD/MM/YYYY"
RATE_FORMAT = "0.00"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# The report's two heading rows: (top heading, span) then the leaf headings.
REPORT_TOP = (
    ("STT", 1),
    ("Đơn vị / lĩnh vực", 1),
    ("Số hồ sơ nhận giải quyết", 4),
    ("Số hồ sơ đã giải quyết", 4),
    ("Số hồ sơ đang giải quyết", 3),
    ("Rút hồ sơ", 1),
    ("Dừng xử lý", 1),
    ("Từ chối tiếp nhận", 1),
    ("Xin lỗi", 1),
    ("Tỷ lệ đúng hạn (%)", 1),
)
REPORT_LEAVES = (
    "",
    "",
    "Tổng số",
    "Kỳ trước chuyển qua",
    "Mới tiếp nhận trực tuyến",
    "Mới tiếp nhận trực tiếp, bưu chính",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
    "",
    "",
    "",
    "",
    "",
)


def report_values(i: IndicatorSet) -> list:
    return [
        i.handled,
        i.carried_over,
        i.received_online,
        i.received - i.received_online,
        i.finished,
        i.finished_early,
        i.finished_on_time,
        i.finished_late,
        i.in_progress,
        i.in_progress_on_time,
        i.in_progress_late,
        i.withdrawn,
        i.stopped,
        i.refused,
        i.apologies,
        _rate(i.on_time_rate),
    ]


def _rate(value: Decimal | None):
    return "N/A" if value is None else float(value)


def _heading(ws, title: str, unit_name: str, start: dt.date, end: dt.date, width: int) -> int:
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = CENTER
    ws.cell(row=2, column=1, value=f"Đơn vị: {unit_name}")
    ws.cell(row=3, column=1, value="Kỳ báo cáo: từ ngày")
    ws.cell(row=3, column=2, value=start).number_format = DATE_FORMAT
    ws.cell(row=3, column=3, value="đến ngày")
    ws.cell(row=3, column=4, value=end).number_format = DATE_FORMAT
    return 5


def _table(ws, first_row: int, headers: list[str], rows: list[list]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=first_row, column=col, value=text)
        cell.font, cell.alignment, cell.border = BOLD, CENTER, BOX
    for r, values in enumerate(rows, start=first_row + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.border = BOX
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, float):
                cell.number_format = RATE_FORMAT
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14 if col > 2 else 28


def _report_sheet(ws, title, unit_name, start, end, rows, total) -> None:
    width = len(REPORT_LEAVES)
    top = _heading(ws, title, unit_name, start, end, width)
    col = 1
    for text, span in REPORT_TOP:
        cell = ws.cell(row=top, column=col, value=text)
        cell.font, cell.alignment, cell.border = BOLD, CENTER, BOX
        if span > 1:
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + span - 1)
        else:
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        col += span
    for col, text in enumerate(REPORT_LEAVES, start=1):
        if text:
            cell = ws.cell(row=top + 1, column=col, value=text)
            cell.font, cell.alignment, cell.border = BOLD, CENTER, BOX
    body = [[n, label, *report_values(i)] for n, (label, i) in enumerate(rows, start=1)]
    body.append(["", "Tổng cộng", *report_values(total)])
    for r, values in enumerate(body, start=top + 2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.border = BOX
            if isinstance(value, float):
                cell.number_format = RATE_FORMAT
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12 if col != 2 else 36
    ws.freeze_panes = ws.cell(row=top + 2, column=3)


GROUP_VI = {
    Group.PUBLICITY: "Công khai, minh bạch",
    Group.PROGRESS: "Tiến độ giải quyết",
    Group.ONLINE: "Dịch vụ trực tuyến",
    Group.PAYMENT: "Thanh toán trực tuyến",
    Group.SATISFACTION: "Mức độ hài lòng",
    Group.DIGITISATION: "Số hóa hồ sơ",
}


def indicator_lines(i: IndicatorSet) -> list[list]:
    return [
        ["Số hồ sơ tiếp nhận", i.received],
        ["Số hồ sơ kỳ trước chuyển qua", i.carried_over],
        ["Đã giải quyết trước hạn", i.finished_early],
        ["Đã giải quyết đúng hạn", i.finished_on_time],
        ["Đã giải quyết quá hạn", i.finished_late],
        ["Đang giải quyết trong hạn", i.in_progress_on_time],
        ["Đang giải quyết quá hạn", i.in_progress_late],
        ["Đã trả kết quả", i.returned],
        ["Rút hồ sơ", i.withdrawn],
        ["Dừng xử lý", i.stopped],
        ["Từ chối tiếp nhận", i.refused],
        ["Không giải quyết (trả lại)", i.rejected],
        ["Phiếu xin lỗi đã phát hành", i.apologies],
        ["Tỷ lệ đúng hạn (%)", _rate(i.on_time_rate)],
        ["Thời gian giải quyết trung bình (ngày)", _rate(i.average_processing_days)],
        ["Tỷ lệ tiếp nhận trực tuyến (%)", _rate(i.online_share)],
        ["Tỷ lệ thanh toán trực tuyến (%)", _rate(i.online_payment_share)],
        ["Tỷ lệ số hóa hồ sơ (%)", _rate(i.digitisation_share)],
        ["Tỷ lệ trả kết quả điện tử (%)", _rate(i.electronic_result_share)],
        ["Mức độ hài lòng (QĐ 766) (%)", _rate(i.satisfaction)],
        ["Mức độ hài lòng (SIPAS) (%)", _rate(i.sipas_satisfaction)],
    ]


def workbook(
    *,
    unit_name: str,
    start: dt.date,
    end: dt.date,
    total: IndicatorSet,
    children: list[tuple[str, IndicatorSet]],
    procedures: list[tuple[str, str, IndicatorSet]],
    officers: list[tuple[str, IndicatorSet]],
    trend: list[tuple[dt.date, IndicatorSet]],
    late: list[tuple[str, str, str, dt.date | None, dt.date | None, int]],
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _report_sheet(
        ws,
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        unit_name,
        start,
        end,
        children,
        total,
    )
    ws = wb.create_sheet("Theo thủ tục")
    top = _heading(ws, "KẾT QUẢ GIẢI QUYẾT THEO THỦ TỤC", unit_name, start, end, 18)
    _table(
        ws,
        top,
        ["Mã thủ tục", "Tên thủ tục", *[h for h in _flat_leaves()]],
        [[code, name, *report_values(i)] for code, name, i in procedures],
    )
    ws = wb.create_sheet("Chỉ số 766")
    top = _heading(ws, "CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QĐ 766)", unit_name, start, end, 4)
    lines = indicator_lines(total)
    lines += [
        [f"Điểm nhóm: {GROUP_VI[g]} (tối đa {WEIGHTS[g]})", _rate(total.scores_766.scores[g])]
        for g in Group
    ]
    lines.append(
        [
            f"Tổng điểm các nhóm đo được (tối đa {total.scores_766.measured_max})",
            _rate(total.scores_766.total),
        ]
    )
    lines.append(["Điểm quy đổi thang 100", _rate(total.scores_766.normalised)])
    lines.append(["Điểm đánh giá cơ quan (TT 01/2018, tối đa 18)", _rate(total.agency_score)])
    _table(ws, top, ["Chỉ tiêu", "Giá trị"], lines)
    ws = wb.create_sheet("Theo cán bộ")
    top = _heading(ws, "ĐÁNH GIÁ CÁN BỘ (TT 01/2018)", unit_name, start, end, 8)
    _table(
        ws,
        top,
        [
            "Cán bộ",
            "Đã giải quyết",
            "Trước hạn",
            "Đúng hạn",
            "Quá hạn",
            "Đang giải quyết",
            "Điểm (tối đa 10)",
            "Mức hoàn thành (%)",
        ],
        [
            [
                name,
                i.finished,
                i.finished_early,
                i.finished_on_time,
                i.finished_late,
                i.in_progress,
                _rate(i.officer_score),
                _rate(i.officer_completion),
            ]
            for name, i in officers
        ],
    )
    ws = wb.create_sheet("Xu hướng")
    top = _heading(ws, "XU HƯỚNG THEO THÁNG", unit_name, start, end, 6)
    _table(
        ws,
        top,
        ["Tháng", "Tiếp nhận", "Đã giải quyết", "Quá hạn", "Tỷ lệ đúng hạn (%)", "Trực tuyến (%)"],
        [
            [
                m,
                i.received,
                i.finished,
                i.finished_late,
                _rate(i.on_time_rate),
                _rate(i.online_share),
            ]
            for m, i in trend
        ],
    )
    ws = wb.create_sheet("Hồ sơ quá hạn")
    top = _heading(ws, "HỒ SƠ ĐANG GIẢI QUYẾT QUÁ HẠN", unit_name, start, end, 6)
    _table(
        ws,
        top,
        [
            "Mã hồ sơ",
            "Thủ tục",
            "Cơ quan giải quyết",
            "Ngày tiếp nhận",
            "Hạn giải quyết",
            "Số ngày quá hạn",
        ],
        [list(row) for row in late],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _flat_leaves() -> list[str]:
    """The report's leaf headings prefixed with their group, for one-row tables."""
    names = []
    leaves = iter(REPORT_LEAVES[2:])
    for text, span in REPORT_TOP[2:]:
        for _ in range(span):
            leaf = next(leaves)
            names.append(f"{text}: {leaf}" if leaf else text)
    return names
