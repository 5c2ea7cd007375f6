"""Who may call the API: a session (with CSRF on unsafe methods) or a bearer token."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke
from motcua.dossiers.models import Dossier
from tests.api.conftest import BASE, Api, error_of, submission


def test_a_bearer_token_authenticates_reads_and_writes_without_csrf(
    staff, procedure, clock, token_api
):
    api = token_api(staff.counter_a)
    me = api.get("/me").json()
    assert me["username"] == "counter_a"
    assert me["via"] == "token"
    assert me["agency"]["identifier"] == staff.agency_a.identifier
    assert me["roles"][0]["role"] == "counter_officer"
    # The client enforces CSRF checks, yet a token request needs no CSRF token.
    response = api.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    assert response.status_code == 201, response.content
    token = ApiToken.objects.get(user=staff.counter_a)
    assert token.last_used_at is not None


def test_a_revoked_token_gets_401_in_the_one_error_shape(staff, clock, token_api):
    issued = api_token_create(user=staff.counter_a, name="sync")
    api = Api(Client(), {"Authorization": f"Bearer {issued.secret}"})
    assert api.get("/me").status_code == 200
    api_token_revoke(token=issued.token)
    response = api.get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer mc_not-a-token-anyone-issued",
        "Bearer something-else",
        "Basic Y291bnRlcl9hOnNlY3JldA==",
        "",
    ],
    ids=["unknown token", "foreign token", "other scheme", "nothing"],
)
def test_an_unknown_token_or_no_credentials_gets_401(staff, header):
    api = Api(Client(), {"Authorization": header} if header else {})
    for response in (api.get("/dossiers"), api.post("/dossiers", {})):
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthenticated"


def test_a_token_of_a_deactivated_user_stops_working(staff):
    issued = api_token_create(user=staff.counter_a, name="sync")
    staff.counter_a.is_active = False
    staff.counter_a.save(update_fields=["is_active"])
    api = Api(Client(), {"Authorization": f"Bearer {issued.secret}"})
    assert api.get("/me").status_code == 401


def test_a_wrong_token_is_not_rescued_by_a_session_cookie(staff):
    client = Client()
    client.force_login(staff.counter_a)
    api = Api(client, {"Authorization": "Bearer mc_wrong"})
    assert api.get("/me").status_code == 401
    assert Api(client, {}).get("/me").json()["via"] == "session"


def test_only_the_hash_of_a_token_is_stored(staff):
    issued = api_token_create(user=staff.counter_a, name="sync")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in {stored.token_hash, stored.prefix, stored.name}
    assert len(stored.token_hash) == 64
    assert issued.secret.startswith(stored.prefix)


def test_a_session_write_needs_the_csrf_token(staff, procedure, clock, session_api):
    api = session_api(staff.counter_a, enforce_csrf_checks=True)
    body = submission(procedure.code, staff.agency_a.identifier)

    response = api.post("/dossiers", body)
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert not Dossier.objects.exists()

    # Reads need no token; this one also hands the token out (and sets the cookie).
    handed = api.get("/auth/csrf").json()["csrf_token"]
    cookie = api.client.cookies["csrftoken"].value
    assert handed and cookie
    response = api.post("/dossiers", body, headers={"X-CSRFToken": cookie})
    assert response.status_code == 201, response.content
    response = api.post(
        f"/dossiers/{response.json()['code']}/receive", headers={"X-CSRFToken": handed}
    )
    assert response.status_code == 200, response.content


def test_an_anonymous_write_is_401_not_a_csrf_failure(staff, procedure):
    api = Api(Client(enforce_csrf_checks=True), {})
    response = api.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    assert response.status_code == 401


def test_the_catalogue_needs_no_login(procedure):
    response = Client().get(f"{BASE}/procedures")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_api_token_command_prints_a_working_token_once(staff):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", "counter_a", "Đồng bộ cổng DVC", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "shown once" in err.getvalue()
    api = Api(Client(), {"Authorization": f"Bearer {secret}"})
    assert api.get("/me").json()["username"] == "counter_a"

    listing = io.StringIO()
    call_command("api_token", "list", "counter_a", stdout=listing)
    assert "Đồng bộ cổng DVC" in listing.getvalue()
    assert secret not in listing.getvalue()

    token = ApiToken.objects.get(user=staff.counter_a)
    call_command("api_token", "revoke", str(token.pk), stdout=io.StringIO())
    assert api.get("/me").status_code == 401


def test_the_api_token_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active user"):
        call_command("api_token", "create", "nobody", "x", stdout=io.StringIO())
