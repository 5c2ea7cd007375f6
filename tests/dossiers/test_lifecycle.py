"""Scenario table of the dossier lifecycle, through the services only."""

import pytest

from motcua.calendar import TimeLimit
from motcua.dossiers import services as s
from motcua.dossiers.errors import Conflict, Refused
from motcua.dossiers.models import (
    Action,
    AgencyRequest,
    Apology,
    Channel,
    Dossier,
    State,
)
from motcua.dossiers.verify import verify_all
from motcua.dossiers.workflow import TRANSITIONS
from tests.dossiers.conftest import PDF, at, make_procedure


def fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def actions(dossier):
    return list(dossier.events.order_by("seq").values_list("action", flat=True))


def to_processing(submit, staff):
    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    return s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)


def to_result_ready(submit, staff, clock=None, when=None):
    d = to_processing(submit, staff)
    if when is not None:
        clock.move_to(when)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    return s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)


def test_happy_path_from_submission_to_return(submit, staff, clock):
    d = submit()
    assert d.state == State.SUBMITTED
    assert d.code == "000.01.30.H57-260309-0001"
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    assert d.state == State.RECEIVED
    assert d.due_at == at(2026, 3, 12, 9, 0)
    assert d.deadline["rule"] == "decree-118-2025"
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    assert d.state == State.PROCESSING
    clock.move_to(at(2026, 3, 10, 15, 0))
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    assert d.state == State.AWAITING_APPROVAL
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    d = s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)
    assert d.state == State.RESULT_READY
    assert d.outcome == "early"
    d = s.dossier_return(dossier=d, user=staff.counter_a)
    assert d.state == State.RETURNED
    assert actions(d) == [
        Action.SUBMIT,
        Action.RECEIVE,
        Action.ASSIGN,
        Action.PROPOSE,
        Action.APPROVE,
        Action.RESULT_READY,
        Action.RETURN,
    ]
    steps = list(d.steps.order_by("order").values_list("kind", "outcome"))
    assert [k for k, _ in steps] == ["receive", "assign", "appraise", "approve", "return"]
    assert all(outcome in {"early", "on_time"} for _, outcome in steps)
    # The last step is due with the dossier.
    assert d.steps.order_by("order").last().due_at == d.due_at
    assert list(verify_all()) == []


def test_supplement_at_intake_goes_back_to_submitted(submit, staff, clock):
    d = submit(channel=Channel.ONLINE, user=staff.citizen, owner=staff.citizen)
    d = s.dossier_request_supplement(
        dossier=d, user=staff.counter_a, items=[{"name": "Giấy chứng sinh", "reason": "thiếu"}]
    )
    assert d.state == State.SUPPLEMENT_REQUESTED
    assert d.deadline is None
    d = s.dossier_complete_supplement(dossier=d, user=staff.citizen)
    assert d.state == State.SUBMITTED
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    assert d.due_at == at(2026, 3, 12, 9, 0)


def test_supplement_during_processing_restarts_the_limit(submit, staff, clock):
    d = to_processing(submit, staff)
    clock.move_to(at(2026, 3, 10, 9, 0))
    d = s.dossier_request_supplement(
        dossier=d, user=staff.specialist_a, items=[{"name": "Bản sao CCCD", "reason": "mờ"}]
    )
    assert d.due_at is None
    clock.move_to(at(2026, 3, 11, 14, 0))
    d = s.dossier_complete_supplement(dossier=d, user=staff.counter_a)
    assert d.state == State.PROCESSING
    # Decree 61/2018 art. 19.4: three working days again from Wednesday 14:00.
    assert d.due_at == at(2026, 3, 16, 14, 0)
    assert len(d.deadline["supplements"]) == 1


def test_a_procedure_configured_to_pause_resumes_with_the_time_left(staff, clock, submit):
    paused = make_procedure("2.000001", rule="pause", name="Thủ tục tạm dừng")
    d = submit(procedure=paused)
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    clock.move_to(at(2026, 3, 10, 9, 0))
    d = s.dossier_request_supplement(
        dossier=d, user=staff.specialist_a, items=[{"name": "Tờ khai", "reason": "sai"}]
    )
    clock.move_to(at(2026, 3, 11, 14, 0))
    d = s.dossier_complete_supplement(dossier=d, user=staff.counter_a)
    # 12 office hours waited (Tue 9:00 → Wed 14:00) added to Thursday 09:00.
    assert d.due_at == at(2026, 3, 13, 14, 0)


def test_refusal_needs_a_reason_and_ends_the_dossier(submit, staff, clock):
    d = submit()
    with pytest.raises(Refused) as error:
        s.dossier_refuse(dossier=d, user=staff.counter_a, reason="  ")
    assert error.value.code == "missing_requirement"
    assert "lý do" in error.value.message_vi
    d = s.dossier_refuse(dossier=d, user=staff.counter_a, reason="Không thuộc thẩm quyền")
    assert d.state == State.REFUSED
    assert fresh(d).event_count == 2


