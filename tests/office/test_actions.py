"""The actions on a dossier page, each through its service: assign and reassign, hand
over, consult, transfer and the answer, supplement, propose, approve with a PAdES
signature, reject, send back, the desk's result, apology, return, withdraw, stop.
A service's refusal is a message on the page (Vietnamese, or English), never a trace;
a stale page gives a "reload" message."""

import re

import pytest
from fpdf import FPDF

from motcua.api.models import PersonalDataAccess
from motcua.dossiers import services as s
from motcua.dossiers.models import AgencyRequest, Dossier, Slip, State
from motcua.office.models import SignedResult
from motcua.signing.demo import ensure_demo_pki
from tests.office.conftest import APPLICANT, PDF, at

pytestmark = pytest.mark.django_db


def fresh(d):
    return Dossier.objects.get(pk=d.pk)


def act(client, d, action, **data):
    data.setdefault("version", fresh(d).event_count)
    return client.post(f"/office/d/{d.code}/do/{action}/", data)


def real_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="QUYET DINH cap Giay khai sinh")
    return bytes(pdf.output())


@pytest.fixture
def signers(staff, settings, tmp_path):
    settings.DEMO = True
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_SIGNING_TRUST_BUNDLE = ""
    # Issued before the frozen clock of these tests (Monday 9 March 2026).
    ensure_demo_pki(now=at(2026, 1, 5, 8, 0))
    return staff


def test_the_dossier_page_shows_everything_and_logs_the_personal_data_view(office, staff, drive):
    d = drive("processing")
    body = office(staff.specialist_a).get(f"/office/d/{d.code}/").content.decode()
    for text in (APPLICANT.id_number, APPLICANT.phone, APPLICANT.address, "Thẩm định"):
        assert text in body
    assert "12/03/2026 09:00" in body  # the due date, and why:
    assert "Nghị định 118/2025" in body or "Decree 118/2025" in body
    assert "Giấy tiếp nhận và hẹn trả kết quả" in body  # the receipt slip
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.dossier_code, log.purpose) == (
        staff.specialist_a,
        d.code,
        "office_dossier",
    )


def test_lists_never_show_the_id_number_phone_or_address(office, staff, drive):
    d = drive("processing")
    client = office(staff.counter_a)
    for url in ("/office/?box=agency", "/office/search/?q=" + d.code, "/office/returns/"):
        body = client.get(url).content.decode()
        assert APPLICANT.id_number not in body and APPLICANT.phone not in body
    assert not PersonalDataAccess.objects.exists()


def test_receive_an_online_submission_from_its_page(office, staff, submit, committed):
    d = submit(channel="online", user=staff.citizen, owner=staff.citizen)
    with committed():
        response = act(office(staff.counter_a), d, "receive")
    assert response["Location"] == f"/office/d/{d.code}/?done=receipt"
    assert fresh(d).state == State.RECEIVED


def test_assign_then_reassign_then_hand_over(office, staff, drive):
    d = drive("received")
    client = office(staff.counter_a)
    assert act(client, d, "assign", assignee=staff.counter_a.pk).status_code == 302
    step = fresh(d).steps.get(started_at__isnull=False, finished_at__isnull=True)
    assert (step.kind, step.assignee) == ("appraise", staff.counter_a)
    assert act(client, d, "assign", assignee=staff.specialist_a.pk).status_code == 302
    step.refresh_from_db()
    assert step.assignee == staff.specialist_a
    page = client.get(f"/office/d/{d.code}/").content.decode()
    assert "cho Cán bộ specialist_a" in page or "to Cán bộ specialist_a" in page
    response = act(office(staff.specialist_a), d, "hand_over", note="Đã thẩm định")
    assert response.status_code == 302
    current = fresh(d).steps.get(started_at__isnull=False, finished_at__isnull=True)
    assert current.kind == "approve"


def test_an_officer_of_another_commune_is_not_offered_for_assignment(office, staff, drive):
    d = drive("received")
    response = act(office(staff.counter_a), d, "assign", assignee=staff.outsider.pk)
    assert response.status_code == 400
    assert fresh(d).state == State.RECEIVED


def test_consult_and_record_the_answer(office, staff, drive):
    d = drive("processing")
    client = office(staff.specialist_a)
    response = act(
        client,
        d,
        "consult",
        to_agency=staff.agency_b.pk,
        task="Xác minh nơi cư trú",
        limit_kind="days",
        limit_amount=2,
    )
    assert response.status_code == 302
    request = AgencyRequest.objects.get(dossier=d)
    assert request.due_at == at(2026, 3, 11, 9, 0)
    assert fresh(d).state == State.CONSULTING
    # The consulted commune's officer now sees it and answers.
    assert act(office(staff.counter_b), d, "answer", answer="Đã xác minh").status_code == 302
    assert fresh(d).state == State.PROCESSING


