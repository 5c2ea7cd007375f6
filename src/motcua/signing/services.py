"""Sign a result PDF with the officer's certificate; verify any PDF against our trust roots.

``sign_result_pdf`` is called by the approval service with the leader who approves;
``verify_pdf`` by the citizen portal's public check page, on an uploaded file. Both are
synchronous (pyHanko runs its own event loop): from async code, go through
``sync_to_async``.

Trust roots are this installation's: the demo CA under ``VAR_DIR/pki/`` (in demo mode
only, see ``trust_roots``) plus the PEM bundle named by ``MOTCUA_SIGNING_TRUST_BUNDLE``
(the licensed CAs whose certificates the province's leaders hold). Validation never goes
to the network.
"""

import io
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from motcua.signing import pki
from motcua.signing.errors import Reason, SigningUnavailable
from motcua.signing.models import CredentialKind, SigningCredential
from motcua.signing.signers import (
    Pkcs11Signer,
    Pkcs12Signer,
    Signer,
    refuse_running_event_loop,
)

__all__ = [
    "SigningUnavailable",
    "VerificationResult",
    "credential_certificate",
    "credential_save",
    "demo_ca_path",
    "pki_dir",
    "sign_result_pdf",
    "signer_for",
    "trust_roots",
    "verify_pdf",
]

logger = logging.getLogger(__name__)

TRUST_BUNDLE_SETTING = "MOTCUA_SIGNING_TRUST_BUNDLE"


# --- where the demo PKI lives ---------------------------------------------------------


def pki_dir() -> Path:
    return Path(settings.VAR_DIR) / "pki"


def demo_ca_path() -> Path:
    return pki_dir() / "demo-ca.pem"


# --- credentials ------------------------------------------------------------------------


def _passphrase(credential: SigningCredential) -> str | None:
    if credential.is_demo:
        # A demo key's passphrase sits in the database; outside demo mode such a key must
        # not sign anything a citizen could take for a real decision.
        if not settings.DEMO:
            raise SigningUnavailable(Reason.DEMO_OUTSIDE_DEMO)
        return credential.demo_passphrase
    if not credential.passphrase_env:
        if credential.kind == CredentialKind.PKCS12:
            raise SigningUnavailable(Reason.PASSPHRASE_MISSING)
        return None  # a token with a PIN pad or protected authentication path
    value = os.environ.get(credential.passphrase_env)
    if value is None:
        raise SigningUnavailable(Reason.PASSPHRASE_MISSING)
    return value


def signer_for(credential: SigningCredential) -> Signer:
    """Build the signer a credential describes. Raises ``SigningUnavailable``."""
    if not credential.is_active:
        raise SigningUnavailable(Reason.INACTIVE)
    passphrase = _passphrase(credential)
    if credential.kind == CredentialKind.PKCS11:
        return Pkcs11Signer(
            module_path=credential.pkcs11_module,
            token_label=credential.pkcs11_token_label,
            key_label=credential.pkcs11_key_label,
            pin=passphrase,
        )
    return Pkcs12Signer.from_file(credential.pkcs12_path, passphrase or "")


def credential_certificate(credential: SigningCredential) -> pki.CertificateInfo:
    """Open the credential as signing would and describe its certificate, expired or not.

    Raises ``SigningUnavailable`` when it cannot be opened; the admin's "check" action and
    ``credential_save`` use it.
    """
    passphrase = _passphrase(credential)
    if credential.kind == CredentialKind.PKCS11:
        signer = Pkcs11Signer(
            module_path=credential.pkcs11_module,
            token_label=credential.pkcs11_token_label,
            key_label=credential.pkcs11_key_label,
            pin=passphrase,
        )
        return pki.certificate_info(signer.read_certificate())
    try:
        data = Path(credential.pkcs12_path).read_bytes()
    except OSError as error:
        raise SigningUnavailable(Reason.FILE_MISSING) from error
    try:
        certificate, _chain = pki.read_pkcs12(data, passphrase or "")
    except ValueError as error:
        raise SigningUnavailable(Reason.WRONG_PASSPHRASE) from error
    return pki.certificate_info(certificate)


@transaction.atomic
def credential_save(*, credential: SigningCredential) -> SigningCredential:
    """Validate and save a credential, caching its certificate's subject, serial and expiry.

    A credential whose key cannot be opened yet (the passphrase variable is set on the
    server later, the token is not plugged in) is still saved, with the cache left empty.
    """
    credential.full_clean()
    try:
        info = credential_certificate(credential)
    except SigningUnavailable as problem:
        logger.info(
            "signing credential of user %s saved unreadable: %s", credential.user_id, problem.reason
        )
        credential.certificate_subject = ""
        credential.certificate_serial = ""
        credential.certificate_not_after = None
    else:
        credential.certificate_subject = info.subject[:500]
        credential.certificate_serial = info.serial
        credential.certificate_not_after = info.not_after
    credential.save()
    return credential


