"""Paginated lists: counts, filters, and query counts that do not grow with the page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import services as s
from tests.dossiers.conftest import make_procedure

# Session, user, the caller's roles, the page, the count, and the session's refresh
# (SESSION_SAVE_EVERY_REQUEST); the same for 1 item or 25.
LIST_QUERIES = 8


@pytest.fixture
def many(staff, submit):
    dossiers = [submit() for _ in range(25)]
    for dossier in dossiers[:5]:
        s.dossier_receive(dossier=dossier, user=staff.counter_a)
    return dossiers


def test_the_dossier_list_is_paginated_with_a_total_count(staff, many, session_api):
    api = session_api(staff.counter_a)
    page = api.get("/dossiers", limit=10, offset=20).json()
    assert page["count"] == 25
    assert (page["limit"], page["offset"]) == (10, 20)
    assert len(page["items"]) == 5
    first = api.get("/dossiers", limit=10).json()["items"]
    # Newest first, as the selector orders them; pages do not overlap.
    codes = [d["code"] for d in first]
    assert codes == sorted(codes, reverse=True)
    assert not {d["code"] for d in page["items"]} & set(codes)
    assert api.get("/dossiers").json()["limit"] == 20


def test_the_dossier_list_filters(staff, many, session_api):
    api = session_api(staff.counter_a)
    assert api.get("/dossiers", state="received").json()["count"] == 5
    both = api.get("/dossiers?state=received&state=submitted").json()
    assert both["count"] == 25
    assert api.get("/dossiers", q="nguyễn thị ngọc").json()["count"] == 25
    assert api.get("/dossiers", q="tran").json()["count"] == 0
    assert api.get("/dossiers", q=many[0].code).json()["count"] == 1
    assert api.get("/dossiers", id_number="046190001234").json()["count"] == 25
    assert api.get("/dossiers", phone="0900000000").json()["count"] == 0
    assert api.get("/dossiers", procedure="1.001193").json()["count"] == 25
    assert api.get("/dossiers", received_from="2026-03-09").json()["count"] == 5
    assert api.get("/dossiers", received_to="2026-03-08").json()["count"] == 0
    assert api.get("/dossiers", deadline_status="late").json()["count"] == 0


@pytest.mark.parametrize("size", [1, 25])
def test_the_dossier_list_query_count_is_pinned(
    size, staff, many, session_api, django_assert_max_num_queries
):
    api = session_api(staff.counter_a)
    api.get("/dossiers")  # the first request of a session may create its row
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(api.get("/dossiers", limit=size).json()["items"]) == size


def test_the_dossier_list_query_count_does_not_grow_with_the_page(staff, many, session_api):
    api = session_api(staff.counter_a)
    api.get("/dossiers")
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            api.get("/dossiers", limit=size)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_catalogue_lists_filters_and_details_procedures(
    db, procedure, django_assert_max_num_queries
):
    make_procedure("1.000001", name="Đăng ký kết hôn", days=5)
    RequiredDocument.objects.create(
        procedure=procedure, order=1, name="Tờ khai đăng ký khai sinh", form="original"
    )
    RequiredDocument.objects.create(
        procedure=procedure, order=2, name="Giấy chứng sinh", form="original_or_copy"
    )
    client = Client()
    page = client.get("/api/v1/procedures", {"q": "khai sinh"}).json()
    assert [p["code"] for p in page["items"]] == ["1.001193"]
    assert page["count"] == 1
    everything = client.get("/api/v1/procedures", {"limit": 1}).json()
    assert everything["count"] == 2 and len(everything["items"]) == 1
    assert client.get("/api/v1/procedures", {"level": "province"}).json()["count"] == 0
    assert client.get("/api/v1/procedures", {"online_level": "full"}).json()["count"] == 2
    assert client.get("/api/v1/procedures", {"field": "Hộ tịch"}).json()["count"] == 2
    with django_assert_max_num_queries(2):
        client.get("/api/v1/procedures", {"limit": 100})

    detail = client.get("/api/v1/procedures/1.001193").json()
    assert detail["limit"] == {"kind": "days", "amount": 3}
    assert detail["fee_vnd"] == 0
    assert detail["limit_source"] == "Luật Hộ tịch 2014, Điều 16"
    assert [d["name"] for d in detail["documents"]] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert detail["updated_at"].endswith("+07:00")