def test_transfer_to_another_agency(office, staff, drive):
    d = drive("processing")
    response = act(
        office(staff.specialist_a),
        d,
        "transfer",
        to_agency=staff.provincial_center.pk,
        task="Liên thông cấp thẻ BHYT",
        limit_kind="hours",
        limit_amount=8,
    )
    assert response.status_code == 302
    assert fresh(d).state == State.TRANSFERRED


def test_request_a_supplement_during_processing(office, staff, drive, committed):
    d = drive("processing")
    with committed():
        response = act(
            office(staff.specialist_a), d, "request_supplement", items="Bản sao CCCD: bị mờ"
        )
    assert response["Location"].endswith("?done=supplement")
    event = fresh(d).events.get(action="request_supplement")
    assert event.payload["items"] == [{"name": "Bản sao CCCD", "reason": "bị mờ"}]
    assert Slip.objects.filter(dossier=d, kind="supplement").exists()
    assert act(office(staff.counter_a), d, "complete_supplement").status_code == 302
    assert fresh(d).state == State.PROCESSING


def test_propose_the_result_with_its_draft(office, staff, drive):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = drive("processing")
    upload = SimpleUploadedFile("du-thao.pdf", PDF, content_type="application/pdf")
    response = act(office(staff.specialist_a), d, "propose", file=upload, note="Đủ điều kiện")
    assert response.status_code == 302
    assert fresh(d).state == State.AWAITING_APPROVAL
    assert fresh(d).documents.filter(kind="draft_result").count() == 1


def test_a_leader_approves_and_the_result_is_signed(office, signers, drive, submit):
    d = drive("processing")
    s.dossier_propose_result(
        dossier=fresh(d), user=signers.specialist_a, file_name="du-thao.pdf", content=real_pdf()
    )
    client = office(signers.leader_a)
    assert d.code in client.get("/office/approvals/").content.decode()
    page = client.get(f"/office/approvals/{d.code}/").content.decode()
    assert "du-thao.pdf" in page
    response = act(client, d, "approve", page="approval", note="Đồng ý")
    assert response.status_code == 302, re.findall(
        r"alert-error[^<]*</div>", response.content.decode()
    )
    assert response["Location"] == "/office/approvals/"
    signed = SignedResult.objects.get(dossier=d)
    assert signed.signed_by == signers.leader_a
    d = fresh(d)
    if d.state == State.APPROVED:
        # The leader's role may not record the result; the desk takes the signed file.
        assert act(office(signers.counter_a), d, "take_result").status_code == 302
        d = fresh(d)
    assert d.state == State.RESULT_READY
    with d.result_file.open("rb") as handle:
        assert b"/ByteRange" in handle.read()
    signed.refresh_from_db()
    assert signed.delivered_at is not None
    body = office(signers.counter_a).get(f"/office/d/{d.code}/").content.decode()
    assert 'id="signature-status" data-valid="1" data-trusted="1"' in body
    assert "Phạm Quốc Hùng" in body


def test_a_leader_without_a_certificate_is_told_and_nothing_changes(office, staff, drive):
    d = drive("awaiting_approval")
    response = act(office(staff.leader_a), d, "approve", page="approval")
    assert response.status_code == 400
    assert "chứng thư số" in response.content.decode()
    assert fresh(d).state == State.AWAITING_APPROVAL
    assert not SignedResult.objects.exists()


def test_a_specialist_cannot_approve_and_nothing_is_signed(office, signers, drive):
    d = drive("awaiting_approval")
    response = act(office(signers.specialist_a), d, "approve")
    assert response.status_code == 400
    assert "Vai trò của bạn" in response.content.decode()
    assert not SignedResult.objects.exists()


def test_reject_with_reasons_or_send_back(office, staff, drive):
    d = drive("awaiting_approval")
    client = office(staff.leader_a)
    response = act(client, d, "reject", page="approval", reason="")
    assert response.status_code == 400
    assert fresh(d).state == State.AWAITING_APPROVAL
    assert act(client, d, "send_back", page="approval", reason="Sửa tên cha").status_code == 302
    assert fresh(d).state == State.PROCESSING
    e = fresh(d)
    s.dossier_propose_result(dossier=e, user=staff.specialist_a, file_name="b.pdf", content=PDF)
    assert act(client, d, "reject", page="approval", reason="Không đủ điều kiện").status_code == 302
    assert fresh(d).state == State.REJECTED


