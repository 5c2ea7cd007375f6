"""Counter intake: the procedure by accent-free search, the applicant (typed or looked up
by ID number, the look-up logged), the checklist and scans, then receive, supplement or
refuse, each printing its slip; errors keep what the officer typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.api.models import PersonalDataAccess
from motcua.dossiers.models import Dossier, Slip, State
from tests.office.conftest import APPLICANT, PDF

pytestmark = pytest.mark.django_db


def form(papers, *, decision="receive", seen=(0, 1), **extra):
    data = {
        "key": extra.pop("key", "k-1"),
        "kind": "person",
        "id_number": APPLICANT.id_number,
        "name": APPLICANT.name,
        "phone": APPLICANT.phone,
        "address": APPLICANT.address,
        "decision": decision,
    }
    for index in seen:
        data[f"seen_{papers[index].pk}"] = "on"
    data.update(extra)
    return data


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "1.001193"])
def test_the_procedure_is_found_by_name_without_accents_or_by_code(query, office, staff, procedure):
    response = office(staff.counter_a).get("/office/intake/", {"q": query})
    assert "Đăng ký khai sinh" in response.content.decode()
    assert "/office/intake/1.001193/" in response.content.decode()


def test_the_procedure_search_answers_htmx_with_the_list_only(office, staff, procedure):
    response = office(staff.counter_a).get(
        "/office/intake/", {"q": "khai"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Đăng ký khai sinh" in body
    assert "<html" not in body


def test_receiving_at_the_counter_makes_the_dossier_and_its_receipt(
    office, staff, papers, clock, committed
):
    client = office(staff.counter_a)
    scan = SimpleUploadedFile("to khai.pdf", PDF, content_type="application/pdf")
    with committed():
        response = client.post(
            "/office/intake/1.001193/", {**form(papers), f"scan_{papers[0].pk}": scan}
        )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/office/d/{dossier.code}/?done=receipt"
    assert dossier.state == State.RECEIVED
    assert dossier.channel == "counter"
    assert dossier.receiving_agency == staff.agency_a
    documents = {d.name: d for d in dossier.documents.all()}
    assert set(documents) == {"Tờ khai đăng ký khai sinh", "Giấy chứng sinh"}
    assert documents["Tờ khai đăng ký khai sinh"].file.name.endswith(".pdf")
    assert documents["Giấy chứng sinh"].paper_copy and not documents["Giấy chứng sinh"].file
    slip = Slip.objects.get(dossier=dossier, kind="receipt")
    # The page after receipt offers to print it, with the appointment.
    page = client.get(response["Location"]).content.decode()
    assert f"/office/d/{dossier.code}/slips/latest/receipt/" in page
    assert "12/03/2026 09:00" in page
    printed = client.get(f"/office/d/{dossier.code}/slips/latest/receipt/")
    assert printed["Location"] == f"/office/d/{dossier.code}/slips/{slip.pk}/"
    pdf = client.get(printed["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_missing_required_paper_refuses_the_receipt_and_keeps_the_form(
    office, staff, papers, clock
):
    response = office(staff.counter_a).post("/office/intake/1.001193/", form(papers, seen=(0,)))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Chưa đủ giấy tờ bắt buộc: Giấy chứng sinh" in body
    assert APPLICANT.address in body  # what was typed is still there
    assert f'name="seen_{papers[0].pk}" id="seen_{papers[0].pk}" checked' in body
    assert not Dossier.objects.exists()


def test_a_supplement_request_lists_the_papers_not_ticked(office, staff, papers, clock, committed):
    with committed():
        response = office(staff.counter_a).post(
            "/office/intake/1.001193/",
            form(
                papers,
                decision="supplement",
                seen=(0,),
                extra_items="Bản sao sổ hộ khẩu",
                guidance="Mang bản chính khi nộp bổ sung",
            ),
        )
    dossier = Dossier.objects.get()
    assert response["Location"].endswith("?done=supplement")
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action="request_supplement")
    assert [i["name"] for i in event.payload["items"]] == ["Giấy chứng sinh", "Bản sao sổ hộ khẩu"]
    assert Slip.objects.filter(dossier=dossier, kind="supplement").exists()


def test_a_refusal_needs_its_reasons_and_nothing_is_kept_without_them(
    office, staff, papers, clock, committed
):
    client = office(staff.counter_a)
    response = client.post("/office/intake/1.001193/", form(papers, decision="refuse"))
    assert response.status_code == 400
    assert "lý do" in response.content.decode()
    # The refused attempt used no dossier number.
    assert not Dossier.objects.exists()
    with committed():
        response = client.post(
            "/office/intake/1.001193/",
            form(papers, decision="refuse", reason="Không thuộc thẩm quyền của xã", key="k-2"),
        )
    dossier = Dossier.objects.get()
    assert dossier.code.endswith("-0001")
    assert dossier.state == State.REFUSED
    assert Slip.objects.filter(dossier=dossier, kind="refusal").exists()


def test_a_double_submitted_intake_makes_one_dossier(office, staff, papers, clock):
    client = office(staff.counter_a)
    first = client.post("/office/intake/1.001193/", form(papers, key="same"))
    second = client.post("/office/intake/1.001193/", form(papers, key="same"))
    assert first["Location"].split("?")[0] == second["Location"].split("?")[0]
    assert Dossier.objects.count() == 1


def test_a_bad_scan_is_refused_with_a_clear_message(office, staff, papers, clock):
    scan = SimpleUploadedFile("to-khai.pdf", b"not a pdf at all", content_type="application/pdf")
    response = office(staff.counter_a).post(
        "/office/intake/1.001193/", {**form(papers), f"scan_{papers[0].pk}": scan}
    )
    assert response.status_code == 400
    assert "không đúng định dạng PDF" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_invalid_id_number_is_shown_on_its_field(office, staff, papers, clock):
    response = office(staff.counter_a).post(
        "/office/intake/1.001193/", form(papers, id_number="04619-000")
    )
    assert response.status_code == 400
    body = response.content.decode()
    # (Vietnamese once the office catalogue is compiled; English otherwise)
    assert "chỉ gồm chữ số" in body or "must contain digits only" in body


def test_the_error_is_in_english_when_the_page_is(office, staff, papers, clock):
    client = office(staff.counter_a)
    client.cookies["django_language"] = "en"
    response = client.post("/office/intake/1.001193/", form(papers, seen=()))
    assert "Required papers are missing" in response.content.decode()


def test_the_applicant_is_looked_up_by_id_number_and_the_lookup_is_logged(
    office, staff, papers, drive
):
    earlier = drive("received")
    response = office(staff.counter_a).get(
        "/office/intake/applicant/", {"id_number": APPLICANT.id_number}
    )
    body = response.content.decode()
    assert APPLICANT.address in body and APPLICANT.phone in body
    assert "<html" not in body  # a partial for htmx
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.dossier_code, log.purpose) == (
        staff.counter_a,
        earlier.code,
        "office_intake",
    )


def test_recently_used_procedures_are_offered_first(office, staff, papers, clock):
    client = office(staff.counter_a)
    client.post("/office/intake/1.001193/", form(papers))
    assert "/office/intake/1.001193/" in client.get("/office/intake/").content.decode()