# --- signing ----------------------------------------------------------------------------


def sign_result_pdf(*, user, pdf: bytes, reason: str, location: str) -> bytes:
    """``pdf`` with a PAdES signature made with ``user``'s active credential.

    Raises ``SigningUnavailable`` (with ``message_vi``/``message_en``) when the user has no
    usable credential: none, disabled, file missing, wrong or unset passphrase, certificate
    expired or not yet valid, token unreachable. Raises ``ValueError`` when ``pdf`` is not a
    readable PDF.
    """
    credential = (
        SigningCredential.objects.filter(user_id=getattr(user, "pk", None)).first()
        if user is not None
        else None
    )
    try:
        if credential is None:
            raise SigningUnavailable(Reason.NO_CREDENTIAL)
        signer = signer_for(credential)
        # A fresh field name per signature: a result may be signed again (a corrected
        # decision) and pyHanko refuses to fill a field that already holds a signature.
        field_name = f"motcua-{secrets.token_hex(4)}"
        signed = signer.sign(pdf, reason=reason, location=location, field_name=field_name)
    except SigningUnavailable as problem:
        # The reason only: never the path, the variable's value or the passphrase.
        logger.warning(
            "signing unavailable for user %s: %s", getattr(user, "pk", None), problem.reason
        )
        raise
    logger.info("result signed by user %s (credential %s)", user.pk, credential.pk)
    return signed


