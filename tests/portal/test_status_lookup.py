"""Status lookup: code + second factor, nothing personal, and no enumeration."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from motcua.dossiers import services as s
from motcua.dossiers.models import Channel
from motcua.dossiers.public import status_url
from tests.dossiers.conftest import at
from tests.portal.support import personal_data_in, run_to_returned

NOT_FOUND = "Không tìm thấy hồ sơ với mã và bốn số này"
TOO_MANY = "Bạn đã tra cứu sai quá nhiều lần"


def lookup(client, code, digits, ip="203.0.113.7"):
    return client.post("/tra-cuu/", {"ma": code, "so": digits}, REMOTE_ADDR=ip)


@pytest.fixture
def received(submit, staff):
    return s.dossier_receive(dossier=submit(), user=staff.counter_a)


def test_code_and_phone_digits_show_the_status_and_the_appointment(client, received):
    response = lookup(client, received.code, "5678")
    assert response.status_code == 200
    text = response.text
    assert received.code in text
    assert "Đăng ký khai sinh" in text
    assert "Đã tiếp nhận: đã cấp giấy tiếp nhận và hẹn trả kết quả" in text
    assert "Ngày hẹn trả kết quả" in text
    assert "12/03/2026 09:00" in text
    assert "09/03/2026 09:00" in text
    assert "UBND" in text  # the agencies are public bodies
    assert personal_data_in(text) == []


def test_the_code_is_accepted_in_lower_case_with_spaces(client, received):
    response = lookup(client, f"  {received.code.lower()} ", "5678")
    assert response.status_code == 200


def test_the_qr_link_on_the_receipt_opens_the_status_without_typing(client, received):
    url = urlsplit(status_url(received.code))
    response = client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200
    assert "12/03/2026 09:00" in response.text
    assert personal_data_in(response.text) == []


def test_a_late_dossier_shows_its_apology_and_the_new_appointment(client, received, staff, clock):
    d = s.step_assign(dossier=received, user=staff.counter_a, assignee=staff.specialist_a)
    s.dossier_apologize(
        dossier=d,
        user=staff.specialist_a,
        reason="Cần xác minh thêm với cơ quan khác",
        new_due_at=at(2026, 3, 17, 9, 0),
    )
    text = lookup(client, received.code, "5678").text
    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in text
    assert "Ngày hẹn mới: 17/03/2026 09:00" in text
    assert "Cần xác minh thêm với cơ quan khác" in text
    assert "Thẩm định" in text  # the current step
    assert personal_data_in(text) == []


def test_nothing_personal_at_any_stage_up_to_the_rating_link(client, submit, staff):
    d = submit()
    assert personal_data_in(lookup(client, d.code, "5678").text) == []
    d = run_to_returned(d, staff)
    text = lookup(client, d.code, "5678").text
    assert "Đã trả kết quả" in text
    assert "/danh-gia/" in text
    assert personal_data_in(text) == []


def test_no_such_code_and_wrong_digits_get_the_same_answer(client, received):
    unknown = lookup(client, "000.01.30.H57-260309-9999", "5678")
    wrong = lookup(client, received.code, "1234")
    assert unknown.status_code == wrong.status_code == 404
    assert NOT_FOUND in unknown.text
    assert NOT_FOUND in wrong.text
    assert received.code not in wrong.text.replace(f'value="{received.code}"', "")


def test_a_bad_qr_token_is_a_wrong_guess(client, received):
    response = client.get("/tra-cuu/", {"ma": received.code, "k": "0" * 16})
    assert response.status_code == 404
    assert NOT_FOUND in response.text


def test_too_many_wrong_guesses_stop_the_client_even_with_the_right_answer(client, received):
    for number in range(10):
        assert lookup(client, received.code, f"{number:04d}").status_code == 404
    blocked = lookup(client, received.code, "5678")
    assert blocked.status_code == 429
    assert TOO_MANY in blocked.text
    assert "15 phút" in blocked.text
    assert blocked["Retry-After"] == "900"
    assert received.code not in blocked.text.replace(f'value="{received.code}"', "")
    # The QR link stops answering that client too.
    url = urlsplit(status_url(received.code))
    qr = client.get(f"{url.path}?{url.query}", REMOTE_ADDR="203.0.113.7")
    assert qr.status_code == 429
    # Another client is not affected.
    assert lookup(client, received.code, "5678", ip="198.51.100.1").status_code == 200


def test_guesses_spread_over_many_addresses_lock_the_code_but_not_its_qr_link(client, received):
    for number in range(30):
        lookup(client, received.code, f"{number:04d}", ip=f"10.0.{number}.1")
    assert lookup(client, received.code, "5678", ip="10.9.9.9").status_code == 429
    url = urlsplit(status_url(received.code))
    assert client.get(f"{url.path}?{url.query}", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_window_ends_and_the_client_may_look_up_again(client, received, clock):
    for number in range(10):
        lookup(client, received.code, f"{number:04d}")
    assert lookup(client, received.code, "5678").status_code == 429
    clock.move_to(at(2026, 3, 9, 9, 16))
    assert lookup(client, received.code, "5678").status_code == 200


def test_a_malformed_form_is_not_a_lookup(client, received):
    response = lookup(client, received.code, "12ab")
    assert response.status_code == 400
    assert "Nhập bốn chữ số." in response.text


def test_a_logged_in_citizen_sees_all_their_dossiers(submit, staff, clock):
    citizen = staff.citizen
    mine = [submit(channel=Channel.ONLINE, user=citizen, owner=citizen) for _ in range(3)]
    other = submit()
    client = Client()
    client.force_login(citizen)
    page = client.get("/tra-cuu/").text
    for d in mine:
        assert d.code in page
    assert other.code not in page
    detail = client.get(f"/ho-so/{mine[0].code}/")
    assert detail.status_code == 200
    assert "Đã nộp: chờ Bộ phận Một cửa kiểm tra" in detail.text
    # Someone else's dossier is not found, not forbidden.
    assert client.get(f"/ho-so/{other.code}/").status_code == 404
