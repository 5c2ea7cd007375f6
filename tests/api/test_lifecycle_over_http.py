"""A dossier driven through its whole life over HTTP, with session logins."""

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.api.models import PersonalDataAccess
from motcua.dossiers.models import Dossier, Slip, State
from motcua.dossiers.verify import verify_all
from tests.api.conftest import APPLICANT, PDF, error_of, submission
from tests.dossiers.conftest import at

APPLICANT_ID = APPLICANT.id_number


def test_a_dossier_goes_from_submission_to_return_over_http(
    staff, procedure, clock, session_api, django_capture_on_commit_callbacks
):
    counter = session_api(staff.counter_a)

    response = counter.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    assert response.status_code == 201, response.content
    dossier = response.json()
    code = dossier["code"]
    assert code == "000.01.30.H57-260309-0001"
    assert dossier["state"] == State.SUBMITTED
    assert dossier["version"] == 1
    assert dossier["submitted_at"] == "2026-03-09T09:00:00+07:00"
    # The summary never carries the applicant's personal data.
    assert APPLICANT_ID not in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = counter.post(f"/dossiers/{code}/receive", {"version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.RECEIVED
    assert response.json()["due_at"] == "2026-03-12T09:00:00+07:00"

    response = counter.post(
        f"/dossiers/{code}/assign", {"assignee": staff.specialist_a.username, "version": 2}
    )
    assert response.json()["state"] == State.PROCESSING

    clock.move_to(at(2026, 3, 10, 15, 0))
    # A day later the 30-minute sessions have expired: everyone logs in again.
    counter = session_api(staff.counter_a)
    specialist = session_api(staff.specialist_a)
    leader = session_api(staff.leader_a)
    response = specialist.upload(
        f"/dossiers/{code}/propose",
        {"file": _pdf("du-thao.pdf")},
        note="Dự thảo giấy khai sinh",
        version=3,
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.AWAITING_APPROVAL

    assert leader.post(f"/dossiers/{code}/approve", {"note": "Đồng ý"}).status_code == 200
    response = counter.post(f"/dossiers/{code}/result-ready")
    assert response.json()["state"] == State.RESULT_READY
    assert response.json()["outcome"] == "early"
    with django_capture_on_commit_callbacks(execute=True):
        response = counter.post(f"/dossiers/{code}/return", {"method": "in_person"})
    assert response.json()["state"] == State.RETURNED
    assert response.json()["version"] == 7

    events = counter.get(f"/dossiers/{code}/events").json()
    assert [e["action"] for e in events] == [
        "submit",
        "receive",
        "assign",
        "propose",
        "approve",
        "result_ready",
        "return",
    ]
    assert events[0]["from"] == "draft" and events[0]["to"] == "submitted"
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert events[3]["at"] == "2026-03-10T15:00:00+07:00"
    assert events[1]["actor_name"] == staff.counter_a.get_full_name()
    assert list(verify_all()) == []

    detail = counter.get(f"/dossiers/{code}").json()
    assert detail["applicant"]["id_number"] == APPLICANT_ID
    assert [s["kind"] for s in detail["steps"]] == [
        "receive",
        "assign",
        "appraise",
        "approve",
        "return",
    ]
    assert detail["documents"][0]["kind"] == "draft_result"
    assert detail["form_data"] == {"child_name": "Trần Minh Khôi"}
    assert PersonalDataAccess.objects.filter(user=staff.counter_a, dossier_code=code).count() == 1

    slips = counter.get(f"/dossiers/{code}/slips").json()
    assert {s["kind"] for s in slips} == {"receipt", "control"}
    receipt = next(s for s in slips if s["kind"] == "receipt")
    response = counter.client.get(receipt["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert Slip.objects.filter(dossier__code=code).count() == 2


def test_supplement_consultation_and_transfer_over_http(staff, procedure, clock, session_api):
    counter = session_api(staff.counter_a)
    specialist = session_api(staff.specialist_a)
    code = counter.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    code = code.json()["code"]

    response = counter.post(
        f"/dossiers/{code}/request-supplement",
        {"items": [{"name": "Giấy chứng sinh", "reason": "bản mờ"}], "guidance": "Nộp bản rõ"},
    )
    assert response.json()["state"] == State.SUPPLEMENT_REQUESTED
    response = counter.post(f"/dossiers/{code}/complete-supplement", {"note": "Đã nộp"})
    assert response.json()["state"] == State.SUBMITTED
    counter.post(f"/dossiers/{code}/receive")
    counter.post(f"/dossiers/{code}/assign", {"assignee": staff.specialist_a.username})

    response = specialist.post(
        f"/dossiers/{code}/consult",
        {
            "to_agency": staff.provincial_center.identifier,
            "task": "Xin ý kiến",
            "limit": {"kind": "days", "amount": 1},
        },
    )
    assert response.json()["state"] == State.CONSULTING
    response = specialist.post(f"/dossiers/{code}/answer", {"answer": "Đồng ý"})
    assert response.json()["state"] == State.PROCESSING

    response = specialist.post(
        f"/dossiers/{code}/transfer",
        {
            "to_agency": staff.agency_b.identifier,
            "task": "Xác minh nơi cư trú",
            "limit": {"kind": "days", "amount": 2},
        },
    )
    assert response.json()["state"] == State.TRANSFERRED
    # The officer of the agency the dossier was sent to now reaches it, and answers.
    other = session_api(staff.counter_b)
    assert other.get(f"/dossiers/{code}").status_code == 200
    response = other.post(f"/dossiers/{code}/answer", {"answer": "Đã xác minh"})
    assert response.json()["state"] == State.PROCESSING

    detail = counter.get(f"/dossiers/{code}").json()
    assert [(r["kind"], r["to_agency"]["identifier"]) for r in detail["requests"]] == [
        ("consult", staff.provincial_center.identifier),
        ("transfer", staff.agency_b.identifier),
    ]
    assert detail["requests"][1]["due_at"] == "2026-03-11T09:00:00+07:00"

    response = counter.post(f"/dossiers/{code}/hand-over", {"note": "Chuyển thẩm định"})
    assert response.status_code == 200, response.content


def test_rejection_send_back_apology_withdrawal_and_stop_over_http(
    staff, procedure, clock, session_api
):
    counter = session_api(staff.counter_a)
    specialist = session_api(staff.specialist_a)
    leader = session_api(staff.leader_a)

    def processing() -> str:
        code = counter.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
        code = code.json()["code"]
        counter.post(f"/dossiers/{code}/receive")
        counter.post(f"/dossiers/{code}/assign", {"assignee": staff.specialist_a.username})
        return code

    def propose(code):
        return specialist.upload(f"/dossiers/{code}/propose", {"file": _pdf("du-thao.pdf")})

    code = processing()
    propose(code)
    response = leader.post(f"/dossiers/{code}/send-back", {"reason": "Sửa tên cha"})
    assert response.json()["state"] == State.PROCESSING
    propose(code)
    response = leader.post(f"/dossiers/{code}/reject", {"reason": "Không đủ điều kiện"})
    assert response.json()["state"] == State.REJECTED

    code = processing()
    response = leader.post(
        f"/dossiers/{code}/apologize",
        {"reason": "Chờ xác minh", "new_due_at": "2026-03-17T17:00:00+07:00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["due_at"] == "2026-03-17T17:00:00+07:00"
    assert counter.get(f"/dossiers/{code}").json()["apology"]["issued_in_time"] is True
    response = counter.post(f"/dossiers/{code}/withdraw", {"reason": "Công dân xin rút"})
    assert response.json()["state"] == State.WITHDRAWN

    code = processing()
    response = leader.post(f"/dossiers/{code}/stop", {"reason": "Hồ sơ giả mạo"})
    assert response.json()["state"] == State.STOPPED

    code = counter.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    code = code.json()["code"]
    response = counter.post(f"/dossiers/{code}/refuse", {"reason": "Không thuộc thẩm quyền"})
    assert response.json()["state"] == State.REFUSED


def test_a_refusal_without_a_reason_names_what_is_missing(staff, procedure, clock, session_api):
    counter = session_api(staff.counter_a)
    code = counter.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    code = code.json()["code"]
    response = counter.post(f"/dossiers/{code}/refuse", {"reason": "  "})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "missing_requirement"
    assert error["details"]["missing"] == ["reason"]
    assert "lý do" in error["message"]
    assert Dossier.objects.get(code=code).state == State.SUBMITTED


def test_a_file_that_is_not_a_pdf_is_refused_before_anything_is_stored(
    staff, procedure, clock, session_api
):
    counter = session_api(staff.counter_a)
    code = counter.post("/dossiers", submission(procedure.code, staff.agency_a.identifier))
    code = code.json()["code"]
    counter.post(f"/dossiers/{code}/receive")
    counter.post(f"/dossiers/{code}/assign", {"assignee": staff.specialist_a.username})
    specialist = session_api(staff.specialist_a)
    fake = _pdf("du-thao.pdf", b"MZ\x90\x00 not a pdf")
    response = specialist.upload(f"/dossiers/{code}/propose", {"file": fake})
    assert response.status_code == 400
    assert error_of(response)["code"] == "file_content_mismatch"
    assert Dossier.objects.get(code=code).state == State.PROCESSING


def _pdf(name: str, content: bytes = PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")
