"""Processing: assignment and hand-over between steps, consultation and inter-agency
transfer, approval, the result, the apology for lateness and the return
(Decree 61/2018 art. 17–20)."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from motcua.calendar import TimeLimit
from motcua.dossiers import workflow as wf
from motcua.dossiers.errors import Refused
from motcua.dossiers.models import (
    Action,
    AgencyRequest,
    Apology,
    DeadlineStatus,
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierStep,
    RequestKind,
    SlipKind,
    State,
    Timeliness,
)
from motcua.dossiers.services import core, statements
from motcua.dossiers.services.slips import after_commit_slip

_DISPATCHERS = frozenset({wf.COUNTER, wf.HEAD, wf.LEADER})
_PROCESSORS = frozenset({wf.COUNTER, wf.SPECIALIST, wf.HEAD, wf.LEADER})


def _steps(dossier: Dossier) -> list[DossierStep]:
    """The dossier's unfinished steps (the current one and those to come) in order, read
    once per locked dossier: the transition that holds the lock is the only writer of
    their progress, so the list stays true until it commits (``_save_steps`` writes
    back what changed)."""
    steps = dossier.__dict__.get("_motcua_steps")
    if steps is None:
        qn = connection.ops.quote_name
        plan = statements.select(
            ("open steps",),
            DossierStep,
            f"t.{qn('dossier_id')} = %s AND t.{qn('finished_at')} IS NULL",
            suffix=f"ORDER BY t.{qn('order')}",
        )
        steps = statements.fetch(plan, [dossier.pk])
        dossier._motcua_steps = steps
    return steps


def _current_step(dossier: Dossier) -> DossierStep | None:
    return next(
        (s for s in _steps(dossier) if s.finished_at is None and s.started_at is not None),
        None,
    )


# The progress columns of a step that assignment and hand-over change.
_PROGRESS = ("started_at", "finished_at", "outcome", "assignee")


def _save_steps(dossier: Dossier, steps: list[DossierStep]) -> None:
    """Write the progress of ``steps`` in one UPDATE (a hand-over ends one step and starts
    the next, sometimes skipping some between), sent with the transition's event
    (``statements.with_event``): no round trip of its own."""
    if not steps:
        return
    fields = [DossierStep._meta.get_field(name) for name in _PROGRESS]

    def build_sql() -> str:
        qn = connection.ops.quote_name
        table = qn(DossierStep._meta.db_table)
        pk = DossierStep._meta.pk
        # PostgreSQL types a VALUES list from its contents; a NULL alone would be text.
        cast = connection.vendor == "postgresql"
        row = "({})".format(
            ", ".join(f"%s::{f.cast_db_type(connection)}" if cast else "%s" for f in (pk, *fields))
        )
        assignments = ", ".join(
            f"{qn(f.column)} = v.column{i}" for i, f in enumerate(fields, start=2)
        )
        # Table and column names from the model's metadata; the values go as parameters.
        return (
            f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(steps))}) "  # noqa: S608
            f"AS v WHERE {table}.{qn(pk.column)} = v.column1"
        )

    params = []
    for step in steps:
        params.append(step.pk)
        params.extend(f.get_db_prep_save(getattr(step, f.attname), connection) for f in fields)
    statements.with_event(
        dossier, statements.compiled(("step progress", len(steps)), build_sql), params
    )


def step_outcome(finished_at: dt.datetime, due_at: dt.datetime | None) -> str:
    """Early / on time / late of a step: its end against its due moment, by local date
    as for the dossier (RULES.md, Deadlines)."""
    if due_at is None:
        return Timeliness.ON_TIME
    finished_day, due_day = timezone.localdate(finished_at), timezone.localdate(due_at)
    if finished_day < due_day:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished_day == due_day else Timeliness.LATE


def _advance(dossier: Dossier, at: dt.datetime, *, assignee=None, until_kind=None) -> dict:
    """Finish the current step and start the next one (or the next of ``until_kind``).

    Returns the hand-over row of the control slip: from, to, times, outcome.
    """
    current = _current_step(dossier)
    following = [s for s in _steps(dossier) if s.started_at is None and s.finished_at is None]
    if until_kind is not None:
        skipped = [s for s in following if s.kind != until_kind]
        target = next((s for s in following if s.kind == until_kind), None)
        if target is not None:
            skipped = [s for s in skipped if s.order < target.order]
    else:
        skipped, target = [], next(iter(following), None)
    row: dict = {}
    changed: list[DossierStep] = []
    if current is not None and current != target:
        current.finished_at = at
        current.outcome = step_outcome(at, current.due_at)
        changed.append(current)
        row.update(
            from_step=current.order,
            from_kind=current.kind,
            from_user=current.assignee_id,
            step_due_at=current.due_at,
            step_outcome=current.outcome,
        )
    for step in skipped:
        # A step the process foresaw but this dossier did not need (e.g. no consultation).
        step.started_at = step.finished_at = at
        step.outcome = Timeliness.ON_TIME
        changed.append(step)
    if target is not None:
        target.started_at = at
        if assignee is not None:
            target.assignee = assignee
        changed.append(target)
        row.update(to_step=target.order, to_kind=target.kind, to_user=target.assignee_id)
    _save_steps(dossier, changed)
    return row


def step_assign(*, dossier: Dossier, user, assignee, version: int | None = None) -> Dossier:
    """A head (or the desk) assigns the dossier to an officer: "clear person" of 6 rõ.

    Moves a received dossier into processing; on a dossier already in processing it
    reassigns the current step.
    """
    if not assignee.is_officer or not assignee.is_active:
        raise Refused(
            "invalid_assignee",
            "Chỉ giao hồ sơ cho cán bộ đang làm việc.",
            "A dossier can only be assigned to an active officer.",
        )

    def apply(d: Dossier, at: dt.datetime) -> dict:
        current = _current_step(d)
        if d.state == State.RECEIVED or (current is not None and current.kind == "assign"):
            row = _advance(d, at, assignee=assignee)
        else:
            if current is None:
                raise Refused(
                    "no_open_step", "Hồ sơ không còn bước đang xử lý.", "No step is open."
                )
            current.assignee = assignee
            _save_steps(d, [current])
            row = {"to_step": current.order, "to_kind": current.kind}
        row["assignee"] = assignee.pk
        row["assignee_name"] = assignee.get_full_name() or assignee.get_username()
        return row

    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        # The first assignment starts processing; a later one reassigns the current step
        # and needs a dispatcher.
        target=lambda d: State.PROCESSING if d.state == State.RECEIVED else None,
        action=Action.ASSIGN,
        version=version,
        apply=apply,
        roles=_DISPATCHERS,
    )
    return dossier


def step_hand_over(
    *, dossier: Dossier, user, to_user=None, note: str = "", version: int | None = None
) -> Dossier:
    """Finish the current step and pass the dossier to the next one (a control-slip row)."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        if d.state not in {State.PROCESSING}:
            raise core.refuse_move(wf.IllegalMove(wf.State(d.state), wf.State.PROCESSING), d)
        row = _advance(d, at, assignee=to_user)
        row["note"] = note
        return row

    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=None,
        action=Action.HAND_OVER,
        version=version,
        apply=apply,
        roles=_PROCESSORS,
    )
    return dossier


