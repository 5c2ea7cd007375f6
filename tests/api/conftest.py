"""Fixtures for API tests: HTTP clients per persona, by session or by bearer token.

The dossier fixtures (a procedure with its process, commune A's staff with its leader, the
frozen clock, ``submit`` through the service) come from tests/dossiers/conftest.py and are
re-exported by name: pytest only collects fixtures from a conftest on the test's path.
"""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from motcua.api.services import api_token_create
from tests.dossiers.conftest import APPLICANT, PDF, clock, procedure, staff, submit

__all__ = ["APPLICANT", "PDF", "Api", "clock", "procedure", "staff", "submit"]

BASE = "/api/v1"


@dataclass
class Api:
    """A test client bound to the API's base path, sending and reading JSON."""

    client: Client
    headers: dict

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, data: dict | None = None, **extra):
        body = json.dumps(data) if data is not None else ""
        headers = {**self.headers, **extra.pop("headers", {})}
        return self.client.post(
            BASE + path, body, content_type="application/json", headers=headers, **extra
        )

    def upload(self, path: str, files: dict, **fields):
        return self.client.post(BASE + path, {**files, **fields}, headers=self.headers)


@pytest.fixture
def session_api(db):
    """``session_api(user)``: a client logged in through the Django session."""

    def make(user, *, enforce_csrf_checks: bool = False) -> Api:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        if user is not None:
            client.force_login(user)
        return Api(client, {})

    return make


@pytest.fixture
def token_api(db):
    """``token_api(user)``: a client sending ``Authorization: Bearer <new token>``."""

    def make(user) -> Api:
        issued = api_token_create(user=user, name="tests")
        return Api(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {issued.secret}"})

    return make


def error_of(response) -> dict:
    """The ``error`` object of the one error shape, checking the shape on the way."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "message_en", "details"}
    assert body["error"]["message"] and body["error"]["message_en"]
    return body["error"]


def submission(procedure_code: str, agency_identifier: str, **overrides) -> dict:
    body = {
        "procedure_code": procedure_code,
        "receiving_agency": agency_identifier,
        "channel": "counter",
        "applicant": {
            "name": APPLICANT.name,
            "id_number": APPLICANT.id_number,
            "phone": APPLICANT.phone,
            "address": APPLICANT.address,
        },
        "form_data": {"child_name": "Trần Minh Khôi"},
    }
    body.update(overrides)
    return body