# --- verification -----------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """What the public check page tells a citizen about an uploaded PDF.

    ``valid``: the signature is cryptographically sound *for these bytes* (pyHanko's
    ``valid`` and ``intact``: the signed attributes verify and the signed digest matches).
    ``intact``: nothing was changed after signing: the signature covers the whole file, or
    only validation data (DSS, document timestamps) was appended since.
    ``trusted``: the signer's certificate chains to this installation's trust roots with a
    non-repudiation key usage.
    With several signatures, the verdict is the last one's (it covers the most), and
    ``valid`` also requires every earlier one to be valid.
    """

    valid: bool
    intact: bool
    trusted: bool
    signer_name: str
    signed_at: datetime | None
    summary_vi: str
    summary_en: str
    signature_count: int = 0
    issued_here: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "issued_here", self.valid and self.intact and self.trusted)


def _load_pem_bundle(path: Path, what: str) -> list[asn1_x509.Certificate]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(f"{what}: cannot read {path} ({error.strerror})") from error
    try:
        certificates = list(load_certs_from_pemder_data(data))
    except ValueError as error:
        raise ImproperlyConfigured(f"{what}: {path} is not a PEM certificate bundle") from error
    if not certificates:
        raise ImproperlyConfigured(f"{what}: {path} holds no certificate")
    return certificates


def _trust_bundle_setting() -> str:
    value = getattr(settings, TRUST_BUNDLE_SETTING, None)
    if value is None:
        value = os.environ.get(TRUST_BUNDLE_SETTING, "")
    return str(value).strip()


def trust_roots() -> list[asn1_x509.Certificate]:
    """The CA certificates a signature must chain to for ``trusted``.

    The demo CA counts in demo mode only: its key lies unencrypted under ``VAR_DIR``, so on
    a production server it would let anyone who can read that directory forge a document
    that the public page calls "issued by this system".
    """
    roots: list[asn1_x509.Certificate] = []
    if settings.DEMO and demo_ca_path().exists():
        roots += _load_pem_bundle(demo_ca_path(), "demo CA")
    bundle = _trust_bundle_setting()
    if bundle:
        roots += _load_pem_bundle(Path(bundle), TRUST_BUNDLE_SETTING)
    return roots


@dataclass(frozen=True)
class _Judgement:
    valid: bool
    intact: bool
    trusted: bool
    signer_name: str
    signed_at: datetime | None


def _common_name(certificate: asn1_x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    name = certificate.subject.native.get("common_name", "")
    if isinstance(name, list):
        name = name[-1] if name else ""
    return str(name) or certificate.subject.human_friendly


def _untouched(status: PdfSignatureStatus) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    # Appending validation data (DSS, a document timestamp) keeps a signed document whole;
    # anything else (a new page, a changed annotation, form filling) does not.
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
        and status.docmdp_ok is not False
    )


def _judge(signature: EmbeddedPdfSignature, context: ValidationContext) -> _Judgement:
    try:
        signer_name = _common_name(signature.signer_cert)
    except Exception:  # a damaged CMS blob: no certificate to name
        signer_name = ""
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as error:
        # Untrusted input from the public page: a malformed signature is "not valid",
        # never a server error.
        logger.info("signature could not be validated: %s", type(error).__name__)
        return _Judgement(False, False, False, signer_name, None)
    valid = bool(status.valid and status.intact)
    signed_at = status.signer_reported_dt
    timestamp = status.timestamp_validity
    if timestamp is not None and timestamp.valid and timestamp.intact and timestamp.trusted:
        signed_at = timestamp.timestamp
    return _Judgement(
        valid=valid,
        intact=bool(status.intact and _untouched(status)),
        trusted=bool(valid and status.trusted),
        signer_name=_common_name(status.signing_cert) or signer_name,
        signed_at=signed_at,
    )


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def _summaries(judgement: _Judgement, *, all_valid: bool) -> tuple[str, str]:
    name = judgement.signer_name or "(không rõ)"
    name_en = judgement.signer_name or "(unknown)"
    if not (judgement.valid and all_valid):
        return (
            f"Chữ ký số của {name} KHÔNG hợp lệ: tài liệu đã bị thay đổi sau khi ký "
            "hoặc chữ ký bị hỏng. Không sử dụng tài liệu này.",
            f"The digital signature of {name_en} is NOT valid: the document was changed "
            "after signing or the signature is damaged. Do not rely on this document.",
        )
    if not judgement.intact:
        return (
            f"Chữ ký số của {name} hợp lệ, nhưng tài liệu đã bị bổ sung hoặc sửa đổi sau "
            "khi ký. Không sử dụng tài liệu này.",
            f"The digital signature of {name_en} is valid, but the document was extended or "
            "modified after signing. Do not rely on this document.",
        )
    if not judgement.trusted:
        return (
            f"Chữ ký số của {name} đúng về mặt kỹ thuật nhưng chứng thư số không do tổ chức "
            "mà hệ thống này tin cậy cấp: không xác nhận được tài liệu do hệ thống này phát "
            "hành.",
            f"The digital signature of {name_en} is technically sound, but its certificate "
            "was not issued by an authority this system trusts: the document cannot be "
            "confirmed as issued by this system.",
        )
    when_vi = f" lúc {_moment(judgement.signed_at)}" if judgement.signed_at else ""
    when_en = f" at {_moment(judgement.signed_at)}" if judgement.signed_at else ""
    return (
        f"Tài liệu do hệ thống này phát hành, được {name} ký số{when_vi} và chưa bị sửa "
        "đổi sau khi ký.",
        f"The document was issued by this system, digitally signed by {name_en}{when_en}, "
        "and has not been modified since.",
    )


_NOT_A_PDF = (
    "Tệp tải lên không phải là tệp PDF đọc được.",
    "The uploaded file is not a readable PDF.",
)
_DAMAGED = (
    "Chữ ký số trong tài liệu bị hỏng, không kiểm tra được. Không sử dụng tài liệu này.",
    "The document's digital signature is damaged and cannot be checked. Do not rely on it.",
)
_UNSIGNED = (
    "Tài liệu không có chữ ký số.",
    "The document carries no digital signature.",
)


def verify_pdf(pdf: bytes) -> VerificationResult:
    """Check every signature in ``pdf`` against this installation's trust roots, offline.

    Never raises for bad input (garbage, an unsigned or damaged PDF): the result is then
    not valid, with a summary saying why. Raises ``ImproperlyConfigured`` when the trust
    bundle setting names an unreadable file, so a broken setup is not reported as
    "untrusted" to every citizen.
    """
    refuse_running_event_loop()
    roots = trust_roots()
    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf)), strict=False)
    except Exception as error:
        logger.info("uploaded file is not a readable PDF: %s", type(error).__name__)
        return VerificationResult(False, False, False, "", None, *_NOT_A_PDF)
    try:
        signatures = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    except Exception as error:
        # A signature field whose dictionary or CMS blob cannot even be parsed.
        logger.info("signature could not be read: %s", type(error).__name__)
        return VerificationResult(False, False, False, "", None, *_DAMAGED)
    if not signatures:
        return VerificationResult(False, False, False, "", None, *_UNSIGNED)
    # No fetching: OCSP/CRL/AIA would make the public page depend on (and leak uploads'
    # signers to) outside servers; revocation is "soft-fail" without them.
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    judgements = [_judge(signature, context) for signature in signatures]
    last = judgements[-1]
    all_valid = all(j.valid for j in judgements)
    summary_vi, summary_en = _summaries(last, all_valid=all_valid)
    return VerificationResult(
        valid=last.valid and all_valid,
        intact=last.intact,
        trusted=last.trusted,
        signer_name=last.signer_name,
        signed_at=last.signed_at,
        summary_vi=summary_vi,
        summary_en=summary_en,
        signature_count=len(signatures),
    )