def _agency_request(kind: RequestKind, target: State, action: Action):
    def service(
        *,
        dossier: Dossier,
        user,
        to_agency,
        task: str,
        limit: TimeLimit,
        version: int | None = None,
    ) -> Dossier:
        task = task.strip()

        def apply(d: Dossier, at: dt.datetime) -> dict:
            if to_agency.pk == d.competent_agency_id:
                raise Refused(
                    "same_agency",
                    "Không thể chuyển hồ sơ cho chính cơ quan đang giải quyết.",
                    "The dossier cannot be sent to the agency already handling it.",
                )
            calendar = core.calendar_of(d)
            due = calendar.due(at, limit)
            request = AgencyRequest.objects.create(
                dossier=d,
                kind=kind,
                from_agency=d.competent_agency,
                to_agency=to_agency,
                task=task,
                requested_at=at,
                due_at=due,
            )
            return {"request": request.pk, "to_agency": to_agency.pk, "task": task, "due_at": due}

        dossier, _ = core.transition(
            dossier.pk,
            user=user,
            target=target,
            action=action,
            version=version,
            provided=frozenset({wf.Need.TARGET_AGENCY} | ({wf.Need.REASON} if task else set())),
            apply=apply,
        )
        return dossier

    return service


dossier_consult = _agency_request(RequestKind.CONSULT, State.CONSULTING, Action.CONSULT)
dossier_consult.__doc__ = "Ask another agency's opinion, with its own deadline (art. 17)."
dossier_transfer = _agency_request(RequestKind.TRANSFER, State.TRANSFERRED, Action.TRANSFER)
dossier_transfer.__doc__ = (
    "Inter-agency transfer: another agency (same or other level) does its part with its "
    "own task and deadline; the dossier stays one dossier in the statistics."
)


