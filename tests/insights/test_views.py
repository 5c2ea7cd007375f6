"""The dashboards, the Excel export and the public page: who may see what, how many
queries each page costs, and that the numbers link to exactly the dossiers behind them."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from motcua.insights.selectors import METRICS, dossiers_behind, indicators_for, slice_for
from tests.dossiers.conftest import APPLICANT, at
from tests.insights.support import MARCH, assigned

APRIL = at(2026, 4, 2, 10)  # "today" for the pages: March is the last full month
QS = "?period=month&date=2026-03-01"


@pytest.fixture
def pages(march):
    """The March scenario, seen on 2 April 2026."""
    with time_machine.travel(APRIL, tick=False):
        yield march


def urls(staff):
    return {
        "index": reverse("insights:index"),
        "province": reverse("insights:unit", args=[staff.province.pk]) + QS,
        "commune_a": reverse("insights:unit", args=[staff.commune_a.pk]) + QS,
        "commune_b": reverse("insights:unit", args=[staff.commune_b.pk]) + QS,
        "agency_a": reverse("insights:agency", args=[staff.agency_a.pk]) + QS,
        "procedure": reverse("insights:procedure", args=[_procedure(staff)])
        + QS
        + f"&unit={staff.commune_a.pk}",
        "officer": reverse("insights:officer", args=[staff.specialist_a.pk]) + QS,
        "dossiers": reverse("insights:dossiers")
        + QS
        + f"&unit={staff.commune_a.pk}&metric=finished",
        "late": reverse("insights:late") + f"?unit={staff.commune_a.pk}",
        "ranking": reverse("insights:ranking", args=[staff.province.pk]) + QS,
        "export": reverse("insights:export") + QS + f"&unit={staff.commune_a.pk}",
    }


def _procedure(staff):
    from motcua.catalog.models import Procedure

    return Procedure.objects.get(code="1.001193").pk


# Who gets what: 200 seen, 404 outside the scope (an outsider cannot learn it exists).
ACCESS = {
    "counter_a": {
        "commune_a": 200,
        "commune_b": 404,
        "province": 404,
        "agency_a": 200,
        "procedure": 200,
        "officer": 200,
        "dossiers": 200,
        "late": 200,
        "ranking": 404,
        "export": 200,
    },
    "counter_b": {
        "commune_a": 404,
        "agency_a": 404,
        "officer": 404,
        "dossiers": 404,
        "export": 404,
    },
    "provincial_leader": {
        "province": 200,
        "commune_a": 200,
        "commune_b": 200,
        "ranking": 200,
        "officer": 200,
        "export": 200,
    },
    "inspector": {"province": 200, "commune_a": 200, "ranking": 200, "dossiers": 200},
    "outsider": {"province": 404, "commune_a": 404, "officer": 404, "ranking": 404},
    "citizen": {"index": 404, "commune_a": 404, "province": 404},
}


@pytest.mark.parametrize("persona", sorted(ACCESS))
def test_who_may_see_which_dashboard(pages, client, persona):
    client.force_login(getattr(pages, persona))
    for name, expected in ACCESS[persona].items():
        response = client.get(urls(pages)[name])
        assert response.status_code == expected, (persona, name, response.status_code)


def test_anonymous_visitors_are_sent_to_log_in(pages, client):
    for name, url in urls(pages).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "login" in response["Location"]


def test_the_index_opens_the_callers_unit(pages, client):
    client.force_login(pages.counter_a)
    assert client.get(reverse("insights:index"))["Location"].endswith(
        reverse("insights:unit", args=[pages.commune_a.pk])
    )
    client.force_login(pages.provincial_leader)
    assert client.get(reverse("insights:index"))["Location"].endswith(
        reverse("insights:unit", args=[pages.province.pk])
    )


# Pinned query counts. Every page: the session and the user (2), the caller's roles (1),
# the session's save (3: savepoint, update, release; SESSION_SAVE_EVERY_REQUEST). Then per
# table of figures over a month: 4 queries (the partial months' daily facts, the month's
# monthly facts, the later months' stock deltas, the stock totals; 2 when by officer,
# from the daily facts), + 1 for the labels of a breakdown; the trend 2; the late and
# at-risk previews 2.
QUERIES = {
    "province": 25,  # + the unit; total, communes, procedures, trend, late lists
    "commune_a": 28,  # + agencies, procedures, officers
    "agency_a": 23,
    "procedure": 17,
    "officer": 14,
    "dossiers": 10,  # + candidates, the facts per dossier, the page of dossiers
    "late": 9,  # + count, page
    "ranking": 12,
    "export": 27,  # every table of the dashboard, one sheet each
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_counts_are_pinned(pages, client, django_assert_num_queries, name):
    client.force_login(pages.provincial_leader)
    url = urls(pages)[name]
    client.get(url)  # warm the per-process caches (none of them per request)
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_data(
    march, submit, clock, client, django_assert_num_queries
):
    for day in (23, 24, 25, 26, 27):
        d = assigned(submit, march, clock, at(2026, 3, day, 9))
        if day % 2:
            from motcua.dossiers import services as s

            s.dossier_withdraw(dossier=d, user=march.counter_a, reason="Xin rút")
    with time_machine.travel(APRIL, tick=False):
        client.force_login(march.provincial_leader)
        for name in ("province", "commune_a", "officer"):
            url = urls(march)[name]
            client.get(url)
            with django_assert_num_queries(QUERIES[name]):
                assert client.get(url).status_code == 200


def test_the_commune_page_shows_the_figures_and_a_chart(pages, client):
    client.force_login(pages.leader_a)
    html = client.get(urls(pages)["commune_a"]).content.decode()
    assert "<svg" in html and 'class="chart"' in html
    # Received 7, carried over 1, on-time rate 57.14% (see test_scenarios).
    assert ">7<" in html
    assert "57,14%" in html
    # Strict CSP: no inline style attribute, no script, no external asset.
    assert " style=" not in html
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    # No applicant's personal data on a dashboard.
    assert APPLICANT.name not in html
    assert APPLICANT.id_number not in html
    assert APPLICANT.phone not in html


def test_every_number_links_to_exactly_the_dossiers_behind_it(pages):
    s = slice_for(pages.leader_a, unit=pages.commune_a)
    figures = indicators_for(pages.leader_a, unit=pages.commune_a, start=MARCH[0], end=MARCH[1])
    expected = {
        "received": 7,
        "received_online": 1,
        "carried_over": 1,
        "finished": 5,
        "finished_early": 2,
        "finished_on_time": 1,
        "finished_late": 2,
        "in_progress": 2,
        "in_progress_on_time": 1,
        "in_progress_late": 1,
        "returned": 2,
        "withdrawn": 1,
        "stopped": 0,
        "refused": 1,
        "rejected": 0,
        "apologies": 1,
        "fee_bearing": 2,
        "paid_online": 1,
        "digitised": 1,
        "electronic_result": 5,
    }
    assert set(expected) == set(METRICS)
    for metric, count in expected.items():
        ids = dossiers_behind(s, metric, *MARCH)
        assert len(ids) == count, metric
        value = getattr(figures, metric, None)
        if value is None:
            value = getattr(figures.counts, metric)
        assert value == count, metric
    # By officer: the specialist in charge of the two finished late.
    officer = slice_for(pages.leader_a, unit=pages.commune_a, officer=pages.specialist_a)
    assert len(dossiers_behind(officer, "finished_late", *MARCH)) == 2
    counter = slice_for(pages.leader_a, unit=pages.commune_a, officer=pages.counter_a)
    assert dossiers_behind(counter, "finished_late", *MARCH) == []


def test_the_dossier_list_shows_codes_not_applicants(pages, client):
    client.force_login(pages.leader_a)
    html = client.get(urls(pages)["dossiers"]).content.decode()
    assert len(set(re.findall(r"000\.01\.30\.H57-26\d{4}-\d{4}", html))) == 5
    assert APPLICANT.name not in html


def test_the_late_list(pages, client):
    client.force_login(pages.leader_a)
    html = client.get(urls(pages)["late"]).content.decode()
    # D8 (due 12/3) is late on 2/4; D9 (received 31/3, due 3/4) is not yet.
    assert "12/03/2026" in html
    assert len(set(re.findall(r"000\.01\.30\.H57-26\d{4}-\d{4}", html))) == 1


def test_the_ranking_needs_a_minimum_sample(pages, client):
    client.force_login(pages.provincial_leader)
    html = client.get(urls(pages)["ranking"]).content.decode()
    # Commune A handled 8 dossiers, fewer than 30: listed, not ranked.
    assert "Commune" in html or pages.commune_a.name in html
    assert html.index(pages.commune_a.name) > html.index("<h2>")


def test_the_excel_export_opens_with_the_report_layout(pages, client):
    client.force_login(pages.leader_a)
    response = client.get(urls(pages)["export"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo thủ tục",
        "Chỉ số 766",
        "Theo cán bộ",
        "Xu hướng",
        "Hồ sơ quá hạn",
    ]
    report = book["Tổng hợp"]
    assert report["A1"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert report["B3"].value == dt.datetime(2026, 3, 1)
    assert report["B3"].number_format == "DD/MM/YYYY"
    assert report["D3"].value == dt.datetime(2026, 3, 31)
    headings = [c.value for c in report[5]]
    assert headings[:4] == ["STT", "Đơn vị / lĩnh vực", "Số hồ sơ nhận giải quyết", None]
    leaves = [c.value for c in report[6]]
    assert leaves[2:6] == [
        "Tổng số",
        "Kỳ trước chuyển qua",
        "Mới tiếp nhận trực tuyến",
        "Mới tiếp nhận trực tiếp, bưu chính",
    ]
    total = [c.value for c in report[8]]  # one agency row, then the total
    assert total[1] == "Tổng cộng"
    # handled 8 = carried over 1 + online 1 + counter 6; finished 5 = 2 + 1 + 2;
    # in progress 2 = 1 + 1; withdrawn 1, stopped 0, refused 1, apologies 1; 57.14%.
    assert total[2:] == [8, 1, 1, 6, 5, 2, 1, 2, 2, 1, 1, 1, 0, 1, 1, 57.14]
    indicators = {row[0].value: row[1].value for row in book["Chỉ số 766"].iter_rows(min_row=6)}
    assert indicators["Tỷ lệ đúng hạn (%)"] == 57.14
    assert indicators["Điểm nhóm: Công khai, minh bạch (tối đa 18)"] == "N/A"
    late = book["Hồ sơ quá hạn"]
    assert [c.value for c in late[5]][:5] == [
        "Mã hồ sơ",
        "Thủ tục",
        "Cơ quan giải quyết",
        "Ngày tiếp nhận",
        "Hạn giải quyết",
    ]
    assert late["E6"].value == dt.datetime(2026, 3, 12)
    assert late["E6"].number_format == "DD/MM/YYYY"


# -- the public page ---------------------------------------------------------------------


def test_the_public_page_shows_figures_and_no_personal_data(pages, client):
    with time_machine.travel(at(2026, 3, 31, 18), tick=False):
        url = reverse("insights_public:unit", args=["xa", pages.commune_a.code])
        response = client.get(url)
        html = response.content.decode()
    assert response.status_code == 200
    # This month: received 7, finished 5, on time 57.14%, online 14.29%.
    assert "57,14%" in html and "14,29%" in html
    for private in (
        APPLICANT.name,
        APPLICANT.id_number,
        APPLICANT.phone,
        "000.01.30.H57-",  # dossier codes
        pages.specialist_a.get_full_name(),
        pages.counter_a.get_full_name(),
        pages.leader_a.get_full_name(),
    ):
        assert private not in html
    assert " style=" not in html


def test_the_public_pages_are_cheap(pages, client, django_assert_num_queries):
    url = reverse("insights_public:unit", args=["tinh", pages.province.code])
    # The unit, this month (3: daily, later months, totals), this year (4: + its whole
    # months), the list of communes.
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("insights_public:index")).status_code == 200
    assert client.get(reverse("insights_public:unit", args=["xa", 99999999])).status_code == 404
    assert client.get(reverse("insights_public:unit", args=["huyen", 1])).status_code == 404
