"""The signed result: download by its owner, and the public verification page."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers.models import Channel
from motcua.portal import views
from tests.portal.support import PDF, PNG, run_to_returned

RESULT = b"%PDF-1.7\n% signed result\n"


@pytest.fixture
def returned(submit, staff, citizen):
    d = submit(channel=Channel.ONLINE, user=citizen, owner=citizen)
    return run_to_returned(d, staff, result=RESULT)


def test_the_owner_downloads_the_signed_result(citizen_client, returned):
    page = citizen_client.get(f"/ho-so/{returned.code}/")
    assert f"/ho-so/{returned.code}/ket-qua/" in page.text
    response = citizen_client.get(f"/ho-so/{returned.code}/ket-qua/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == RESULT


def test_nobody_else_downloads_it(client, returned, staff):
    assert client.get(f"/ho-so/{returned.code}/ket-qua/").status_code == 302  # to login
    other = Client()
    other.force_login(staff.counter_b)
    assert other.get(f"/ho-so/{returned.code}/ket-qua/").status_code == 404


def test_there_is_nothing_to_download_before_the_result(citizen_client, submit, citizen):
    d = submit(channel=Channel.ONLINE, user=citizen, owner=citizen)
    assert citizen_client.get(f"/ho-so/{d.code}/ket-qua/").status_code == 404


@dataclass
class FakeVerification:
    valid: bool
    intact: bool
    trusted: bool
    issued_here: bool
    signer_name: str = "Phạm Quốc Hùng"
    signed_at: dt.datetime | None = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    summary_vi: str = "Chữ ký hợp lệ, tài liệu toàn vẹn."
    summary_en: str = "Valid signature, document intact."


@pytest.fixture
def verifier(monkeypatch):
    calls = []

    def install(result):
        def fake(content):
            calls.append(content)
            return result

        monkeypatch.setattr(views, "_verify_pdf", fake)
        return calls

    return install


def post_file(client, name, content):
    return client.post("/xac-thuc/", {"tep": SimpleUploadedFile(name, content)})


def test_a_genuine_result_is_reported_as_issued_here_and_untouched(client, verifier, units):
    calls = verifier(FakeVerification(valid=True, intact=True, trusted=True, issued_here=True))
    response = post_file(client, "ket-qua.pdf", RESULT)
    assert response.status_code == 200
    assert calls == [RESULT]
    text = response.text
    assert "Hợp lệ: do hệ thống này cấp và không bị sửa đổi." in text
    assert "Phạm Quốc Hùng" in text
    assert "10/03/2026 15:00" in text  # shown in Asia/Ho_Chi_Minh
    assert "Chữ ký hợp lệ, tài liệu toàn vẹn." in text


def test_a_changed_file_is_reported_as_not_genuine(client, verifier, units):
    verifier(
        FakeVerification(
            valid=False, intact=False, trusted=True, issued_here=True, summary_vi="Đã bị sửa."
        )
    )
    text = post_file(client, "ket-qua.pdf", RESULT).text
    assert "Không hợp lệ" in text
    assert "Đã bị sửa." in text


def test_only_pdf_files_are_checked(client, verifier, units):
    calls = verifier(FakeVerification(valid=True, intact=True, trusted=True, issued_here=True))
    assert post_file(client, "anh.png", PNG).status_code == 400
    response = post_file(client, "gia.pdf", PNG)
    assert response.status_code == 400
    assert "không đúng định dạng PDF" in response.text
    assert calls == []


def test_an_unreadable_pdf_gets_a_message_not_an_error_page(client, monkeypatch, units):
    def broken(content):
        raise ValueError("not a PDF structure")

    monkeypatch.setattr(views, "_verify_pdf", broken)
    response = post_file(client, "hong.pdf", PDF)
    assert response.status_code == 400
    assert "Không đọc được tệp này" in response.text


def test_the_real_verifier_finds_no_signature_in_an_unsigned_pdf(client, units):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    response = post_file(client, "khong-ky.pdf", bytes(pdf.output()))
    assert response.status_code == 200
    assert "Không hợp lệ" in response.text
    assert "Do hệ thống này cấp" in response.text


def test_a_broken_verifier_setup_says_so_instead_of_blaming_the_file(client, monkeypatch, units):
    from django.core.exceptions import ImproperlyConfigured

    def unconfigured(content):
        raise ImproperlyConfigured("trust bundle unreadable")

    monkeypatch.setattr(views, "_verify_pdf", unconfigured)
    response = post_file(client, "ket-qua.pdf", PDF)
    assert response.status_code == 503
    assert "tạm thời chưa sẵn sàng" in response.text