def request_answer(*, dossier: Dossier, user, answer: str, version: int | None = None) -> Dossier:
    """The consulted or receiving agency answers; processing resumes."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        request = d.requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        if request is None:
            raise Refused(
                "no_open_request",
                "Không có yêu cầu nào đang chờ trả lời.",
                "No request is waiting for an answer.",
            )
        request.answered_at = at
        request.answer = answer.strip()
        request.outcome = step_outcome(at, request.due_at)
        request.save(update_fields=["answered_at", "answer", "outcome"])
        return {"request": request.pk, "answer": request.answer, "outcome": request.outcome}

    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=State.PROCESSING,
        action=Action.ANSWER,
        version=version,
        apply=apply,
    )
    return dossier


def dossier_propose_result(
    *,
    dossier: Dossier,
    user,
    file_name: str,
    content: bytes,
    note: str = "",
    version: int | None = None,
) -> Dossier:
    """The specialist uploads the draft result and submits it for approval."""
    from motcua.dossiers.services.uploads import checked_upload

    upload = checked_upload(file_name, content)

    def apply(d: Dossier, at: dt.datetime) -> dict:
        document = DossierDocument(
            dossier=d,
            kind=DocumentKind.DRAFT_RESULT,
            name=file_name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=user,
        )
        document.file.save(upload.safe_name, ContentFile(content), save=False)
        statements.insert(document)
        row = _advance(d, at, until_kind="approve")
        row.update(document=document.pk, sha256=upload.sha256, note=note)
        return row

    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=State.AWAITING_APPROVAL,
        action=Action.PROPOSE,
        version=version,
        apply=apply,
    )
    return dossier


def _draft_result(d: Dossier) -> DossierDocument | None:
    """The latest draft result uploaded for ``d``."""
    qn = connection.ops.quote_name
    plan = statements.select(
        ("draft result",),
        DossierDocument,
        f"t.{qn('dossier_id')} = %s AND t.{qn('kind')} = %s",
        suffix=f"ORDER BY t.{qn('uploaded_at')} DESC LIMIT 1",
    )
    found = statements.fetch(plan, [d.pk, DocumentKind.DRAFT_RESULT.value])
    return found[0] if found else None


def dossier_approve(*, dossier: Dossier, user, note: str = "", version: int | None = None):
    """The leader approves the proposed result (it is signed in the back office)."""
    found: dict = {}

    def provided(d: Dossier) -> frozenset:
        found["draft"] = _draft_result(d)
        return frozenset({wf.Need.RESULT_FILE} if found["draft"] is not None else set())

    def apply(d: Dossier, at: dt.datetime) -> dict:
        draft = found["draft"]
        row = _advance(d, at, until_kind="return")
        row.update(document=draft.pk, sha256=draft.sha256, note=note)
        return row

    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=State.APPROVED,
        action=Action.APPROVE,
        version=version,
        provided=provided,
        apply=apply,
    )
    return dossier


def _finish(d: Dossier, at: dt.datetime) -> dict:
    """Processing ended: record the date national statistics compare with the appointment."""
    calendar = core.calendar_of(d)
    d.finished_at = at
    d.outcome = core.ledger_of(d).statistics_outcome(calendar, at)
    return {"finished_at": at, "outcome": d.outcome}


def dossier_reject(*, dossier: Dossier, user, reason: str, version: int | None = None):
    """Rejection on the merits, with reasons, within the time limit (art. 19)."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        return {**_advance(d, at, until_kind="return"), **_finish(d, at)}

    dossier, _ = core.transition_with_reason(
        dossier.pk,
        user=user,
        target=State.REJECTED,
        action=Action.REJECT,
        reason=reason,
        version=version,
        apply=apply,
    )
    return dossier


def dossier_send_back(*, dossier: Dossier, user, reason: str, version: int | None = None):
    """The leader sends the draft back for rework; the approval step keeps running."""
    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=State.PROCESSING,
        action=Action.SEND_BACK,
        version=version,
        apply=lambda d, at: {"reason": reason.strip()},
    )
    return dossier


