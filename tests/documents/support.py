"""Deterministic sample slips for the rendering tests: a Huế commune's one-stop desk."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from motcua.documents import (
    ApologySlip,
    Applicant,
    ControlRow,
    ControlSlip,
    DocumentLine,
    ReceiptSlip,
    RefusalSlip,
    SlipHeader,
    SupplementItem,
    SupplementSlip,
)

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Nguyễn Thị Ngọc Ánh"
ADDRESS = "Số 12 đường Lê Lợi, phường Phú Xuân, thành phố Huế"
DOSSIER_CODE = "000.00.06.H56-231027-0361"
STATUS_URL = "https://motcua.example/tra-cuu/?ma=000.00.06.H56-231027-0361&k=q7Zp2LxW9bT4sVn8"
# 01:15 UTC is 08:15 in Huế; 09:30 UTC on 10 Nov is 16:30 local.
RECEIVED_AT = datetime(2023, 10, 27, 1, 15, tzinfo=UTC)
DUE_AT = datetime(2023, 11, 10, 9, 30, tzinfo=UTC)
# 17:30 UTC on 9 Nov is already 00:30 on 10 Nov in Vietnam: the date must follow the zone.
LATE_EVENING_UTC = datetime(2023, 11, 9, 17, 30, tzinfo=UTC)
NEW_DUE_AT = datetime(2023, 11, 17, 9, 30, tzinfo=UTC)

TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
}


def header(**overrides) -> SlipHeader:
    values = {
        "agency_name": "Bộ phận Một cửa phường Phú Xuân",
        "agency_parent_name": "Ủy ban nhân dân thành phố Huế",
        "dossier_code": DOSSIER_CODE,
        "procedure_name": "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "applicant": Applicant(
            name=NAME, id_number="046190001234", phone="0905 123 456", address=ADDRESS
        ),
        "status_url": STATUS_URL,
        "issued_at": RECEIVED_AT,
        "officer_name": "Trần Văn Đức",
    }
    values.update(overrides)
    return SlipHeader(**values)


def receipt(documents: int = 3) -> ReceiptSlip:
    papers = (
        DocumentLine("Tờ khai đăng ký khai sinh", "Bản chính", 1),
        DocumentLine("Giấy chứng sinh", "Bản chính", 1),
        DocumentLine("Giấy tờ chứng minh quan hệ cha, mẹ, con", "Bản sao có chứng thực", 2),
    )
    lines = tuple(
        papers[i] if i < len(papers) else DocumentLine(f"Giấy tờ bổ trợ số {i + 1:02d}", "Bản sao")
        for i in range(documents)
    )
    return ReceiptSlip(
        header=header(),
        documents=lines,
        received_at=RECEIVED_AT,
        due_at=DUE_AT,
        channel_label="Trực tiếp",
        result_place="Bộ phận Một cửa phường Phú Xuân, quầy số 3",
    )


def supplement() -> SupplementSlip:
    return SupplementSlip(
        header=header(),
        items=(
            SupplementItem(
                "Giấy chứng sinh",
                "Bản đã nộp là bản chụp, chưa có chữ ký của người đỡ đẻ và dấu của cơ sở y tế.",
            ),
            SupplementItem("Văn bản ủy quyền", "Người nộp không phải là cha hoặc mẹ của trẻ."),
        ),
        guidance=(
            "Nộp bổ sung trực tiếp tại quầy số 3 hoặc qua Cổng dịch vụ công; hồ sơ được giải "
            "quyết tiếp ngay khi nhận đủ giấy tờ."
        ),
    )


def refusal() -> RefusalSlip:
    return RefusalSlip(
        header=header(),
        reasons=(
            "Việc khai sinh thuộc thẩm quyền của Ủy ban nhân dân nơi cư trú của người cha hoặc "
            "người mẹ; cả hai đều không cư trú tại phường Phú Xuân.",
            "Đề nghị ông/bà nộp hồ sơ tại Ủy ban nhân dân phường Thuận Hóa.",
        ),
    )


def apology() -> ApologySlip:
    return ApologySlip(
        header=header(issued_at=datetime(2023, 11, 8, 2, 0, tzinfo=UTC)),
        original_due_at=DUE_AT,
        new_due_at=NEW_DUE_AT,
        reason="Cần xác minh thông tin hộ tịch với Sở Tư pháp tỉnh Quảng Trị.",
        signer_name="Lê Thị Hồng Nhung",
    )


def control(rows: int = 4) -> ControlSlip:
    outcomes = ("Trước hạn", "Đúng hạn", "Quá hạn")
    return ControlSlip(
        header=header(),
        rows=tuple(
            ControlRow(
                from_label=f"Cán bộ giao {i:02d}",
                to_label=f"Chuyên viên nhận {i:02d}",
                handed_at=RECEIVED_AT + timedelta(hours=3 * i),
                due_at=RECEIVED_AT + timedelta(hours=3 * i + 8),
                outcome_label=outcomes[i % 3],
                note=f"Ghi chú {i:02d}",
            )
            for i in range(1, rows + 1)
        ),
        received_at=RECEIVED_AT,
        due_at=DUE_AT,
    )


SAMPLES = {
    "receipt": receipt,
    "supplement": supplement,
    "refusal": refusal,
    "apology": apology,
    "control": control,
}