def test_rejection_on_the_merits_is_returned_to_the_applicant(submit, staff, clock):
    d = to_processing(submit, staff)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    d = s.dossier_reject(dossier=d, user=staff.leader_a, reason="Không đủ điều kiện")
    assert d.state == State.REJECTED
    assert d.finished_at is not None
    d = s.dossier_return(dossier=d, user=staff.counter_a)
    assert d.state == State.RETURNED


def test_leader_sends_a_draft_back_for_rework(submit, staff, clock):
    d = to_processing(submit, staff)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    d = s.dossier_send_back(dossier=d, user=staff.leader_a, reason="Sửa tên cha")
    assert d.state == State.PROCESSING
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao-2.pdf", content=PDF
    )
    assert d.state == State.AWAITING_APPROVAL


def test_inter_agency_transfer_has_its_own_deadline_and_is_one_dossier(submit, staff, clock):
    d = to_processing(submit, staff)
    d = s.dossier_transfer(
        dossier=d,
        user=staff.specialist_a,
        to_agency=staff.agency_b,
        task="Xác minh nơi cư trú",
        limit=TimeLimit("days", 2),
    )
    assert d.state == State.TRANSFERRED
    request = AgencyRequest.objects.get(dossier=d)
    assert request.due_at == at(2026, 3, 11, 9, 0)
    # The receiving agency's officer now sees the dossier and answers.
    assert Dossier.objects.visible_to(staff.counter_b).filter(pk=d.pk).exists()
    assert not Dossier.objects.visible_to(staff.outsider).filter(pk=d.pk).exists()
    d = s.request_answer(dossier=d, user=staff.counter_b, answer="Đã xác minh")
    assert d.state == State.PROCESSING
    assert Dossier.objects.filter(code=d.code).count() == 1


def test_consultation_and_answer(submit, staff, clock):
    d = to_processing(submit, staff)
    d = s.dossier_consult(
        dossier=d,
        user=staff.specialist_a,
        to_agency=staff.provincial_center,
        task="Xin ý kiến",
        limit=TimeLimit("days", 1),
    )
    assert d.state == State.CONSULTING
    d = s.request_answer(dossier=d, user=staff.specialist_a, answer="Đồng ý")
    assert d.state == State.PROCESSING


def test_withdrawal_at_the_applicants_request(submit, staff, clock):
    d = to_processing(submit, staff)
    with pytest.raises(Refused):
        s.dossier_withdraw(dossier=d, user=staff.counter_a, reason="")
    d = s.dossier_withdraw(dossier=d, user=staff.counter_a, reason="Công dân xin rút")
    assert d.state == State.WITHDRAWN
    assert not d.steps.filter(started_at__isnull=False, finished_at__isnull=True).exists()


def test_a_late_dossier_cannot_be_returned_without_an_apology(submit, staff, clock):
    d = to_result_ready(submit, staff, clock, when=at(2026, 3, 13, 10, 0))
    assert d.outcome == "late"
    with pytest.raises(Refused) as error:
        s.dossier_return(dossier=d, user=staff.counter_a)
    assert error.value.code == "apology_required"
    assert "xin lỗi" in error.value.message_vi
    assert fresh(d).state == State.RESULT_READY
    d = s.dossier_apologize(
        dossier=d, user=staff.leader_a, reason="Chờ xác minh", new_due_at=at(2026, 3, 16, 17)
    )
    apology = Apology.objects.get(dossier=d)
    assert apology.issued_in_time is False  # issued after the due date
    assert d.due_at == at(2026, 3, 16, 17)
    d = s.dossier_return(dossier=d, user=staff.counter_a)
    assert d.state == State.RETURNED


def test_an_apology_is_accepted_once_only(submit, staff, clock):
    d = to_processing(submit, staff)
    clock.move_to(at(2026, 3, 10, 9, 0))
    d = s.dossier_apologize(
        dossier=d, user=staff.leader_a, reason="Chờ xác minh", new_due_at=at(2026, 3, 17, 17)
    )
    assert Apology.objects.get(dossier=d).issued_in_time is True
    with pytest.raises(Refused) as error:
        s.dossier_apologize(
            dossier=d, user=staff.leader_a, reason="Lần hai", new_due_at=at(2026, 3, 20, 17)
        )
    assert error.value.code == "apology_already_issued"
    assert fresh(d).due_at == at(2026, 3, 17, 17)


def test_a_stale_version_is_a_conflict(submit, staff, clock):
    d = submit()
    seen = d.event_count
    s.dossier_receive(dossier=d, user=staff.counter_a, version=seen)
    with pytest.raises(Conflict):
        s.dossier_refuse(dossier=d, user=staff.counter_a, reason="x", version=seen)


def test_a_counter_officer_of_another_commune_cannot_act(submit, staff, clock):
    d = submit()
    with pytest.raises(Refused) as error:
        s.dossier_receive(dossier=d, user=staff.counter_b)
    assert error.value.code == "role_not_allowed"
    assert fresh(d).state == State.SUBMITTED