def test_return_in_person_by_post_or_online(office, staff, drive, committed):
    d = drive("result_ready")
    client = office(staff.counter_a)
    page = client.get(f"/office/returns/{d.code}/").content.decode()
    assert "•••" in page and APPLICANT.id_number not in page  # masked at the desk
    with committed():
        response = act(client, d, "return", page="return", method="postal")
    assert response["Location"] == f"/office/d/{d.code}/?done=control"
    d = fresh(d)
    assert d.state == State.RETURNED
    assert d.events.get(action="return").payload["method"] == "postal"
    assert Slip.objects.filter(dossier=d, kind="control").exists()


def test_a_late_dossier_demands_the_apology_first(office, staff, drive, clock, committed):
    d = drive("processing")
    clock.move_to(at(2026, 3, 13, 10, 0))
    s.dossier_propose_result(
        dossier=fresh(d), user=staff.specialist_a, file_name="a.pdf", content=PDF
    )
    s.dossier_approve(dossier=fresh(d), user=staff.leader_a)
    s.dossier_mark_result_ready(dossier=fresh(d), user=staff.counter_a)
    client = office(staff.counter_a)
    page = client.get(f"/office/returns/{d.code}/").content.decode()
    assert 'id="apology-needed"' in page
    assert "12/03/2026 09:00" in page  # says why: it was due then
    response = act(client, d, "return", page="return", method="in_person")
    assert response.status_code == 400
    assert "phiếu xin lỗi" in response.content.decode()
    assert fresh(d).state == State.RESULT_READY
    with committed():
        response = act(
            client,
            d,
            "apologize",
            page="return",
            reason="Chờ xác minh",
            new_date="16/03/2026",
            new_time="16:30",
        )
    assert response["Location"] == f"/office/returns/{d.code}/"
    assert Slip.objects.filter(dossier=d, kind="apology").exists()
    assert act(client, d, "return", page="return", method="in_person").status_code == 302
    assert fresh(d).state == State.RETURNED


def test_withdraw_and_stop_need_a_reason(office, staff, drive):
    d = drive("processing")
    assert act(office(staff.counter_a), d, "withdraw", reason="").status_code == 400
    assert act(office(staff.counter_a), d, "withdraw", reason="Công dân xin rút").status_code == 302
    assert fresh(d).state == State.WITHDRAWN
    e = drive("processing")
    assert act(office(staff.leader_a), e, "stop", reason="Có tranh chấp").status_code == 302
    assert fresh(e).state == State.STOPPED


def test_a_stale_page_gets_a_reload_message_and_keeps_what_was_typed(office, staff, drive):
    d = drive("processing")
    seen = fresh(d).event_count
    s.step_assign(dossier=fresh(d), user=staff.counter_a, assignee=staff.counter_a)
    response = act(
        office(staff.specialist_a), d, "request_supplement", version=seen, items="Giấy tờ X"
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "tải lại" in body
    assert "Giấy tờ X" in body
    assert "Traceback" not in body


def test_a_refused_move_is_explained_in_english_when_the_page_is_english(office, staff, drive):
    d = drive("processing")
    client = office(staff.counter_a)
    client.cookies["django_language"] = "en"
    response = act(client, d, "return", method="in_person")
    assert response.status_code == 400
    assert "Cannot move a dossier" in response.content.decode()


def test_only_the_offered_actions_appear(office, staff, drive):
    d = drive("processing")
    specialist = office(staff.specialist_a).get(f"/office/d/{d.code}/").content.decode()
    assert 'id="action-propose"' in specialist
    assert 'id="action-stop"' not in specialist  # leaders and heads only
    leader = office(staff.leader_a).get(f"/office/d/{d.code}/").content.decode()
    assert 'id="action-stop"' in leader
    assert 'id="action-propose"' not in leader


def test_an_unknown_action_is_404(office, staff, drive):
    d = drive("processing")
    assert act(office(staff.counter_a), d, "explode").status_code == 404


def test_files_are_served_to_the_commune_only(office, staff, drive):
    d = drive("awaiting_approval")
    draft = fresh(d).documents.get(kind="draft_result")
    url = f"/office/d/{d.code}/documents/{draft.pk}/"
    response = office(staff.leader_a).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert office(staff.outsider).get(url).status_code == 404
