"""Certificates and PKCS#12 files built with ``cryptography``: the demo CA and its leaders.

Pure Python, no Django, so the tests can build a second, untrusted CA the same way. Nothing
here is meant for production keys: a province's leaders get their certificates from a
licensed CA (Decree 23/2025/NĐ-CP on electronic signatures and trust services); these
functions only make ``make run`` sign out of the box.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEMO_CA_NAME = "motcua Demo CA"
CA_VALIDITY = timedelta(days=3650)
SIGNER_VALIDITY = timedelta(days=730)
# Backdated a little so a certificate made now is already valid on a machine whose clock
# is a few minutes behind the one that made it.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CertificateAuthority:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        # Unencrypted on purpose: the demo CA's key only ever signs demo certificates, and
        # `motcua demo-pki` must reissue them without asking anybody for a passphrase.
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def from_pem(cls, certificate_pem: bytes, key_pem: bytes) -> "CertificateAuthority":
        """Raises ``ValueError`` when either file is damaged or they do not belong together."""
        certificate = x509.load_pem_x509_certificate(certificate_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey) or key.public_key() != certificate.public_key():
            raise ValueError("the CA key does not match the CA certificate")
        return cls(certificate=certificate, key=key)


@dataclass(frozen=True)
class CertificateInfo:
    """What the admin shows of a certificate, read once when a credential is registered."""

    subject: str
    common_name: str
    serial: str
    not_before: datetime
    not_after: datetime


def certificate_info(certificate: x509.Certificate) -> CertificateInfo:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        common_name=str(names[0].value) if names else "",
        serial=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_ca(
    *,
    common_name: str = DEMO_CA_NAME,
    organization: str = "motcua (demo)",
    now: datetime,
    key_size: int = 3072,
) -> CertificateAuthority:
    """A self-signed root that may sign end-entity certificates only (path length 0)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = _name(common_name, organization)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(certificate=certificate, key=key)


def issue_signing_certificate(
    ca: CertificateAuthority,
    *,
    common_name: str,
    organization: str,
    now: datetime,
    validity: timedelta = SIGNER_VALIDITY,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A document-signing certificate: digitalSignature + nonRepudiation, not a CA.

    No extended key usage on purpose: NSS (poppler's ``pdfsig``) checks a signer for
    e-mail signing use, and an EKU list without emailProtection would make it refuse.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    not_after = min(now + validity, ca.certificate.not_valid_after_utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return certificate, key


def pkcs12_bytes(
    *,
    friendly_name: str,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: str,
) -> bytes:
    """A PKCS#12 archive (AES-256 + PBKDF2) holding the key, its certificate and the chain."""
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(),
        key,
        certificate,
        chain,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def read_pkcs12(data: bytes, passphrase: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The certificate and chain of a PKCS#12 archive. Raises ``ValueError`` if it does not
    open (wrong passphrase, damaged file)."""
    _key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase.encode())
    if certificate is None:
        raise ValueError("the PKCS#12 archive holds no certificate")
    return certificate, list(chain)


def issued_by(certificate: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def write_file(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` atomically (owner-only by default): a reader never sees half a key,
    and two processes writing at once leave one whole file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def now_utc() -> datetime:
    return datetime.now(UTC)
