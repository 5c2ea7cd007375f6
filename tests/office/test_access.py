"""Every back-office page and action goes through the access rule: anonymous visitors are
sent to the login page, citizens are refused, an officer of another commune gets 404 on a
dossier URL (never its data), and lists show only the caller's units."""

import pytest

from motcua.dossiers.models import Slip
from tests.office.conftest import APPLICANT

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff, drive, papers, clock):
    """A dossier of commune A being processed, with its receipt slip and a scanned paper."""
    d = drive("processing")
    slip = Slip.objects.get(dossier=d, kind="receipt")
    return d, slip


def dossier_urls(d, slip):
    return [
        f"/office/d/{d.code}/",
        f"/office/returns/{d.code}/",
        f"/office/approvals/{d.code}/",
        f"/office/d/{d.code}/slips/{slip.pk}/",
        f"/office/d/{d.code}/slips/latest/receipt/",
        f"/office/d/{d.code}/result/",
        f"/office/d/{d.code}/documents/999999/",
    ]


LIST_URLS = [
    "/office/",
    "/office/?box=agency",
    "/office/?box=intake",
    "/office/approvals/",
    "/office/returns/",
    "/office/search/?q=Nguy",
]
INTAKE_URLS = ["/office/intake/", "/office/intake/1.001193/", "/office/intake/applicant/"]


def test_anonymous_visitors_are_sent_to_the_office_login(case, office):
    d, slip = case
    client = office(None)
    for url in [*LIST_URLS, *INTAKE_URLS, *dossier_urls(d, slip)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/office/login/?next="), url
    response = client.post(f"/office/d/{d.code}/do/refuse/", {"version": 2, "reason": "x"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "processing"


def test_a_citizen_is_refused_every_page(case, office, staff):
    d, slip = case
    client = office(staff.citizen)
    for url in [*LIST_URLS, *INTAKE_URLS, *dossier_urls(d, slip)]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/office/d/{d.code}/do/stop/", {"version": 3, "reason": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize("who", ["outsider", "counter_b"])
def test_an_officer_of_another_commune_gets_404_on_every_dossier_url(case, office, staff, who):
    d, slip = case
    client = office(getattr(staff, who))
    for url in dossier_urls(d, slip):
        response = client.get(url)
        assert response.status_code == 404, url
        assert APPLICANT.name.encode() not in response.content
    for action in ("assign", "refuse", "return", "apologize", "approve"):
        response = client.post(f"/office/d/{d.code}/do/{action}/", {"version": 3, "reason": "x"})
        assert response.status_code == 404, action
    d.refresh_from_db()
    assert d.state == "processing"
    assert d.event_count == 3


@pytest.mark.parametrize("who", ["outsider", "counter_b"])
def test_lists_of_another_commune_do_not_show_the_dossier(case, office, staff, who):
    d, _slip = case
    client = office(getattr(staff, who))
    for url in [
        *LIST_URLS,
        f"/office/search/?q={d.code}",
        f"/office/?box=agency&agency={staff.agency_a.pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        # (the search form echoes what was typed: look for the dossier's link and data)
        assert f"/office/d/{d.code}/".encode() not in response.content, url
        assert APPLICANT.name.encode() not in response.content, url


def test_the_applicant_lookup_finds_nothing_outside_the_callers_units(case, office, staff):
    client = office(staff.outsider)
    response = client.get("/office/intake/applicant/", {"id_number": APPLICANT.id_number})
    assert response.status_code == 200
    assert APPLICANT.name.encode() not in response.content
    assert APPLICANT.phone.encode() not in response.content


def test_the_officers_of_the_commune_see_every_page(case, office, staff):
    d, slip = case
    client = office(staff.counter_a)
    for url in [*LIST_URLS, *INTAKE_URLS, *dossier_urls(d, slip)[:5]]:
        assert client.get(url).status_code in (200, 302), url
    assert client.get(f"/office/d/{d.code}/").status_code == 200


def test_only_counter_officers_reach_the_intake(case, office, staff):
    client = office(staff.specialist_a)
    for url in INTAKE_URLS:
        assert client.get(url).status_code == 403, url


def test_a_read_only_inspector_sees_the_dossier_but_cannot_act(case, office, staff):
    d, _slip = case
    client = office(staff.inspector)
    assert client.get(f"/office/d/{d.code}/").status_code == 200
    response = client.post(f"/office/d/{d.code}/do/stop/", {"version": 3, "reason": "x"})
    assert response.status_code == 403
    d.refresh_from_db()
    assert d.state == "processing"


def test_a_leader_logged_in_without_the_second_factor_is_sent_back_to_log_in(case, client, staff):
    # Logged in by another door (e.g. the admin's password-only form): not enough here.
    client.force_login(staff.leader_a)
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/login/")
    assert "_auth_user_id" not in client.session


def test_an_expired_session_under_htmx_reloads_the_page_at_the_login(case, office):
    response = office(None).get(
        "/office/",
        {"colour": "late"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/office/?box=agency"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/office/login/?next=%2Foffice%2F%3Fbox%3Dagency"
