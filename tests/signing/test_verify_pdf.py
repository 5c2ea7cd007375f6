import io
import os
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from motcua.signing import pki
from motcua.signing.services import VerificationResult, sign_result_pdf, verify_pdf
from motcua.signing.signers import Pkcs12Signer
from tests.signing.support import (
    LEADER_FULL_NAME,
    LOCATION,
    REASON,
    change_one_letter_of_the_text,
    make_pdf,
)


@pytest.fixture
def signed(demo_signers) -> bytes:
    return sign_result_pdf(
        user=demo_signers.leader, pdf=make_pdf(), reason=REASON, location=LOCATION
    )


def _other_ca_signer(tmp_path):
    """A leader certificate from a CA this installation has never heard of."""
    now = pki.now_utc()
    ca = pki.make_ca(
        common_name="Untrusted Other CA", organization="Elsewhere", now=now, key_size=2048
    )
    certificate, key = pki.issue_signing_certificate(
        ca, common_name="Người Lạ", organization="Cơ quan khác", now=now
    )
    data = pki.pkcs12_bytes(
        friendly_name="x", key=key, certificate=certificate, chain=[ca.certificate], passphrase="p"
    )
    ca_path = tmp_path / "other-ca.pem"
    ca_path.write_bytes(ca.pem)
    return Pkcs12Signer(data, "p"), ca_path


def _assert_not_issued_here(result: VerificationResult) -> None:
    assert not result.valid
    assert not result.intact
    assert not result.trusted
    assert not result.issued_here


def test_unsigned_pdf_is_not_valid_and_says_it_has_no_signature(demo_mode):
    result = verify_pdf(make_pdf())

    _assert_not_issued_here(result)
    assert result.signature_count == 0
    assert result.signer_name == ""
    assert result.signed_at is None
    assert result.summary_vi == "Tài liệu không có chữ ký số."
    assert result.summary_en == "The document carries no digital signature."


def test_random_bytes_are_not_valid_and_say_they_are_not_a_pdf(demo_mode):
    result = verify_pdf(os.urandom(4096))

    _assert_not_issued_here(result)
    assert "không phải là tệp PDF" in result.summary_vi
    assert "not a readable PDF" in result.summary_en


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9, 0.999], ids=lambda c: f"first {c:.1%}")
def test_a_truncated_signed_pdf_gives_a_result_not_an_exception(signed, cut):
    result = verify_pdf(signed[: int(len(signed) * cut)])

    assert not result.issued_here
    assert result.summary_vi and result.summary_en


def test_pdf_signed_under_an_untrusted_ca_is_valid_but_not_issued_here(demo_mode, tmp_path):
    signer, _ca_path = _other_ca_signer(tmp_path)
    signed = signer.sign(make_pdf(), reason=REASON, location=LOCATION, field_name="Sig1")

    result = verify_pdf(signed)

    assert result.valid
    assert result.intact
    assert not result.trusted
    assert not result.issued_here
    assert result.signer_name == "Người Lạ"
    assert "không do tổ chức mà hệ thống này tin cậy cấp" in result.summary_vi
    assert "not issued by an authority this system trusts" in result.summary_en


def test_a_ca_in_the_configured_trust_bundle_is_trusted(demo_mode, tmp_path):
    signer, ca_path = _other_ca_signer(tmp_path)
    signed = signer.sign(make_pdf(), reason=REASON, location=LOCATION, field_name="Sig1")
    demo_mode.MOTCUA_SIGNING_TRUST_BUNDLE = str(ca_path)

    assert verify_pdf(signed).issued_here


def test_an_unreadable_trust_bundle_is_a_configuration_error_not_a_verdict(
    signed, demo_mode, tmp_path
):
    demo_mode.MOTCUA_SIGNING_TRUST_BUNDLE = str(tmp_path / "missing.pem")

    with pytest.raises(ImproperlyConfigured, match="MOTCUA_SIGNING_TRUST_BUNDLE"):
        verify_pdf(signed)


def test_the_demo_ca_is_not_trusted_outside_demo_mode(signed, demo_mode):
    demo_mode.DEMO = False

    result = verify_pdf(signed)

    assert result.valid and result.intact
    assert not result.trusted
    assert not result.issued_here


def test_one_changed_byte_in_the_signed_range_makes_the_result_not_valid(signed):
    result = verify_pdf(change_one_letter_of_the_text(signed))

    _assert_not_issued_here(result)
    assert result.signer_name == LEADER_FULL_NAME
    assert "KHÔNG hợp lệ" in result.summary_vi
    assert "NOT valid" in result.summary_en


def test_a_revision_appended_after_signing_makes_the_result_not_intact(signed):
    # A new revision that replaces the page's text, as someone "correcting" a decision
    # with a PDF editor would. (A metadata-only change, e.g. a new /Title, is something
    # pyHanko counts as harmless, and so does verify_pdf.)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (QUYET DINH: tu choi) Tj ET")
    )
    writer.mark_update(page_ref)
    buffer = io.BytesIO()
    writer.write(buffer)

    result = verify_pdf(buffer.getvalue())

    assert result.valid, "the signed bytes themselves were not touched"
    assert not result.intact
    assert result.trusted
    assert not result.issued_here
    assert "bổ sung hoặc sửa đổi sau khi ký" in result.summary_vi


def test_a_result_checked_after_its_certificate_expired_is_no_longer_trusted(signed):
    # No trusted timestamp yet (PAdES B-B): validation happens at the current time, so an
    # expired leader certificate turns the verdict. See docs/adr/0003-signatures.md.
    with time_machine.travel(timezone.now() + timedelta(days=3 * 365)):
        result = verify_pdf(signed)

    assert result.valid and result.intact
    assert not result.trusted
    assert not result.issued_here