def dossier_mark_result_ready(
    *,
    dossier: Dossier,
    user,
    result_file_name: str = "",
    result_content: bytes | None = None,
    version: int | None = None,
) -> Dossier:
    """The (signed) result is at the desk; processing has ended."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        payload = _finish(d, at)
        if result_content is not None:
            d.result_file.save(
                result_file_name or "ket-qua.pdf", ContentFile(result_content), save=False
            )
            payload["result_file"] = d.result_file.name
        else:
            draft = _draft_result(d)
            if draft is not None:
                d.result_file = draft.file.name
                payload["result_file"] = draft.file.name
        return payload

    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=State.RESULT_READY,
        action=Action.RESULT_READY,
        version=version,
        apply=apply,
    )
    return dossier


def dossier_apologize(
    *,
    dossier: Dossier,
    user,
    reason: str,
    new_due_at: dt.datetime,
    version: int | None = None,
) -> Dossier:
    """A written apology with the reason and a new appointment (Decree 61/2018 art. 19.9):
    at least one working day before the due date where possible, and only once."""
    reason = reason.strip()
    if not reason:
        raise Refused(
            "missing_requirement",
            "Phiếu xin lỗi phải nêu lý do.",
            "An apology must state the reason.",
            missing=["reason"],
        )
    if timezone.is_naive(new_due_at):
        new_due_at = timezone.make_aware(new_due_at)

    def apply(d: Dossier, at: dt.datetime) -> dict:
        if d.state in {State.DRAFT, State.SUBMITTED, *wf.TERMINAL}:
            raise Refused(
                "apology_not_applicable",
                "Hồ sơ này không cần phiếu xin lỗi.",
                "This dossier does not take an apology.",
                current=d.state,
            )
        if Apology.objects.filter(dossier=d).exists():
            raise Refused(
                "apology_already_issued",
                "Hồ sơ đã có phiếu xin lỗi; ngày hẹn chỉ được điều chỉnh một lần.",
                "An apology was already issued; the date may be reset only once.",
            )
        calendar = core.calendar_of(d)
        ledger = core.ledger_of(d)
        original = ledger.due(calendar) or d.due_at
        if original is not None and new_due_at <= original:
            raise Refused(
                "invalid_new_date",
                "Ngày hẹn mới phải sau ngày hẹn cũ.",
                "The new date must be after the original due date.",
            )
        # "At least one working day before the due date": 8 office hours or more left.
        in_time = original is not None and (
            calendar.working_seconds_between(at, original) >= calendar.office_hours.seconds_per_day
        )
        d.deadline = ledger.extend(new_due_at, reason).to_dict()
        d.due_at = new_due_at
        d.deadline_status = DeadlineStatus.ON_TRACK if new_due_at > at else d.deadline_status
        Apology.objects.create(
            dossier=d,
            reason=reason,
            original_due_at=original,
            new_due_at=new_due_at,
            issued_at=at,
            issued_by=user,
            issued_in_time=in_time,
        )
        return {
            "reason": reason,
            "original_due_at": original,
            "new_due_at": new_due_at,
            "issued_in_time": in_time,
        }

    dossier, event = core.transition(
        dossier.pk,
        user=user,
        target=None,
        action=Action.APOLOGIZE,
        version=version,
        apply=apply,
        roles=frozenset({wf.COUNTER, wf.SPECIALIST, wf.HEAD, wf.LEADER}),
    )
    after_commit_slip(event, SlipKind.APOLOGY)
    return dossier


def dossier_return(
    *, dossier: Dossier, user, method: str = "in_person", version: int | None = None
) -> Dossier:
    """Hand the result back. A late dossier needs its apology first (art. 19.9)."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        calendar = core.calendar_of(d)
        legal_due = core.legal_due_without_extension(d, calendar)
        ended = d.finished_at or at
        late = legal_due is not None and step_outcome(ended, legal_due) == Timeliness.LATE
        if late and not Apology.objects.filter(dossier=d).exists():
            raise Refused(
                "apology_required",
                "Hồ sơ đã quá hạn: phải lập phiếu xin lỗi và hẹn lại ngày trả kết quả "
                "trước khi trả kết quả.",
                "The dossier is late: issue the apology with a new date before returning it.",
                due_at=legal_due.isoformat(),
            )
        row = _advance(d, at)
        d.returned_at = at
        return {**row, "method": method, "late": late, "outcome": d.outcome}

    dossier, event = core.transition(
        dossier.pk,
        user=user,
        target=State.RETURNED,
        action=Action.RETURN,
        version=version,
        apply=apply,
    )
    after_commit_slip(event, SlipKind.CONTROL)
    return dossier


def dossier_stop(*, dossier: Dossier, user, reason: str, version: int | None = None) -> Dossier:
    """Stop processing (e.g. the applicant died or the matter became moot): ends the dossier."""
    dossier, _ = core.transition_with_reason(
        dossier.pk,
        user=user,
        target=State.STOPPED,
        action=Action.STOP,
        reason=reason,
        version=version,
        apply=core.close_open_steps,
    )
    return dossier
