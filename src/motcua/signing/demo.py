"""The demo PKI that `make run` creates, so an approval is signed out of the box.

Under ``VAR_DIR/pki/``: a root "motcua Demo CA" (10 years) and, for every active officer
holding the leader or head-of-department role, a signing certificate (digitalSignature +
nonRepudiation; CN = the officer's full name in Vietnamese order, O = their agency) in a
PKCS#12 file with a random passphrase, plus the officer's ``SigningCredential``.

Idempotent: a second run reads what is there and changes nothing while the files open, the
certificates chain to the CA, name the officer and agency, and are more than 30 days from
expiry. A real credential configured by an administrator is never replaced. Demo mode only:
the CA key is stored unencrypted and demo passphrases sit in the database.
"""

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.signing import pki
from motcua.signing.models import CredentialKind, SigningCredential
from motcua.signing.services import credential_save, demo_ca_path, pki_dir
from motcua.units.models import Role, User

SIGNING_ROLES = (Role.LEADER, Role.HEAD_OF_DEPARTMENT)
# Reissue a little before expiry, so a demo left running never signs with a dead cert.
RENEW_BEFORE = timedelta(days=30)


class Outcome(StrEnum):
    CREATED = "created"
    RENEWED = "renewed"
    UNCHANGED = "unchanged"
    KEPT_REAL = "kept_real"  # a non-demo credential is there: left alone


@dataclass(frozen=True)
class DemoSigner:
    username: str
    full_name: str
    agency: str
    outcome: Outcome


@dataclass(frozen=True)
class DemoPki:
    ca_path: Path
    ca_created: bool
    signers: tuple[DemoSigner, ...]


def ca_key_path() -> Path:
    return pki_dir() / "demo-ca-key.pem"


def _p12_path(user: User) -> Path:
    return pki_dir() / "officers" / f"{user.get_username()}.p12"


@contextlib.contextmanager
def _pki_lock() -> Iterator[None]:
    # Two `motcua demo` started at once would otherwise each make a CA and leave one set of
    # certificates chaining to the CA that lost the race (the next run would repair it).
    pki_dir().mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, the next run repairs a lost race
        yield
        return
    with (pki_dir() / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _DemoCa:
    """The demo CA, its key loaded only when a certificate has to be issued: loading (and
    checking) an RSA-3072 key is most of the cost of a run that changes nothing."""

    def __init__(self, certificate: x509.Certificate, key: rsa.RSAPrivateKey | None = None):
        self.certificate = certificate
        self._key = key

    def authority(self) -> pki.CertificateAuthority:
        if self._key is None:
            try:
                authority = pki.CertificateAuthority.from_pem(
                    demo_ca_path().read_bytes(), ca_key_path().read_bytes()
                )
            except (OSError, ValueError) as error:
                raise _BrokenCaKey from error
            if authority.certificate != self.certificate:
                raise _BrokenCaKey
            self._key = authority.key
        return pki.CertificateAuthority(certificate=self.certificate, key=self._key)


class _BrokenCaKey(Exception):
    """The CA key is missing, damaged or not the certificate's: start a new demo CA."""


def _new_ca(now: datetime) -> _DemoCa:
    ca = pki.make_ca(now=now)
    pki.write_file(ca_key_path(), ca.key_pem)
    pki.write_file(demo_ca_path(), ca.pem, mode=0o644)
    return _DemoCa(ca.certificate, ca.key)


def _ensure_ca(now: datetime) -> tuple[_DemoCa, bool]:
    if demo_ca_path().exists() and ca_key_path().exists():
        try:
            certificate = x509.load_pem_x509_certificate(demo_ca_path().read_bytes())
        except ValueError:
            pass  # damaged: make a new CA (its signers are reissued below)
        else:
            if certificate.not_valid_after_utc - now > RENEW_BEFORE:
                return _DemoCa(certificate), False
    return _new_ca(now), True


def _current(
    credential: SigningCredential,
    ca: _DemoCa,
    *,
    full_name: str,
    agency: str,
    now: datetime,
) -> bool:
    """Whether the demo credential still opens and still says the right thing."""
    if credential.kind != CredentialKind.PKCS12 or not credential.pkcs12_path:
        return False
    try:
        data = Path(credential.pkcs12_path).read_bytes()
        certificate, _chain = pki.read_pkcs12(data, credential.demo_passphrase)
    except (OSError, ValueError):
        return False
    subject = certificate.subject

    def first(oid) -> str:
        values = subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    return (
        pki.issued_by(certificate, ca.certificate)
        and first(NameOID.COMMON_NAME) == full_name
        and first(NameOID.ORGANIZATION_NAME) == agency
        and certificate.not_valid_after_utc - now > RENEW_BEFORE
        and credential.certificate_serial == format(certificate.serial_number, "x")
    )


def _issue(
    user: User, ca: _DemoCa, *, full_name: str, agency: str, now: datetime
) -> tuple[Path, str]:
    passphrase = secrets.token_urlsafe(24)
    certificate, key = pki.issue_signing_certificate(
        ca.authority(), common_name=full_name, organization=agency, now=now
    )
    path = _p12_path(user)
    pki.write_file(
        path,
        pki.pkcs12_bytes(
            friendly_name=full_name,
            key=key,
            certificate=certificate,
            chain=[ca.certificate],
            passphrase=passphrase,
        ),
    )
    return path, passphrase


def _signing_officers():
    return (
        User.objects.officers()
        .filter(is_active=True, roles__role__in=SIGNING_ROLES)
        .select_related("agency", "signing_credential")
        .distinct()
        .order_by("username")
    )


def _ensure_signers(officers, ca: _DemoCa, *, now: datetime) -> tuple[DemoSigner, ...]:
    results = []
    for user in officers:
        full_name, agency = user.get_full_name() or user.get_username(), user.agency.name
        credential = getattr(user, "signing_credential", None)
        if credential is not None and not credential.is_demo:
            outcome = Outcome.KEPT_REAL
        elif credential is not None and _current(
            credential, ca, full_name=full_name, agency=agency, now=now
        ):
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.CREATED if credential is None else Outcome.RENEWED
            path, passphrase = _issue(user, ca, full_name=full_name, agency=agency, now=now)
            credential = credential or SigningCredential(user=user)
            credential.kind = CredentialKind.PKCS12
            credential.pkcs12_path = str(path)
            credential.passphrase_env = ""
            credential.is_demo = True
            credential.demo_passphrase = passphrase
            credential_save(credential=credential)
        results.append(DemoSigner(user.get_username(), full_name, agency, outcome))
    return tuple(results)


def ensure_demo_pki(*, now: datetime | None = None) -> DemoPki:
    """Create (or repair) the demo CA, the signers' PKCS#12 files and their credentials."""
    if not settings.DEMO:
        raise ImproperlyConfigured(
            "the demo PKI is for demo mode only (MOTCUA_DEMO=1): its CA key is unencrypted"
        )
    now = now or pki.now_utc()
    with _pki_lock():
        ca, ca_created = _ensure_ca(now)
        try:
            signers = _ensure_signers(_signing_officers(), ca, now=now)
        except _BrokenCaKey:
            # A certificate that chains to a CA whose key is lost cannot be renewed: start
            # over with a new CA, which makes every demo certificate stale and reissued.
            ca, ca_created = _new_ca(now), True
            signers = _ensure_signers(_signing_officers(), ca, now=now)
    return DemoPki(ca_path=demo_ca_path(), ca_created=ca_created, signers=signers)
