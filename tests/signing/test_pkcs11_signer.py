"""The PKCS#11 signer against SoftHSM2, a software token: the key never leaves the token."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.signing.errors import Reason
from motcua.signing.models import CredentialKind, SigningCredential
from motcua.signing.services import (
    SigningUnavailable,
    credential_save,
    sign_result_pdf,
    verify_pdf,
)
from tests.signing.support import LOCATION, REASON, make_pdf

PIN_VARIABLE = "MOTCUA_TEST_TOKEN_PIN"


@pytest.fixture
def token_credential(personas, demo_mode, soft_token, monkeypatch):
    demo_mode.DEMO = False  # a production credential: its PIN comes from the environment
    demo_mode.MOTCUA_SIGNING_TRUST_BUNDLE = str(soft_token.ca_path)
    monkeypatch.setenv(PIN_VARIABLE, soft_token.pin)
    return credential_save(
        credential=SigningCredential(
            user=personas.provincial_leader,
            kind=CredentialKind.PKCS11,
            pkcs11_module=soft_token.module_path,
            pkcs11_token_label=soft_token.token_label,
            pkcs11_key_label=soft_token.key_label,
            passphrase_env=PIN_VARIABLE,
        )
    )


def test_result_signed_with_a_pkcs11_token_validates_and_is_issued_here(
    token_credential, soft_token
):
    signed = sign_result_pdf(
        user=token_credential.user, pdf=make_pdf(), reason=REASON, location=LOCATION
    )

    result = verify_pdf(signed)
    assert result.issued_here
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    embedded = [
        c.chosen.subject.native["common_name"] for c in signature.signed_data["certificates"]
    ]
    assert sorted(embedded) == sorted([soft_token.signer_name, "Token Test CA"])
    assert result.signer_name == soft_token.signer_name
    assert f"CN={soft_token.signer_name}" in token_credential.certificate_subject


def test_wrong_token_pin_gets_signing_unavailable_in_vietnamese(token_credential, monkeypatch):
    monkeypatch.setenv(PIN_VARIABLE, "000000")

    with pytest.raises(SigningUnavailable) as caught:
        sign_result_pdf(
            user=token_credential.user, pdf=make_pdf(), reason=REASON, location=LOCATION
        )

    assert caught.value.reason == Reason.TOKEN_UNAVAILABLE
    assert "mã PIN không đúng" in caught.value.message_vi


def test_a_key_label_missing_from_the_token_gets_signing_unavailable(token_credential):
    SigningCredential.objects.filter(pk=token_credential.pk).update(pkcs11_key_label="nobody")

    with pytest.raises(SigningUnavailable) as caught:
        sign_result_pdf(
            user=token_credential.user, pdf=make_pdf(), reason=REASON, location=LOCATION
        )

    assert caught.value.reason == Reason.TOKEN_UNAVAILABLE
