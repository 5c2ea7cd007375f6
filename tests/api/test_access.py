"""Who sees which dossier: 404 outside one's units, 403 for read-only roles, citizens
see their own dossiers only, and every read of personal data is logged."""

import pytest

from motcua.api.models import AccessPurpose, PersonalDataAccess
from motcua.dossiers import services as s
from motcua.dossiers.models import Channel, Dossier, State
from tests.api.conftest import APPLICANT, error_of, submission

READS = ["", "/events", "/slips"]


@pytest.mark.parametrize("who", ["outsider", "counter_b"])
def test_an_officer_of_another_commune_gets_404_on_reads_and_actions(
    who, staff, submit, session_api
):
    dossier = submit()
    api = session_api(getattr(staff, who))
    for suffix in READS:
        response = api.get(f"/dossiers/{dossier.code}{suffix}")
        assert response.status_code == 404, suffix
        assert error_of(response)["code"] == "not_found"
    response = api.post(f"/dossiers/{dossier.code}/receive")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    # Indistinguishable from a dossier that does not exist at all.
    assert api.get("/dossiers/000.01.30.H57-260309-9999").json() == response.json()
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    assert api.get("/dossiers").json()["count"] == 0


def test_a_provincial_leader_reaches_the_communes_of_the_province(staff, submit, session_api):
    dossier = submit()
    api = session_api(staff.provincial_leader)
    assert api.get(f"/dossiers/{dossier.code}").status_code == 200
    assert api.get("/dossiers").json()["count"] == 1


def test_an_inspector_reads_but_may_not_act(staff, submit, session_api):
    dossier = submit()
    api = session_api(staff.inspector)
    assert api.get(f"/dossiers/{dossier.code}").status_code == 200
    response = api.post(f"/dossiers/{dossier.code}/receive")
    assert response.status_code == 403
    assert error_of(response)["code"] == "read_only"
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_a_citizen_submits_online_and_sees_only_their_own_dossiers(
    staff, procedure, submit, session_api
):
    at_the_counter = submit()
    someone_else = staff.citizen.__class__.objects.create_user("congdan2", password=None)
    theirs = submit(channel=Channel.ONLINE, user=someone_else, owner=someone_else)
    api = session_api(staff.citizen)

    response = api.post(
        "/dossiers", submission(procedure.code, staff.agency_a.identifier, channel="online")
    )
    assert response.status_code == 201, response.content
    mine = response.json()["code"]
    assert Dossier.objects.get(code=mine).owner == staff.citizen

    listing = api.get("/dossiers").json()
    assert [d["code"] for d in listing["items"]] == [mine]
    assert listing["count"] == 1
    assert api.get(f"/dossiers/{mine}").status_code == 200
    assert api.get(f"/dossiers/{mine}/events").status_code == 200
    for other in (at_the_counter, theirs):
        assert api.get(f"/dossiers/{other.code}").status_code == 404
        assert api.post(f"/dossiers/{other.code}/withdraw", {"reason": "x"}).status_code == 404

    # The owner acts as the applicant: may withdraw, may not receive.
    response = api.post(f"/dossiers/{mine}/receive")
    assert response.status_code == 400
    assert error_of(response)["code"] == "role_not_allowed"
    response = api.post(f"/dossiers/{mine}/withdraw", {"reason": "Nộp nhầm thủ tục"})
    assert response.json()["state"] == State.WITHDRAWN


def test_a_citizen_may_not_submit_at_the_counter(staff, procedure, session_api):
    api = session_api(staff.citizen)
    response = api.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    assert response.status_code == 400
    assert error_of(response)["code"] == "role_not_allowed"
    assert not Dossier.objects.exists()


def test_a_citizen_filters_their_own_list(staff, procedure, clock, session_api):
    api = session_api(staff.citizen)
    for _ in range(2):
        api.post(
            "/dossiers", submission(procedure.code, staff.agency_a.identifier, channel="online")
        )
    first = Dossier.objects.order_by("pk").first()
    s.dossier_receive(dossier=first, user=staff.counter_a)
    assert api.get("/dossiers", state="received").json()["count"] == 1
    assert api.get("/dossiers", state="submitted").json()["count"] == 1
    assert api.get("/dossiers", q="nguyen thi").json()["count"] == 2
    assert api.get("/dossiers", q=first.code).json()["count"] == 1


def test_personal_data_is_only_in_the_single_read_and_each_read_is_logged(
    staff, submit, session_api, token_api
):
    dossier = submit()
    counter = session_api(staff.counter_a)
    listing = counter.get("/dossiers")
    for secret in (APPLICANT.id_number, APPLICANT.phone, APPLICANT.address):
        assert secret not in listing.content.decode()
    assert not PersonalDataAccess.objects.exists()

    detail = counter.get(f"/dossiers/{dossier.code}").json()
    assert detail["applicant"] == {
        "kind": "person",
        "name": APPLICANT.name,
        "id_number": APPLICANT.id_number,
        "phone": APPLICANT.phone,
        "email": "",
        "address": APPLICANT.address,
    }
    token_api(staff.provincial_leader).get(f"/dossiers/{dossier.code}")
    session_api(staff.outsider).get(f"/dossiers/{dossier.code}")  # 404: nothing disclosed
    log = PersonalDataAccess.objects.order_by("pk")
    assert [(a.user, a.dossier_code, a.purpose) for a in log] == [
        (staff.counter_a, dossier.code, AccessPurpose.API),
        (staff.provincial_leader, dossier.code, AccessPurpose.API),
    ]


def test_an_assignee_outside_the_callers_units_is_refused(staff, submit, session_api):
    dossier = s.dossier_receive(dossier=submit(), user=staff.counter_a)
    response = session_api(staff.counter_a).post(
        f"/dossiers/{dossier.code}/assign", {"assignee": staff.outsider.username}
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert error["details"]["fields"][0]["field"] == "assignee"
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED
