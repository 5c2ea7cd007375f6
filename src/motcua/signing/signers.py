"""Who holds the key: a small ``Signer`` protocol and its pyHanko implementations.

Every signer makes the same PAdES baseline signature (ETSI EN 319 142-1, B-B level):
SubFilter ``ETSI.CAdES.detached``, SHA-256, the certificate chain embedded, reason and
location in the signature dictionary. The services pick the signer from the officer's
``SigningCredential``; a remote-signing service (the "ký số từ xa" of Vietnamese CAs) can
be added later as one more class with the same ``sign`` method.

No Django here: a signer is built from bytes, a path and a passphrase, and can be used and
tested alone. Key-material problems raise ``SigningUnavailable``; a ``pdf`` that is not a
readable PDF raises ``ValueError`` (a caller's bug, not the officer's).
"""

import asyncio
import importlib.util
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from motcua.signing.errors import Reason, SigningUnavailable

# python-pkcs11 is optional (`pip install 'motcua[pkcs11]'`): most installations sign with
# PKCS#12 files, and the library needs a C toolchain on some platforms.
PKCS11_AVAILABLE = importlib.util.find_spec("pkcs11") is not None


@runtime_checkable
class Signer(Protocol):
    def sign(self, pdf: bytes, *, reason: str, location: str, field_name: str) -> bytes:
        """Return ``pdf`` with one more PAdES signature in a new field ``field_name``."""
        ...


def _now() -> datetime:
    return datetime.now(UTC)


def refuse_running_event_loop() -> None:
    # pyHanko's synchronous API runs its own event loop (asyncio.run), which fails inside a
    # running loop; say so plainly instead of letting a confusing RuntimeError escape.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError("signing is synchronous: call it through sync_to_async in async code")


def _check_validity(certificate: asn1_x509.Certificate, now: datetime) -> None:
    validity = certificate["tbs_certificate"]["validity"]
    if now < validity["not_before"].native:
        raise SigningUnavailable(Reason.NOT_YET_VALID)
    if now > validity["not_after"].native:
        raise SigningUnavailable(Reason.EXPIRED)


def _pades_sign(
    signer: signers.Signer, pdf: bytes, *, reason: str, location: str, field_name: str
) -> bytes:
    refuse_running_event_loop()
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    except (PdfError, ValueError, KeyError, IndexError) as error:
        raise ValueError("the document to sign is not a readable PDF") from error
    output = signers.PdfSigner(meta, signer).sign_pdf(writer, output=io.BytesIO())
    return output.getvalue()


class Pkcs12Signer:
    """Signs with the key and certificate chain in a PKCS#12 (.p12/.pfx) archive.

    The archive is opened when the signer is built, so a wrong passphrase or an expired
    certificate is reported before any document is touched.
    """

    def __init__(
        self,
        data: bytes,
        passphrase: str,
        *,
        extra_certificates: tuple[asn1_x509.Certificate, ...] = (),
        clock: Callable[[], datetime] = _now,
    ):
        try:
            # The ``load_pkcs12_data`` variant raises instead of logging a traceback and
            # returning None as ``load_pkcs12`` (the file-path variant) does.
            self._signer = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=list(extra_certificates), passphrase=passphrase.encode()
            )
        except ValueError as error:
            raise SigningUnavailable(Reason.WRONG_PASSPHRASE) from error
        self._clock = clock
        _check_validity(self.certificate, clock())

    @classmethod
    def from_file(cls, path: str | Path, passphrase: str, **options) -> "Pkcs12Signer":
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise SigningUnavailable(Reason.FILE_MISSING) from error
        return cls(data, passphrase, **options)

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._signer.signing_cert

    def sign(self, pdf: bytes, *, reason: str, location: str, field_name: str) -> bytes:
        _check_validity(self.certificate, self._clock())
        return _pades_sign(
            self._signer, pdf, reason=reason, location=location, field_name=field_name
        )


class Pkcs11Signer:
    """Signs with a key that never leaves a PKCS#11 token or HSM (pyHanko's PKCS11Signer).

    A session is opened per signature and closed after it, so an unplugged token fails one
    signature, not the process. Needs the optional ``python-pkcs11`` (``pyhanko[pkcs11]``).
    The test suite exercises it against SoftHSM2, a software token; it has not been tried
    with a hardware token or a vendor's PKCS#11 module.
    """

    def __init__(
        self,
        *,
        module_path: str,
        token_label: str,
        key_label: str,
        pin: str | None,
        cert_label: str | None = None,
        clock: Callable[[], datetime] = _now,
    ):
        self.module_path = module_path
        self.token_label = token_label
        self.key_label = key_label
        self.cert_label = cert_label or key_label
        self._pin = pin
        self._clock = clock

    @contextmanager
    def _session(self) -> Iterator[signers.Signer]:
        if not PKCS11_AVAILABLE:
            raise SigningUnavailable(Reason.PKCS11_NOT_INSTALLED)
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        try:
            session = pkcs11.open_pkcs11_session(
                self.module_path,
                token_criteria=TokenCriteria(label=self.token_label or None),
                user_pin=self._pin,
            )
        except Exception as error:  # the module, the slot or the PIN: all "token unavailable"
            raise SigningUnavailable(Reason.TOKEN_UNAVAILABLE) from error
        try:
            try:
                signer = pkcs11.PKCS11Signer(
                    session,
                    cert_label=self.cert_label,
                    key_label=self.key_label,
                    other_certs_to_pull=self._chain_labels(session),
                )
                signer.signing_cert  # noqa: B018 (pulls the certificate now, or fails now)
            except Exception as error:
                raise SigningUnavailable(Reason.TOKEN_UNAVAILABLE) from error
            yield signer
        finally:
            session.close()

    def _chain_labels(self, session) -> tuple[str, ...]:
        # Embed every other certificate on the token (the CA chain its issuer put there).
        # Not pyHanko's "pull all" (None): that embeds the signer's certificate twice.
        from pkcs11 import Attribute, ObjectClass, PKCS11Error

        labels = set()
        for found in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            try:
                labels.add(str(found[Attribute.LABEL]))
            except PKCS11Error:
                continue  # a certificate without a label cannot be pulled by label
        return tuple(sorted(labels - {self.cert_label}))

    def read_certificate(self) -> x509.Certificate:
        """The signer's certificate, read from the token (for the admin's display)."""
        with self._session() as signer:
            return x509.load_der_x509_certificate(signer.signing_cert.dump())

    def sign(self, pdf: bytes, *, reason: str, location: str, field_name: str) -> bytes:
        with self._session() as signer:
            _check_validity(signer.signing_cert, self._clock())
            try:
                return _pades_sign(
                    signer, pdf, reason=reason, location=location, field_name=field_name
                )
            except ValueError:
                raise
            except Exception as error:  # the token refused or vanished mid-signature
                raise SigningUnavailable(Reason.SIGNING_FAILED) from error