def test_a_specialist_cannot_approve(submit, staff, clock):
    d = to_processing(submit, staff)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    with pytest.raises(Refused) as error:
        s.dossier_approve(dossier=d, user=staff.specialist_a)
    assert error.value.code == "role_not_allowed"


def test_a_retried_submission_with_the_same_key_gives_the_same_dossier(submit, staff, clock):
    first = submit(idempotency_key="abc-123")
    second = submit(idempotency_key="abc-123")
    assert first.pk == second.pk
    assert Dossier.objects.count() == 1


def test_codes_count_per_agency_and_day(submit, staff, clock):
    assert submit().code.endswith("260309-0001")
    assert submit().code.endswith("260309-0002")
    assert submit(receiving_agency=staff.agency_b, user=staff.counter_b).code == (
        "000.02.30.H57-260309-0001"
    )
    clock.move_to(at(2026, 3, 10, 8, 0))
    assert submit().code == "000.01.30.H57-260310-0001"


# -- every illegal move -------------------------------------------------------------------

DRIVE = {
    State.SUBMITTED: lambda sub, st, c: sub(),
    State.RECEIVED: lambda sub, st, c: s.dossier_receive(dossier=sub(), user=st.counter_a),
    State.PROCESSING: lambda sub, st, c: to_processing(sub, st),
    State.AWAITING_APPROVAL: lambda sub, st, c: s.dossier_propose_result(
        dossier=to_processing(sub, st), user=st.specialist_a, file_name="a.pdf", content=PDF
    ),
    State.RESULT_READY: lambda sub, st, c: to_result_ready(sub, st),
    State.RETURNED: lambda sub, st, c: s.dossier_return(
        dossier=to_result_ready(sub, st), user=st.counter_a
    ),
    State.REFUSED: lambda sub, st, c: s.dossier_refuse(
        dossier=sub(), user=st.counter_a, reason="x"
    ),
}

MOVES = {
    State.RECEIVED: lambda d, st: s.dossier_receive(dossier=d, user=st.counter_a),
    State.REFUSED: lambda d, st: s.dossier_refuse(dossier=d, user=st.counter_a, reason="x"),
    State.AWAITING_APPROVAL: lambda d, st: s.dossier_propose_result(
        dossier=d, user=st.specialist_a, file_name="a.pdf", content=PDF
    ),
    State.APPROVED: lambda d, st: s.dossier_approve(dossier=d, user=st.leader_a),
    State.REJECTED: lambda d, st: s.dossier_reject(dossier=d, user=st.leader_a, reason="x"),
    State.RESULT_READY: lambda d, st: s.dossier_mark_result_ready(dossier=d, user=st.counter_a),
    State.RETURNED: lambda d, st: s.dossier_return(dossier=d, user=st.counter_a),
    State.WITHDRAWN: lambda d, st: s.dossier_withdraw(dossier=d, user=st.counter_a, reason="x"),
    State.STOPPED: lambda d, st: s.dossier_stop(dossier=d, user=st.leader_a, reason="x"),
}

ILLEGAL = [
    (state, target) for state in DRIVE for target in MOVES if target not in TRANSITIONS[state]
]


@pytest.mark.parametrize(("state", "target"), ILLEGAL, ids=lambda v: str(v))
def test_every_illegal_move_is_refused_naming_the_allowed_ones(state, target, submit, staff, clock):
    d = DRIVE[state](submit, staff, clock)
    assert d.state == state
    count = fresh(d).event_count
    with pytest.raises(Refused) as error:
        MOVES[target](d, staff)
    assert error.value.code == "illegal_move"
    assert error.value.details["current"] == state
    assert fresh(d).event_count == count
    assert fresh(d).state == state


def test_a_citizen_sees_their_own_dossiers_and_nobody_elses(submit, staff, clock):
    from motcua.units.models import User

    mine = submit(channel=Channel.ONLINE, user=staff.citizen, owner=staff.citizen)
    submit()  # a counter dossier of somebody else
    other = User.objects.create_user("congdan2", password=None)
    assert list(Dossier.objects.visible_to(staff.citizen)) == [mine]
    assert not Dossier.objects.visible_to(other).exists()
    # The counter officer of the commune sees both.
    assert Dossier.objects.visible_to(staff.counter_a).count() == 2


def test_the_demo_dossiers_are_created_once(units, django_capture_on_commit_callbacks):
    from motcua.catalog.services import catalog_seed
    from motcua.dossiers.demo import seed_demo_dossiers
    from motcua.units.demo import seed_demo

    catalog_seed()
    seed_demo()
    with django_capture_on_commit_callbacks(execute=True):
        first = seed_demo_dossiers()
    assert len(first) == 5
    assert seed_demo_dossiers() == first or sorted(seed_demo_dossiers()) == sorted(first)
    states = set(Dossier.objects.values_list("state", flat=True))
    assert {State.SUBMITTED, State.RECEIVED, State.PROCESSING, State.AWAITING_APPROVAL} <= states
    assert list(verify_all()) == []
