"""Tokens and the personal-data log in the admin: visible, revocable, never edited."""

from django.test import Client

from motcua.api.models import ApiToken, PersonalDataAccess
from motcua.api.services import api_token_create, personal_data_access_record
from motcua.units.models import User


def test_an_administrator_sees_tokens_and_revokes_them_but_sees_no_secret(db):
    admin = User.objects.create_superuser("quantri", password=None)
    issued = api_token_create(user=admin, name="Đồng bộ")
    personal_data_access_record(user=admin, dossier_code="000.01.30.H57-260309-0001")
    client = Client()
    client.force_login(admin)

    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    assert issued.token.prefix in page.content.decode()
    assert issued.secret not in page.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    log = client.get("/admin/api/personaldataaccess/")
    assert "000.01.30.H57-260309-0001" in log.content.decode()

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )
    assert ApiToken.objects.get(pk=issued.token.pk).revoked
    assert PersonalDataAccess.objects.count() == 1
