import io
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command

from motcua.signing import pki
from motcua.signing.demo import Outcome, ensure_demo_pki
from motcua.signing.models import CredentialKind, SigningCredential
from motcua.signing.services import demo_ca_path, pki_dir
from motcua.units.demo import seed_demo
from motcua.units.models import User
from tests.signing.support import LEADER_FULL_NAME, LEADER_USERNAME


def _snapshot() -> tuple[dict, list]:
    files = {
        str(path): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(pki_dir().rglob("*"))
        if path.is_file() and path.name != ".lock"
    }
    rows = list(SigningCredential.objects.order_by("pk").values())
    return files, rows


def _run_command() -> str:
    out = io.StringIO()
    call_command("demo_pki", stdout=out)
    return out.getvalue()


def test_demo_pki_is_created_once_and_gives_the_demo_leader_a_credential(units, demo_mode):
    seed_demo()

    first_output = _run_command()
    after_first = _snapshot()
    second_output = _run_command()

    assert _snapshot() == after_first, "the second run must not touch a file or a row"
    assert "tạo mới / created" in first_output
    assert "giữ nguyên / unchanged" in second_output
    assert "tạo mới" not in second_output
    leader = User.objects.get(username=LEADER_USERNAME)
    credential = SigningCredential.objects.get(user=leader)
    assert credential.is_active and credential.is_demo
    assert credential.kind == CredentialKind.PKCS12
    assert Path(credential.pkcs12_path).is_file()
    assert f"CN={LEADER_FULL_NAME}" in credential.certificate_subject
    assert credential.certificate_serial
    assert credential.certificate_not_after is not None
    assert demo_ca_path().is_file()
    # Only the signing roles get one: the leader and the head of department.
    assert set(SigningCredential.objects.values_list("user__username", flat=True)) == {
        "lanhdao",
        "truongphong",
    }


def test_demo_leader_certificate_names_the_leader_and_agency_and_may_only_sign(demo_signers):
    credential = demo_signers.leader.signing_credential
    certificate, chain = pki.read_pkcs12(
        Path(credential.pkcs12_path).read_bytes(), credential.demo_passphrase
    )
    ca = x509.load_pem_x509_certificate(demo_signers.ca_path.read_bytes())

    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == LEADER_FULL_NAME
    assert (
        subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
        == demo_signers.leader.agency.name
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert pki.issued_by(certificate, ca)
    assert chain == [ca]
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "motcua Demo CA"
    lifetime = ca.not_valid_after_utc - ca.not_valid_before_utc
    assert 3650 <= lifetime.days <= 3651


def test_demo_pki_key_files_are_readable_by_their_owner_only(demo_signers):
    credential = demo_signers.leader.signing_credential
    assert Path(credential.pkcs12_path).stat().st_mode & 0o077 == 0
    assert (pki_dir() / "demo-ca-key.pem").stat().st_mode & 0o077 == 0


def test_demo_pki_reissues_a_certificate_whose_file_is_gone(demo_signers):
    credential = demo_signers.leader.signing_credential
    old_serial = credential.certificate_serial
    Path(credential.pkcs12_path).unlink()

    result = ensure_demo_pki()

    outcomes = {signer.username: signer.outcome for signer in result.signers}
    assert outcomes == {"lanhdao": Outcome.RENEWED, "truongphong": Outcome.UNCHANGED}
    credential.refresh_from_db()
    assert Path(credential.pkcs12_path).is_file()
    assert credential.certificate_serial != old_serial


def test_demo_pki_starts_a_new_ca_when_the_ca_key_is_lost_and_reissues_every_signer(
    demo_signers,
):
    (pki_dir() / "demo-ca-key.pem").unlink()
    Path(demo_signers.leader.signing_credential.pkcs12_path).unlink()  # needs the key

    result = ensure_demo_pki()

    assert result.ca_created
    assert {signer.outcome for signer in result.signers} == {Outcome.RENEWED}
    new_ca = x509.load_pem_x509_certificate(demo_ca_path().read_bytes())
    for credential in SigningCredential.objects.all():
        certificate, _chain = pki.read_pkcs12(
            Path(credential.pkcs12_path).read_bytes(), credential.demo_passphrase
        )
        assert pki.issued_by(certificate, new_ca)


def test_demo_pki_never_replaces_a_real_credential(demo_signers):
    SigningCredential.objects.filter(user=demo_signers.leader).update(
        is_demo=False,
        demo_passphrase="",
        passphrase_env="LEADER_P12_PASSPHRASE",
        pkcs12_path="/etc/motcua/keys/lanhdao.p12",
    )

    result = ensure_demo_pki()

    outcomes = {signer.username: signer.outcome for signer in result.signers}
    assert outcomes["lanhdao"] == Outcome.KEPT_REAL
    credential = SigningCredential.objects.get(user=demo_signers.leader)
    assert credential.pkcs12_path == "/etc/motcua/keys/lanhdao.p12"
    assert not credential.is_demo


def test_demo_pki_refuses_to_run_outside_demo_mode(units, demo_mode):
    demo_mode.DEMO = False
    seed_demo()

    with pytest.raises(CommandError, match="demo"):
        _run_command()

    assert not pki_dir().exists()
    assert not SigningCredential.objects.exists()
