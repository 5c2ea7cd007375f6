from django.urls import reverse

from motcua.signing.models import SigningCredential
from motcua.units.models import User


def _admin_client(client):
    admin = User.objects.create_superuser("quantri_test", password=None)
    client.force_login(admin)
    return client


def test_administrator_sees_the_credential_but_never_the_demo_passphrase(demo_signers, client):
    credential = SigningCredential.objects.get(user=demo_signers.leader)
    client = _admin_client(client)

    listing = client.get(reverse("admin:signing_signingcredential_changelist"))
    page = client.get(reverse("admin:signing_signingcredential_change", args=[credential.pk]))

    assert listing.status_code == 200
    assert page.status_code == 200
    assert credential.certificate_subject in page.content.decode()
    assert credential.demo_passphrase not in page.content.decode()
    assert "demo_passphrase" not in page.content.decode()


def test_check_action_reports_a_credential_that_does_not_open(demo_signers, client):
    SigningCredential.objects.filter(user=demo_signers.leader).update(demo_passphrase="sai")
    client = _admin_client(client)

    response = client.post(
        reverse("admin:signing_signingcredential_changelist"),
        {
            "action": "check_credentials",
            "_selected_action": list(SigningCredential.objects.values_list("pk", flat=True)),
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    text = response.content.decode()
    assert "mật khẩu không đúng" in text  # the leader's
    assert "Lê Thị Hoa" in text  # the head of department's opens
