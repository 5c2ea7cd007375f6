"""The inbox (mine, my agency, awaiting intake), the approval and return queues and the
search: coloured by deadline, with counts, sortable, filterable, paginated by 25."""

import re

import pytest

from motcua.dossiers.models import Dossier
from tests.office.conftest import APPLICANT

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'class="code">([0-9A-Z.]+-\d{6}-\d{4})<', body)


def test_my_inbox_lists_my_steps_by_due_date_with_counts_and_colours(office, staff, many):
    made, _first, _second = many
    response = office(staff.specialist_a).get("/office/")
    body = response.content.decode()
    assert 'id="count-total">30<' in body
    assert 'id="count-late">10<' in body  # the first day's ten
    assert 'id="count-on_track">20<' in body
    assert len(codes(response)) == 25
    assert codes(response)[0] == made[0].code
    assert 'class="row-late"' in body
    page2 = office(staff.specialist_a).get("/office/", {"page": 2})
    assert len(codes(page2)) == 5


def test_the_inbox_filters_by_colour_and_step_and_sorts(office, staff, many):
    made, _first, _second = many
    client = office(staff.specialist_a)
    late = client.get("/office/", {"colour": "late"})
    assert sorted(codes(late)) == sorted(d.code for d in made[:10])
    assert 'id="count-total">30<' in late.content.decode()  # counts stay for the whole box
    assert codes(client.get("/office/", {"step": "approve"})) == []
    newest = client.get("/office/", {"sort": "-received"})
    assert codes(newest)[0] == made[-1].code
    by_code = client.get("/office/", {"sort": "-code"})
    assert codes(by_code)[0] == max(d.code for d in made)


def test_the_agency_inbox_shows_every_officers_steps_and_the_unassigned(office, staff, many):
    _made, _first, _second = many
    client = office(staff.counter_a)
    assert codes(client.get("/office/"))[:1] == []  # nothing assigned to the counter
    agency = client.get("/office/", {"box": "agency"})
    assert len(codes(agency)) == 25
    assert 'id="count-total">30<' in agency.content.decode()
    assert codes(client.get("/office/", {"box": "agency", "unassigned": "1"})) == []


def test_the_inbox_answers_htmx_with_the_results_partial(office, staff, many):
    response = office(staff.specialist_a).get(
        "/office/", {"colour": "late"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="inbox-table"' in body


def test_submitted_dossiers_wait_for_intake(office, staff, submit, clock):
    d = submit(channel="online", user=staff.citizen, owner=staff.citizen)
    response = office(staff.counter_a).get("/office/", {"box": "intake"})
    assert codes(response) == [d.code]


def test_the_approval_and_return_queues(office, staff, drive):
    waiting = drive("awaiting_approval")
    ready = drive("result_ready")
    assert codes(office(staff.leader_a).get("/office/approvals/")) == [waiting.code]
    assert codes(office(staff.counter_a).get("/office/returns/")) == [ready.code]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "nguyen van a0"}, [0]),  # accent-insensitive, from the start of the name
        ({"q": "NGUYỄN VĂN B1"}, [11]),
        ({"id_number": "04619002" + "0003"}, [23]),
        (
            {"procedure": "1.001193", "received_from": "10/03/2026", "received_to": "10/03/2026"},
            list(range(10, 20)),
        ),
        ({"state": "processing", "q": "Nguyen Van C"}, [2, 12, 22]),
    ],
)
def test_search_across_the_dossiers_the_officer_may_see(office, staff, many, params, expected):
    made, _first, _second = many
    response = office(staff.counter_a).get("/office/search/", params)
    assert sorted(codes(response)) == sorted(made[i].code for i in expected)


def test_search_by_code_and_phone(office, staff, many, submit):
    made, _first, _second = many
    client = office(staff.counter_a)
    assert codes(client.get("/office/search/", {"q": made[7].code})) == [made[7].code]
    phoned = submit(applicant=APPLICANT)
    assert codes(client.get("/office/search/", {"phone": APPLICANT.phone})) == [phoned.code]


def test_search_is_paginated(office, staff, many):
    response = office(staff.counter_a).get("/office/search/", {"q": "nguyen"})
    assert len(codes(response)) == 25
    assert 'id="result-count">30<' in response.content.decode()


def test_an_empty_search_searches_nothing(office, staff, many):
    response = office(staff.counter_a).get("/office/search/")
    assert codes(response) == []
    assert Dossier.objects.count() == 30


@pytest.mark.django_db
def test_search_counts_stop_after_the_cap(units, monkeypatch):
    from motcua.office.views.common import CappedPaginator
    from motcua.units.models import Unit

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    paginator = CappedPaginator(Unit.objects.order_by("pk"), 2)
    assert paginator.count == 6
    assert paginator.capped
    three = list(Unit.objects.order_by("pk").values_list("pk", flat=True)[:3])
    small = CappedPaginator(Unit.objects.filter(pk__in=three), 2)
    assert small.count == 3
    assert not small.capped


@pytest.mark.django_db
def test_capped_pages_keep_the_order_of_the_search(units, monkeypatch):
    """Under the cap the page is read by the matches' keys; over it, from the query itself;
    either way in the search's order, every match once."""
    from motcua.office.views.common import CappedPaginator
    from motcua.units.models import Unit

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    newest_first = list(Unit.objects.order_by("-pk").values_list("pk", flat=True)[:5])
    small = CappedPaginator(Unit.objects.filter(pk__in=newest_first).order_by("-pk"), 2)
    assert not small.capped
    pages = [[u.pk for u in small.page(n)] for n in small.page_range]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    large = CappedPaginator(Unit.objects.order_by("-pk"), 2)
    assert large.capped
    assert [u.pk for u in large.page(2)] == newest_first[2:4]
