import io
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import cms
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.signing import pki
from motcua.signing.errors import Reason
from motcua.signing.models import CredentialKind, SigningCredential
from motcua.signing.services import (
    SigningUnavailable,
    credential_save,
    sign_result_pdf,
    verify_pdf,
)
from motcua.units.models import User
from tests.signing.support import LEADER_FULL_NAME, LOCATION, REASON, make_pdf


def _sign(user) -> bytes:
    return sign_result_pdf(user=user, pdf=make_pdf(), reason=REASON, location=LOCATION)


def test_result_signed_for_the_leader_validates_with_pyhanko_against_the_demo_ca(demo_signers):
    before = timezone.now()

    signed = _sign(demo_signers.leader)
    result = verify_pdf(signed)

    assert result.valid
    assert result.intact
    assert result.trusted
    assert result.issued_here
    assert result.signer_name == LEADER_FULL_NAME
    assert result.signature_count == 1
    assert result.signed_at is not None and result.signed_at.tzinfo is not None
    assert before - timedelta(seconds=2) <= result.signed_at <= timezone.now()
    assert LEADER_FULL_NAME in result.summary_vi
    assert "do hệ thống này phát hành" in result.summary_vi
    assert "issued by this system" in result.summary_en


def test_signed_result_is_a_pades_signature_with_reason_location_and_chain(demo_signers):
    signed = _sign(demo_signers.leader)

    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    dictionary = signature.sig_object
    assert dictionary["/SubFilter"] == "/ETSI.CAdES.detached"
    assert dictionary["/Reason"] == REASON
    assert dictionary["/Location"] == LOCATION
    assert signature.md_algorithm == "sha256"
    certificates = signature.signed_data["certificates"]
    names = {c.chosen.subject.native["common_name"] for c in certificates}
    assert names == {LEADER_FULL_NAME, "motcua Demo CA"}
    assert isinstance(signature.signed_data, cms.SignedData)


def test_a_result_can_be_signed_twice_and_both_signatures_hold(demo_signers):
    once = _sign(demo_signers.leader)
    twice = sign_result_pdf(
        user=demo_signers.head_of_department, pdf=once, reason=REASON, location=LOCATION
    )

    result = verify_pdf(twice)

    assert result.signature_count == 2
    assert result.issued_here
    assert result.signer_name == "Lê Thị Hoa"


def test_user_without_a_credential_gets_signing_unavailable_in_vietnamese(demo_signers):
    counter_officer = User.objects.get(username="tiepnhan")

    with pytest.raises(SigningUnavailable) as caught:
        _sign(counter_officer)

    assert caught.value.reason == Reason.NO_CREDENTIAL
    assert "chưa được cấu hình chứng thư số" in caught.value.message_vi
    assert "No signing certificate" in caught.value.message_en


def test_wrong_passphrase_gets_signing_unavailable_in_vietnamese(demo_signers):
    SigningCredential.objects.filter(user=demo_signers.leader).update(
        demo_passphrase="sai-mat-khau"
    )

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.WRONG_PASSPHRASE
    assert "mật khẩu không đúng" in caught.value.message_vi
    assert "sai-mat-khau" not in caught.value.message_vi + caught.value.message_en


def test_missing_key_file_gets_signing_unavailable(demo_signers):
    Path(demo_signers.leader.signing_credential.pkcs12_path).unlink()

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.FILE_MISSING
    assert "Không tìm thấy tệp chứng thư số" in caught.value.message_vi


def test_disabled_credential_gets_signing_unavailable(demo_signers):
    SigningCredential.objects.filter(user=demo_signers.leader).update(is_active=False)

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.INACTIVE


def test_demo_credential_does_not_sign_outside_demo_mode(demo_signers, settings):
    settings.DEMO = False

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.DEMO_OUTSIDE_DEMO
    assert "chế độ trình diễn" in caught.value.message_vi


def _production_credential(user, tmp_path, *, not_after_days: int = 365, issued_days_ago=0):
    """A non-demo PKCS#12 credential whose passphrase comes from MOTCUA_TEST_P12_PASSPHRASE."""
    now = pki.now_utc() - timedelta(days=issued_days_ago)
    ca = pki.make_ca(common_name="Test Province CA", organization="Test", now=now, key_size=2048)
    certificate, key = pki.issue_signing_certificate(
        ca,
        common_name="Trần Thị Bích",
        organization="UBND phường thử nghiệm",
        now=now,
        validity=timedelta(days=not_after_days),
    )
    path = tmp_path / "keys" / "leader.p12"
    pki.write_file(
        path,
        pki.pkcs12_bytes(
            friendly_name="leader",
            key=key,
            certificate=certificate,
            chain=[ca.certificate],
            passphrase="dung-mat-khau",
        ),
    )
    SigningCredential.objects.filter(user=user).delete()
    return credential_save(
        credential=SigningCredential(
            user=user,
            kind=CredentialKind.PKCS12,
            pkcs12_path=str(path),
            passphrase_env="MOTCUA_TEST_P12_PASSPHRASE",
        )
    )


def test_production_credential_reads_its_passphrase_from_the_environment(
    demo_signers, settings, tmp_path, monkeypatch
):
    settings.DEMO = False
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "dung-mat-khau")
    credential = _production_credential(demo_signers.leader, tmp_path)

    signed = _sign(demo_signers.leader)

    assert credential.passphrase_env == "MOTCUA_TEST_P12_PASSPHRASE"
    assert "CN=Trần Thị Bích" in credential.certificate_subject
    # Signed and sound, but its CA is not one of this installation's trust roots.
    result = verify_pdf(signed)
    assert result.valid and result.intact and not result.trusted
    assert result.signer_name == "Trần Thị Bích"


def test_production_credential_with_its_variable_unset_gets_signing_unavailable(
    demo_signers, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "dung-mat-khau")
    _production_credential(demo_signers.leader, tmp_path)
    monkeypatch.delenv("MOTCUA_TEST_P12_PASSPHRASE")

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.PASSPHRASE_MISSING


def test_production_credential_with_a_wrong_passphrase_gets_signing_unavailable(
    demo_signers, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "dung-mat-khau")
    _production_credential(demo_signers.leader, tmp_path)
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "nham-mat-khau")

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.WRONG_PASSPHRASE
    assert "mật khẩu không đúng" in caught.value.message_vi


def test_expired_certificate_gets_signing_unavailable(demo_signers, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_P12_PASSPHRASE", "dung-mat-khau")
    credential = _production_credential(
        demo_signers.leader, tmp_path, issued_days_ago=400, not_after_days=365
    )

    with pytest.raises(SigningUnavailable) as caught:
        _sign(demo_signers.leader)

    assert caught.value.reason == Reason.EXPIRED
    assert "đã hết hạn" in caught.value.message_vi
    # The admin still shows when it expired.
    assert credential.certificate_not_after < timezone.now()


def test_a_document_that_is_not_a_pdf_is_refused_as_a_programming_error(demo_signers):
    with pytest.raises(ValueError, match="not a readable PDF"):
        sign_result_pdf(
            user=demo_signers.leader, pdf=b"not a pdf", reason=REASON, location=LOCATION
        )
