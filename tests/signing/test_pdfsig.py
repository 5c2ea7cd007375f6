"""An independent check: poppler's ``pdfsig`` (NSS underneath) must agree with pyHanko.

pdfsig exits 0 for a digest mismatch and for an untrusted issuer alike, so every test
reads its printed verdict.
"""

import pytest

from motcua.signing.services import sign_result_pdf
from tests.signing.support import (
    LEADER_FULL_NAME,
    LOCATION,
    REASON,
    change_one_letter_of_the_text,
    make_pdf,
)

VALID = "Signature Validation: Signature is Valid."
TRUSTED = "Certificate Validation: Certificate is Trusted."
MISMATCH = "Signature Validation: Digest Mismatch."


@pytest.fixture
def signed(demo_signers) -> bytes:
    return sign_result_pdf(
        user=demo_signers.leader, pdf=make_pdf(), reason=REASON, location=LOCATION
    )


def test_signed_result_is_valid_and_trusted_for_pdfsig_given_the_demo_ca(
    signed, demo_signers, nss_db, run_pdfsig
):
    output = run_pdfsig(signed, nssdir=nss_db(demo_signers.ca_path))

    assert VALID in output, output
    assert TRUSTED in output, output
    assert f"Signer Certificate Common Name: {LEADER_FULL_NAME}" in output
    assert "Signature Type: ETSI.CAdES.detached" in output
    assert "Signing Hash Algorithm: SHA-256" in output
    assert "Total document signed" in output


def test_pdfsig_does_not_trust_the_signer_without_the_demo_ca(signed, nss_db, run_pdfsig):
    output = run_pdfsig(signed, nssdir=nss_db())

    assert VALID in output, output
    assert TRUSTED not in output
    assert "Certificate issuer isn't Trusted." in output


def test_one_changed_byte_in_the_signed_range_makes_pdfsig_report_a_digest_mismatch(
    signed, demo_signers, nss_db, run_pdfsig
):
    output = run_pdfsig(change_one_letter_of_the_text(signed), nssdir=nss_db(demo_signers.ca_path))

    assert MISMATCH in output, output
    assert VALID not in output
