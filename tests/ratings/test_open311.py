"""The Open311 GeoReport v2 feed: discovery, services, requests (dossiers, read-only, no
personal data) and POST for feedback, in JSON and XML."""

import xml.etree.ElementTree as ET

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, State
from motcua.ratings.models import Feedback, FeedbackChannel
from tests.dossiers.conftest import make_procedure
from tests.portal.support import add_documents, personal_data_in, run_to_returned

BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
}


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own output


@pytest.fixture
def dossiers(submit, staff, procedure, clock):
    add_documents(procedure)
    submitted = submit()
    received = s.dossier_receive(dossier=submit(), user=staff.counter_a)
    returned = run_to_returned(submit(), staff)
    draft = Dossier.objects.get(pk=submitted.pk)
    draft.pk, draft.code, draft.state, draft.idempotency_key = None, None, State.DRAFT, None
    draft.save()
    return {"submitted": submitted, "received": received, "returned": returned}


def test_discovery_in_json_and_xml(client, units):
    data = client.get(f"{BASE}/discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]
    assert root.find("endpoints/endpoint/type").text == "production"


def test_services_are_the_active_procedures(client, procedure):
    withdrawn = make_procedure("9.000009", name="Thủ tục đã bãi bỏ")
    withdrawn.is_active = False
    withdrawn.save()
    services = client.get(f"{BASE}/services.json").json()
    assert [x["service_code"] for x in services] == ["1.001193"]
    assert services[0]["service_name"] == "Đăng ký khai sinh"
    assert services[0]["metadata"] is True
    assert services[0]["type"] == "batch"
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert root.find("service/service_code").text == "1.001193"
    assert root.find("service/metadata").text == "true"


def test_a_service_definition_lists_the_required_documents(client, procedure):
    add_documents(procedure)
    data = client.get(f"{BASE}/services/1.001193.json").json()
    assert data["service_code"] == "1.001193"
    names = [a["description"] for a in data["attributes"]]
    assert names[:3] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Giấy ủy quyền"]
    assert [a["required"] for a in data["attributes"][:3]] == [True, True, False]
    assert data["attributes"][-1]["code"] == "dossier_code"
    root = xml(client.get(f"{BASE}/services/1.001193.xml"))
    assert root.tag == "service_definition"
    assert len(root.findall("attributes/attribute")) == 4
    assert client.get(f"{BASE}/services/0.000000.json").status_code == 404


def test_requests_are_submitted_dossiers_without_personal_data(client, dossiers):
    response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    rows = response.json()
    assert {r["service_request_id"] for r in rows} == {d.code for d in dossiers.values()}
    for row in rows:
        assert set(row) == REQUEST_FIELDS
    by_id = {r["service_request_id"]: r for r in rows}
    received = by_id[dossiers["received"].code]
    assert received["status"] == "open"
    assert received["expected_datetime"] == "2026-03-12T09:00:00+07:00"
    assert received["requested_datetime"] == "2026-03-09T09:00:00+07:00"
    assert received["agency_responsible"] == dossiers["received"].competent_agency.name
    assert received["service_code"] == "1.001193"
    assert by_id[dossiers["returned"].code]["status"] == "closed"
    assert personal_data_in(response.text) == []
    assert personal_data_in(client.get(f"{BASE}/requests.xml").text) == []


def test_requests_filter_by_status_service_and_dates(client, dossiers, procedure):
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [dossiers["returned"].code]
    assert len(client.get(f"{BASE}/requests.json", {"status": "open"}).json()) == 2
    assert client.get(f"{BASE}/requests.json", {"service_code": "0.0"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"service_code": "1.001193"}).json()) == 3
    before = client.get(f"{BASE}/requests.json", {"end_date": "2026-03-08T00:00:00+07:00"})
    assert before.json() == []
    during = client.get(
        f"{BASE}/requests.json",
        {"start_date": "2026-03-09T00:00:00+07:00", "end_date": "2026-03-10T00:00:00Z"},
    )
    assert len(during.json()) == 3
    # A list of ids overrides every other argument (the spec).
    ids = f"{dossiers['submitted'].code},{dossiers['returned'].code}"
    listed = client.get(f"{BASE}/requests.json", {"service_request_id": ids, "status": "open"})
    assert len(listed.json()) == 2
    bad = client.get(f"{BASE}/requests.json", {"start_date": "hôm qua"})
    assert bad.status_code == 400
    assert bad.json()[0]["code"] == 400
    assert client.get(f"{BASE}/requests.xml", {"status": "lost"}).status_code == 400


