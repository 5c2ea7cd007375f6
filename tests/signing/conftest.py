"""Fixtures for the signature tests: demo mode in a private VAR_DIR, the demo province's
signers, sample PDFs, and poppler's ``pdfsig`` with an NSS database that trusts a CA."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from motcua.signing import pki
from motcua.signing.demo import DemoPki, ca_key_path, ensure_demo_pki
from motcua.signing.services import demo_ca_path
from motcua.units.demo import seed_demo
from motcua.units.models import User
from tests.signing.support import LEADER_USERNAME


@pytest.fixture
def demo_mode(settings, tmp_path):
    """Demo mode with VAR_DIR in the test's own directory: the PKI made here is this test's."""
    settings.DEMO = True
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_SIGNING_TRUST_BUNDLE = ""
    # seed_demo sets eight passwords; Argon2 makes that seconds per test for nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture(scope="session")
def demo_ca_files() -> tuple[bytes, bytes]:
    """One demo CA per session (an RSA-3072 key costs most of a second to make)."""
    ca = pki.make_ca(now=pki.now_utc())
    return ca.pem, ca.key_pem


@dataclass
class DemoSigners:
    pki: DemoPki
    leader: User
    head_of_department: User
    ca_path: Path


@pytest.fixture
def demo_signers(units, demo_mode, demo_ca_files) -> DemoSigners:
    """The demo province with its demo PKI; the CA is the session's, the rest this test's."""
    seed_demo()
    certificate_pem, key_pem = demo_ca_files
    pki.write_file(ca_key_path(), key_pem)
    pki.write_file(demo_ca_path(), certificate_pem, mode=0o644)
    result = ensure_demo_pki()
    assert not result.ca_created
    return DemoSigners(
        pki=result,
        leader=User.objects.get(username=LEADER_USERNAME),
        head_of_department=User.objects.get(username="truongphong"),
        ca_path=demo_ca_path(),
    )


# --- poppler's pdfsig and NSS's certutil, installed when missing ------------------------


def _ensure_command(command: str, package: str) -> str:
    """Find ``command``; if missing, install the Debian ``package`` with apt-get, or fail
    the session with a message that says what to install. Never skips."""
    found = shutil.which(command)
    if found:
        return found
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        pytest.fail(
            f"`{command}` is missing and apt-get is not available: install the Debian package "
            f"{package} (or your system's equivalent) to run the signature tests.",
            pytrace=False,
        )
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo"):
        prefix = [shutil.which("sudo") or "sudo", "-n"]
    else:
        pytest.fail(
            f"`{command}` is missing; run `apt-get install -y {package}` as root.",
            pytrace=False,
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for the dpkg lock rather than fail when two test runs install at once.
    apt = [*prefix, apt_get, "-o", "DPkg::Lock::Timeout=600", "-q"]
    install = [*apt, "install", "-y", "--no-install-recommends", package]
    log = []
    for step in (install, [*apt, "update"], install):
        result = subprocess.run(step, capture_output=True, text=True, env=env, timeout=1800)
        log.append(f"$ {' '.join(step)}\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
        if step is install and result.returncode == 0:
            break
    found = shutil.which(command)
    if not found:
        pytest.fail(
            f"`{command}` is missing and installing the Debian package {package} failed:\n"
            + "\n".join(log),
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def pdfsig() -> str:
    return _ensure_command("pdfsig", "poppler-utils")


@pytest.fixture(scope="session")
def certutil() -> str:
    return _ensure_command("certutil", "libnss3-tools")


@pytest.fixture
def nss_db(certutil, tmp_path):
    """Make an NSS database; ``nss_db(ca_pem)`` adds a CA trusted for signing. Returns the
    ``-nssdir`` argument for pdfsig."""
    directory = tmp_path / "nssdb"
    directory.mkdir()
    subprocess.run(
        [certutil, "-N", "-d", f"sql:{directory}", "--empty-password"],
        check=True,
        capture_output=True,
    )

    def trust(ca_pem: Path | None = None) -> str:
        if ca_pem is not None:
            # Trust flags "CT,C,C": a trusted CA for TLS, e-mail (what pdfsig checks) and code.
            add = ["-A", "-n", ca_pem.stem, "-t", "CT,C,C", "-i", str(ca_pem)]
            subprocess.run(
                [certutil, "-d", f"sql:{directory}", *add],
                check=True,
                capture_output=True,
            )
        return f"sql:{directory}"

    return trust


@pytest.fixture
def run_pdfsig(pdfsig, tmp_path):
    """Run pdfsig offline on some bytes and return what it printed."""

    def run(pdf: bytes, *, nssdir: str) -> str:
        path = tmp_path / "checked.pdf"
        path.write_bytes(pdf)
        # No -no-ocsp: poppler 22.12 then reports "Unknown issue with Certificate" even
        # for a trusted chain. It stays offline anyway: the demo certificates carry no
        # OCSP or CA-issuer URL, and -aia (fetching issuers) is off by default.
        result = subprocess.run(
            [pdfsig, "-nssdir", nssdir, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout + result.stderr

    return run


# --- a software PKCS#11 token (SoftHSM2) for the Pkcs11Signer -----------------------------


@dataclass(frozen=True)
class SoftToken:
    module_path: str
    token_label: str
    key_label: str
    pin: str
    ca_path: Path
    signer_name: str


def _softhsm_module() -> str:
    for candidate in (
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ):
        if Path(candidate).is_file():
            return candidate
    pytest.fail("softhsm2 is installed but libsofthsm2.so was not found", pytrace=False)


@pytest.fixture(scope="session")
def soft_token(tmp_path_factory) -> SoftToken:
    """A SoftHSM2 token holding a leader's key and certificate (and its CA's certificate),
    as a hardware token from a Vietnamese CA would. SoftHSM2 is a software stand-in: this
    proves the PKCS#11 path, not any one vendor's token."""
    softhsm2_util = _ensure_command("softhsm2-util", "softhsm2")
    try:
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass
    except ImportError:
        pytest.fail(
            "python-pkcs11 is missing: install the dev extra (pyhanko[pkcs11]) to test the "
            "PKCS#11 signer.",
            pytrace=False,
        )
    from cryptography.hazmat.primitives import serialization

    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nlog.level = ERROR\n")
    # SoftHSM reads its configuration when the module is first loaded, once per process.
    os.environ["SOFTHSM2_CONF"] = str(config)
    token = SoftToken(
        module_path=_softhsm_module(),
        token_label="motcua-test",
        key_label="lanhdao",
        pin="123456",
        ca_path=directory / "token-ca.pem",
        signer_name="Nguyễn Văn Token",
    )

    def softhsm(*arguments: str) -> None:
        subprocess.run([softhsm2_util, *arguments], check=True, capture_output=True)

    softhsm(
        *("--init-token", "--free", "--label", token.token_label),
        *("--pin", token.pin, "--so-pin", "654321"),
    )
    now = pki.now_utc()
    ca = pki.make_ca(common_name="Token Test CA", organization="Test", now=now, key_size=2048)
    certificate, key = pki.issue_signing_certificate(
        ca, common_name=token.signer_name, organization="UBND xã thử nghiệm", now=now
    )
    token.ca_path.write_bytes(ca.pem)
    key_file = directory / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    softhsm(
        *("--import", str(key_file), "--token", token.token_label),
        *("--label", token.key_label, "--id", "01", "--pin", token.pin),
    )
    key_file.unlink()
    library = pkcs11.lib(token.module_path)
    with library.get_token(token_label=token.token_label).open(
        rw=True, user_pin=token.pin
    ) as session:
        for cert, label, object_id in (
            (certificate, token.key_label, b"\x01"),
            (ca.certificate, "ca", b"\x02"),
        ):
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: object_id,
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                }
            )
    return token
