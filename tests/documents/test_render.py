"""The five slips rendered to PDF and read back with pypdf (no database, no Django)."""

import dataclasses
import logging
import unicodedata

import pytest
import segno

from motcua.documents import Applicant, render
from tests.documents import reading, support

SLIPS = list(support.SAMPLES)

# Dates and times each slip must show, in Vietnam's time, dd/mm/yyyy and HH:MM.
EXPECTED_MOMENTS = {
    "receipt": ["08:15 ngày 27/10/2023", "16:30 ngày 10/11/2023"],
    "supplement": ["08:15 ngày 27/10/2023"],
    "refusal": ["08:15 ngày 27/10/2023"],
    "apology": ["16:30 ngày 10/11/2023", "16:30 ngày 17/11/2023"],
    "control": ["08:15 ngày 27/10/2023", "16:30 ngày 10/11/2023", "11:15 27/10/2023"],
}

A5_POINTS = (419.53, 595.28)  # 148 × 210 mm


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {name: render(make()) for name, make in support.SAMPLES.items()}


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_shows_the_applicant_name_exactly_as_written(rendered, slip):
    text = reading.all_text(rendered[slip])
    assert unicodedata.normalize("NFC", support.NAME) in text


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_shows_the_address_with_all_its_diacritics(rendered, slip):
    assert unicodedata.normalize("NFC", support.ADDRESS) in reading.all_text(rendered[slip])


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_shows_its_title_and_the_dossier_code(rendered, slip):
    text = reading.all_text(rendered[slip])
    assert support.TITLES[slip] in text
    assert f"Mã hồ sơ: {support.DOSSIER_CODE}" in text


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_shows_its_moments_in_vietnam_time_as_dd_mm_yyyy(rendered, slip):
    text = reading.all_text(rendered[slip])
    for moment in EXPECTED_MOMENTS[slip]:
        assert moment in text


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_carries_the_national_header_and_the_agency(rendered, slip):
    first_page = reading.page_texts(rendered[slip])[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first_page
    assert "Độc lập - Tự do - Hạnh phúc" in first_page
    assert "BỘ PHẬN MỘT CỬA PHƯỜNG PHÚ XUÂN" in first_page
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ" in first_page


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_embeds_its_truetype_font(rendered, slip):
    fonts = reading.fonts(rendered[slip])
    assert fonts
    for font in fonts:
        assert font["font"]["/Subtype"] == "/Type0"
        assert "SourceSerifPro" in font["font"]["/BaseFont"]
        # FontFile2 is an embedded TrueType program: nothing depends on the reader's fonts.
        assert "/FontFile2" in font["descriptor"]


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_is_a5_portrait(rendered, slip):
    for page in reading.reader(rendered[slip]).pages:
        assert float(page.mediabox.width) == pytest.approx(A5_POINTS[0], abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(A5_POINTS[1], abs=0.1)


@pytest.mark.parametrize("slip", SLIPS)
def test_each_slip_has_a_qr_code_that_is_the_status_url(rendered, slip):
    last_page = reading.reader(rendered[slip]).pages[-1]
    images = reading.image_xobjects(last_page)
    assert len(images) == 1
    embedded = reading.dark_modules(last_page.images[0].image)
    expected = segno.make(support.STATUS_URL)
    assert not expected.is_micro
    assert embedded == [[bool(module) for module in row] for row in expected.matrix_iter()]
    # And the QR is a link, for a slip that is e-mailed rather than printed.
    assert support.STATUS_URL in reading.link_uris(last_page)


@pytest.mark.parametrize("slip", SLIPS)
def test_rendering_the_same_slip_twice_gives_the_same_bytes(rendered, slip):
    assert render(support.SAMPLES[slip]()) == rendered[slip]


@pytest.mark.parametrize("slip", SLIPS)
def test_the_pdf_metadata_dates_come_from_the_issue_moment(rendered, slip):
    metadata = reading.reader(rendered[slip]).metadata
    issued = support.SAMPLES[slip]().header.issued_at
    assert metadata["/CreationDate"].startswith(
        "D:" + issued.astimezone(support.VIETNAM_TZ).strftime("%Y%m%d%H%M")
    )
    assert support.TITLES[slip] in metadata["/Title"]


@pytest.mark.parametrize("slip", SLIPS)
def test_no_character_of_the_samples_is_missing_from_the_font(slip, caplog):
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        render(support.SAMPLES[slip]())
    assert not [record for record in caplog.records if "missing" in record.getMessage()]


def test_a_control_slip_of_sixty_hand_overs_flows_onto_more_pages_with_every_row():
    data = render(support.control(rows=60))
    pages = reading.page_texts(data)
    assert len(pages) > 1
    text = " ".join(pages)
    for number in range(1, 61):
        assert f"Cán bộ giao {number:02d}" in text
        assert f"Chuyên viên nhận {number:02d}" in text
        assert f"Ghi chú {number:02d}" in text
    assert text.count("Cán bộ giao") == 60


def test_the_control_table_repeats_its_heading_on_every_page_it_flows_onto():
    pages = reading.page_texts(render(support.control(rows=60)))
    pages_with_rows = [page for page in pages if "Cán bộ giao" in page]
    assert len(pages_with_rows) > 1
    for page in pages_with_rows:
        assert "STT Bên giao Bên nhận" in page


def test_a_receipt_with_forty_papers_lists_them_all_with_the_heading_on_each_page():
    data = render(support.receipt(documents=40))
    pages = reading.page_texts(data)
    assert len(pages) > 1
    text = " ".join(pages)
    for number in range(4, 41):
        assert f"Giấy tờ bổ trợ số {number:02d}" in text
    for page in pages:
        if "Giấy tờ bổ trợ số" in page:
            assert "STT Tên giấy tờ Hình thức Số lượng" in page
    # The signatures follow the appointment onto the last page, never alone.
    assert "16:30 ngày 10/11/2023" in pages[-1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in pages[-1]
    assert f"Trang {len(pages)}/{len(pages)}" in pages[-1]


def test_a_long_procedure_name_wraps_and_is_printed_whole():
    procedure = (
        "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
        "với đất lần đầu cho hộ gia đình, cá nhân, cộng đồng dân cư, người Việt Nam định cư "
        "ở nước ngoài được sở hữu nhà ở tại Việt Nam"
    )
    slip = support.refusal()
    slip = dataclasses.replace(
        slip, header=dataclasses.replace(slip.header, procedure_name=procedure)
    )
    data = render(slip)
    assert procedure in reading.all_text(data)
    assert len(reading.page_texts(data)) == 1


def test_a_name_typed_with_combining_marks_is_printed_composed():
    decomposed = unicodedata.normalize("NFD", support.NAME)
    assert decomposed != support.NAME
    header = support.header(applicant=Applicant(name=decomposed, address=support.ADDRESS))
    slip = dataclasses.replace(support.refusal(), header=header)
    text = reading.all_text(render(slip))
    assert support.NAME in text
    assert not any(unicodedata.combining(character) for character in text)


def test_a_moment_late_in_the_utc_evening_is_printed_on_the_next_vietnamese_day():
    # 17:30 UTC on 9 November is 00:30 on 10 November in Huế.
    slip = dataclasses.replace(
        support.refusal(), header=support.header(issued_at=support.LATE_EVENING_UTC)
    )
    text = reading.all_text(render(slip))
    assert "00:30 ngày 10/11/2023" in text
    assert "Ngày 10 tháng 11 năm 2023" in text


def test_empty_optional_applicant_details_leave_no_blank_lines():
    header = support.header(applicant=Applicant(name=support.NAME))
    text = reading.all_text(render(dataclasses.replace(support.refusal(), header=header)))
    assert "Số điện thoại" not in text
    assert "Số định danh" not in text


def test_the_apology_is_signed_by_the_head_of_the_agency():
    text = reading.all_text(render(support.apology()))
    assert "THỦ TRƯỞNG CƠ QUAN" in text
    assert "Lê Thị Hồng Nhung" in text
    assert "Cần xác minh thông tin hộ tịch với Sở Tư pháp tỉnh Quảng Trị." in text


def test_the_supplement_request_lists_every_item_with_its_reason_and_the_guidance():
    text = reading.all_text(render(support.supplement()))
    for item in support.supplement().items:
        assert item.name in text
        assert f"Lý do: {item.reason}" in text
    assert "Nộp bổ sung trực tiếp tại quầy số 3" in text
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_the_refusal_states_each_reason():
    text = reading.all_text(render(support.refusal()))
    for reason in support.refusal().reasons:
        assert reason in text


def test_the_receipt_lists_each_paper_with_its_form_and_count():
    text = reading.all_text(render(support.receipt()))
    assert "Giấy tờ chứng minh quan hệ cha, mẹ, con Bản sao có chứng thực 2" in text
    assert "Hình thức nộp hồ sơ: Trực tiếp" in text
    assert "Đăng ký nhận kết quả tại: Bộ phận Một cửa phường Phú Xuân, quầy số 3" in text
