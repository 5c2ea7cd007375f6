"""Every failure answers in the one error shape, with the right status."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, State
from tests.api.conftest import BASE, PDF, error_of, submission


def test_an_illegal_move_is_400_naming_the_allowed_states(staff, submit, session_api):
    dossier = submit()
    response = session_api(staff.counter_a).post(f"/dossiers/{dossier.code}/return")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "illegal_move"
    assert error["details"]["current"] == "submitted"
    assert error["details"]["target"] == "returned"
    assert error["details"]["allowed"] == [
        "received",
        "refused",
        "supplement_requested",
        "withdrawn",
    ]
    assert "đã tiếp nhận" in error["message"]
    assert "allowed" in error["message_en"]


def test_a_stale_version_is_409_conflict(staff, submit, session_api):
    dossier = submit()
    seen = dossier.event_count
    counter = session_api(staff.counter_a)
    assert counter.post(f"/dossiers/{dossier.code}/receive", {"version": seen}).status_code == 200
    response = counter.post(f"/dossiers/{dossier.code}/refuse", {"reason": "x", "version": seen})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["details"] == {"expected": seen, "actual": seen + 1}
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED


def test_a_stale_version_on_an_upload_is_409_too(staff, submit, session_api):
    dossier = s.dossier_receive(dossier=submit(), user=staff.counter_a)
    dossier = s.step_assign(dossier=dossier, user=staff.counter_a, assignee=staff.specialist_a)
    response = session_api(staff.specialist_a).upload(
        f"/dossiers/{dossier.code}/propose",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
        version=dossier.event_count - 1,
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_invalid_input_is_422_listing_the_fields(staff, procedure, clock, session_api):
    body = submission(procedure.code, staff.agency_a.identifier, channel="fax")
    del body["applicant"]["name"]
    response = session_api(staff.counter_a).post("/dossiers", body)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    fields = {f["field"]: f for f in error["details"]["fields"]}
    assert set(fields) == {"applicant.name", "channel"}
    assert fields["channel"]["in"] == "body"
    assert "applicant.name" in error["message"] and "channel" in error["message"]
    assert "applicant.name" in error["message_en"]
    assert not Dossier.objects.exists()


def test_invalid_query_parameters_are_422_too(staff, session_api):
    response = session_api(staff.counter_a).get("/dossiers", limit=1000, state="lost")
    assert response.status_code == 422
    fields = {(f["in"], f["field"]) for f in error_of(response)["details"]["fields"]}
    assert fields == {("query", "limit"), ("query", "state.0")}


def test_unknown_references_in_a_submission_name_the_field(staff, procedure, session_api):
    api = session_api(staff.counter_a)
    cases = {
        "procedure_code": submission("9.999999", staff.agency_a.identifier),
        "receiving_agency": submission(procedure.code, "000.00.00.X00"),
        "applicant.commune_code": submission(
            procedure.code,
            staff.agency_a.identifier,
            applicant={"name": "Lê Văn Tám", "commune_code": 99999999},
        ),
    }
    for field, body in cases.items():
        response = api.post("/dossiers", body)
        assert response.status_code == 422, field
        assert error_of(response)["details"]["fields"][0]["field"] == field


def test_a_malformed_body_is_400(staff, session_api):
    api = session_api(staff.counter_a)
    response = api.client.post(f"{BASE}/dossiers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_an_invalid_time_limit_is_422(staff, submit, session_api):
    dossier = s.dossier_receive(dossier=submit(), user=staff.counter_a)
    dossier = s.step_assign(dossier=dossier, user=staff.counter_a, assignee=staff.specialist_a)
    response = session_api(staff.specialist_a).post(
        f"/dossiers/{dossier.code}/consult",
        {
            "to_agency": staff.agency_b.identifier,
            "task": "Xin ý kiến",
            "limit": {"kind": "same-day", "amount": 3},
        },
    )
    assert response.status_code == 422
    assert error_of(response)["details"]["fields"][0]["field"] == "limit"


def test_an_unexpected_error_is_500_without_internals_and_is_logged(
    staff, submit, session_api, monkeypatch, caplog
):
    dossier = submit()

    def broken(**kwargs):
        raise RuntimeError("database exploded at /srv/secret/path")

    monkeypatch.setattr(s, "dossier_receive", broken)
    with caplog.at_level(logging.ERROR, logger="motcua.api"):
        response = session_api(staff.counter_a).post(f"/dossiers/{dossier.code}/receive")
    assert response.status_code == 500
    assert error_of(response)["code"] == "internal_error"
    body = response.content.decode()
    assert "Traceback" not in body and "exploded" not in body and "/srv" not in body
    assert "database exploded" in caplog.text


def test_an_unknown_procedure_is_404(db):
    response = Client().get(f"{BASE}/procedures/9.999999")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("path", ["/nothing-here", "/", "/dossiers/x/y/z"])
def test_an_unknown_path_is_404_in_the_error_shape(path, db):
    response = Client().get(BASE + path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_wrong_method_is_405_in_the_error_shape(db):
    response = Client().delete(f"{BASE}/procedures")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]
