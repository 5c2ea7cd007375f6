"""Uploads: wrong type, oversized, content not matching the extension — refused, nothing
stored."""

import pytest
from django.test import override_settings

from motcua.dossiers import services as s
from motcua.dossiers.errors import Refused
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services.uploads import checked_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def test_accepted_files_get_a_safe_name_and_a_digest():
    upload = checked_upload("Giấy khai sinh (bản sao).PDF", b"%PDF-1.7\n...")
    assert upload.safe_name == "Giay-khai-sinh-ban-sao.pdf"
    assert upload.content_type == "application/pdf"
    assert len(upload.sha256) == 64
    assert checked_upload("anh.png", PNG).content_type == "image/png"
    assert checked_upload("anh.jpeg", JPEG).content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ...", "file_type"),
        ("bang-tinh.xlsx", b"PK..", "file_type"),
        ("khong-phai.pdf", PNG, "file_content_mismatch"),
        ("anh.png", b"%PDF-1.4", "file_content_mismatch"),
        ("rong.pdf", b"", "file_empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(name, content, code):
    with pytest.raises(Refused) as error:
        checked_upload(name, content)
    assert error.value.code == code
    assert name in error.value.message_vi


@override_settings(MOTCUA_MAX_UPLOAD_BYTES=1024)
def test_an_oversized_file_is_refused():
    with pytest.raises(Refused) as error:
        checked_upload("lon.pdf", b"%PDF-" + b"0" * 2000)
    assert error.value.code == "file_too_large"


def test_a_refused_draft_result_leaves_nothing_stored(submit, staff, clock):
    d = s.dossier_receive(dossier=submit(), user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    with pytest.raises(Refused):
        s.dossier_propose_result(
            dossier=d, user=staff.specialist_a, file_name="ket-qua.docx", content=b"PK.."
        )
    assert not DossierDocument.objects.filter(dossier=d).exists()
    assert d.events.count() == 3
