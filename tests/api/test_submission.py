"""Submitting a dossier, and retrying the submission safely."""

from motcua.dossiers.models import Dossier
from tests.api.conftest import error_of, submission


def test_the_same_idempotency_key_twice_gives_one_dossier_201_then_200(
    staff, procedure, clock, session_api
):
    api = session_api(staff.counter_a)
    body = submission(procedure.code, staff.agency_a.identifier)
    key = {"Idempotency-Key": "quay-3-20260309-0001"}

    first = api.post("/dossiers", body, headers=key)
    retry = api.post("/dossiers", body, headers=key)
    assert first.status_code == 201, first.content
    assert retry.status_code == 200, retry.content
    assert retry.json() == first.json()
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().idempotency_key == "quay-3-20260309-0001"

    other = api.post("/dossiers", body, headers={"Idempotency-Key": "quay-3-20260309-0002"})
    assert other.status_code == 201
    assert other.json()["code"] != first.json()["code"]
    without = api.post("/dossiers", body)
    assert without.status_code == 201
    assert Dossier.objects.count() == 3


def test_a_key_used_by_someone_else_is_refused(staff, procedure, clock, session_api):
    body = submission(procedure.code, staff.agency_a.identifier)
    key = {"Idempotency-Key": "shared-key"}
    assert session_api(staff.counter_a).post("/dossiers", body, headers=key).status_code == 201
    response = session_api(staff.specialist_a).post("/dossiers", body, headers=key)
    assert response.status_code == 400
    assert error_of(response)["code"] == "idempotency_key_reused"


def test_an_overlong_idempotency_key_is_invalid_input(staff, procedure, session_api):
    response = session_api(staff.counter_a).post(
        "/dossiers",
        submission(procedure.code, staff.agency_a.identifier),
        headers={"Idempotency-Key": "k" * 81},
    )
    assert response.status_code == 422
    field = error_of(response)["details"]["fields"][0]
    assert (field["in"], field["field"]) == ("header", "Idempotency-Key")


def test_a_submission_to_another_agency_names_the_competent_one(
    staff, procedure, clock, session_api
):
    body = submission(
        procedure.code,
        staff.agency_a.identifier,
        competent_agency=staff.provincial_center.identifier,
    )
    response = session_api(staff.counter_a).post("/dossiers", body)
    assert response.status_code == 201, response.content
    dossier = response.json()
    assert dossier["receiving_agency"]["identifier"] == staff.agency_a.identifier
    assert dossier["competent_agency"]["identifier"] == staff.provincial_center.identifier
    assert dossier["procedure"] == {"code": procedure.code, "name": procedure.name}
    assert dossier["channel"] == "counter"
    assert dossier["outcome"] is None