def test_one_request_by_its_dossier_code(client, dossiers):
    code = dossiers["received"].code
    rows = client.get(f"{BASE}/requests/{code}.json").json()
    assert len(rows) == 1
    assert rows[0]["service_request_id"] == code
    root = xml(client.get(f"{BASE}/requests/{code}.xml"))
    assert root.tag == "service_requests"
    assert root.find("request/status").text == "open"
    missing = client.get(f"{BASE}/requests/000.00.00.X00-000000-0000.xml")
    assert missing.status_code == 404
    assert xml(missing).tag == "errors"


def test_the_feed_reads_a_fixed_number_of_queries(client, dossiers, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(f"{BASE}/requests.json")


def test_post_creates_feedback_not_a_dossier_and_answers_with_a_token(client, dossiers, staff):
    before = Dossier.objects.count()
    response = client.post(
        f"{BASE}/requests.json",
        {
            "service_code": "1.001193",
            "description": "Hướng dẫn trên cổng chưa rõ giấy tờ cần nộp.",
            "first_name": "Bình",
            "last_name": "Trần",
            "phone": "0987654321",
            "attribute[dossier_code]": dossiers["received"].code,
        },
    )
    assert response.status_code == 201
    [answer] = response.json()
    assert set(answer) == {"token", "service_notice", "account_id"}
    assert "30/03/2026" in answer["service_notice"]
    assert Dossier.objects.count() == before
    feedback = Feedback.objects.get()
    assert feedback.channel == FeedbackChannel.OPEN311
    assert feedback.author_name == "Bình Trần"
    assert feedback.agency == staff.agency_a
    # The token gives the id; the id gives the status, and nothing the author wrote.
    [found] = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert found["service_request_id"] == feedback.reference
    [status] = client.get(f"{BASE}/requests/{feedback.reference}.json").json()
    assert status["status"] == "open"
    assert status["expected_datetime"] == "2026-03-30T09:00:00+07:00"
    assert "0987654321" not in str(status) and "Hướng dẫn" not in str(status)
    assert client.get(f"{BASE}/tokens/{feedback.reference}.forged.json").status_code == 404


def test_post_in_xml_and_its_errors(client, procedure):
    ok = client.post(
        f"{BASE}/requests.xml", {"service_code": "1.001193", "description": "Thủ tục quá chậm <3"}
    )
    assert ok.status_code == 201
    assert xml(ok).find("request/token").text
    bad = client.post(f"{BASE}/requests.xml", {"service_code": "0.000", "description": "x"})
    assert bad.status_code == 400
    errors = [e.find("description").text for e in xml(bad).findall("error")]
    assert "No service with code 0.000." in errors
    assert any("description is required" in e for e in errors)
    assert Feedback.objects.count() == 1


def test_the_feed_is_read_only_for_dossiers(client, dossiers):
    code = dossiers["received"].code
    assert client.post(f"{BASE}/requests/{code}.json", {}).status_code == 405
    assert client.delete(f"{BASE}/requests.json").status_code == 405


def test_xml_escapes_what_it_carries(client, procedure):
    procedure.name = 'Thủ tục <b>"đặc biệt"</b> & khác'
    procedure.save()
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.find("service/service_name").text == procedure.name
    assert b"<b>" not in client.get(f"{BASE}/services.xml").content
