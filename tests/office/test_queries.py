"""Query counts per page, pinned (STYLE.md 17): a page's queries do not grow with the
number of dossiers listed (30 dossiers here, more than a page of 25)."""

import pytest

pytestmark = pytest.mark.django_db

# (who, url, at most this many queries). The common part of every page: session, user,
# the user's roles (scope and menu), the agency named in the header.
PAGES = [
    ("specialist_a", "/office/", 11),
    ("counter_a", "/office/?box=agency", 13),
    ("counter_a", "/office/?box=agency&colour=late&sort=-received&page=2", 13),
    ("counter_a", "/office/?box=intake", 11),
    ("leader_a", "/office/approvals/", 12),
    ("counter_a", "/office/returns/", 11),
    ("counter_a", "/office/search/?q=nguyen&state=processing", 11),
    ("counter_a", "/office/intake/?q=khai+sinh", 9),
    ("counter_a", "/office/intake/1.001193/", 12),
    ("counter_a", "/office/intake/applicant/?id_number=046190000001", 9),
    ("counter_a", "{dossier}", 26),
    ("counter_a", "{return}", 15),
    ("leader_a", "{approval}", 15),
]


@pytest.mark.parametrize(("who", "url", "most"), PAGES, ids=[p[1] for p in PAGES])
def test_page_query_count_is_pinned(
    who,
    url,
    most,
    office,
    staff,
    many,
    drive,
    django_assert_max_num_queries,
):
    made, _first, _second = many
    waiting = drive("awaiting_approval")
    url = url.format(
        dossier=f"/office/d/{made[0].code}/",
        **{"return": f"/office/returns/{made[0].code}/"},
        approval=f"/office/approvals/{waiting.code}/",
    )
    client = office(getattr(staff, who))
    client.get(url)  # warm the calendar cache like a running server
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200
