"""Intake: submission, receipt, supplement requests, refusal, withdrawal
(Decree 61/2018 art. 15–17; Decree 118/2025)."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from motcua.calendar import DeadlineLedger
from motcua.catalog.models import Process, ProcessStep
from motcua.catalog.text import normalize_vietnamese
from motcua.dossiers import workflow as wf
from motcua.dossiers.errors import Refused
from motcua.dossiers.models import (
    Action,
    ApplicantKind,
    Channel,
    Dossier,
    DossierStep,
    SlipKind,
    State,
)
from motcua.dossiers.services import core, statements
from motcua.dossiers.services.slips import after_commit_slip
from motcua.units.models import Agency

# Channels an applicant's own submission can come through, and who may use each.
_CHANNEL_ROLES = {
    Channel.ONLINE: {wf.APPLICANT},
    Channel.ASSISTED: {wf.HELPER},
    Channel.COUNTER: {wf.COUNTER},
    Channel.POSTAL: {wf.COUNTER},
}


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: ApplicantKind = ApplicantKind.PERSON
    commune_id: int | None = None


def _competent_agency(procedure, receiving: Agency, given: Agency | None) -> Agency:
    if given is not None:
        return given
    # The agency of the first process the catalogue gives this procedure in the receiving
    # agency's province (as ``Process``'s ordering), in one compiled statement.
    plan = statements.select(
        ("competent agency",),
        Agency,
        "t.id = (SELECT p.agency_id FROM catalog_process p "
        "INNER JOIN units_agency a ON a.id = p.agency_id "
        "INNER JOIN units_unit u ON u.id = a.unit_id "
        "WHERE p.procedure_id = %s AND u.province_id = %s "
        "ORDER BY p.procedure_id, p.id LIMIT 1)",
    )
    found = statements.fetch(plan, [procedure.pk, receiving.unit.province_id])
    return found[0] if found else receiving


def _check_applicant(applicant: Applicant) -> None:
    if not applicant.name.strip():
        raise Refused(
            "invalid_applicant",
            "Thiếu họ tên người nộp hồ sơ.",
            "The applicant's name is missing.",
        )
    if applicant.id_number and not applicant.id_number.isdigit():
        raise Refused(
            "invalid_applicant",
            "Số định danh cá nhân chỉ gồm chữ số.",
            "The ID number must contain digits only.",
        )


def dossier_submit(
    *,
    procedure,
    receiving_agency: Agency,
    applicant: Applicant,
    channel: Channel,
    user,
    competent_agency: Agency | None = None,
    owner=None,
    form_data: dict | None = None,
    idempotency_key: str | None = None,
    fee_paid_online: bool = False,
    assurance_level: str = "",
) -> Dossier:
    """Create a dossier and submit it; the code is issued now.

    A retried call with the same ``idempotency_key`` returns the dossier the first call
    created instead of a second one.
    """
    if idempotency_key:
        existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_submitter(existing, user)
    if not procedure.is_active:
        raise Refused(
            "procedure_inactive",
            "Thủ tục này hiện không tiếp nhận hồ sơ.",
            "This procedure does not accept dossiers now.",
        )
    _check_applicant(applicant)
    competent = _competent_agency(procedure, receiving_agency, competent_agency)
    try:
        with transaction.atomic():
            # Checked before anything is written: the roles depend only on the units the
            # dossier names and on its owner.
            dossier = Dossier(
                procedure=procedure,
                receiving_agency=receiving_agency,
                unit_id=receiving_agency.unit_id,
                province_id=receiving_agency.unit.province_id,
                competent_agency=competent,
                competent_unit_id=competent.unit_id,
                competent_province_id=competent.unit.province_id,
                applicant_kind=applicant.kind,
                applicant_name=applicant.name.strip(),
                applicant_id_number=applicant.id_number.strip(),
                applicant_phone=applicant.phone.strip(),
                applicant_email=applicant.email.strip(),
                applicant_address=applicant.address.strip(),
                applicant_commune_id=applicant.commune_id,
                applicant_search=normalize_vietnamese(applicant.name),
                owner=owner,
                submitted_by=user if getattr(user, "is_authenticated", False) else None,
                channel=channel,
                assurance_level=assurance_level,
                form_data=form_data or {},
                idempotency_key=idempotency_key or None,
                fee_vnd=procedure.fee_vnd,
                fee_paid_online=fee_paid_online,
            )
            held = core.roles_for(user, dossier) & _CHANNEL_ROLES[Channel(channel)]
            try:
                wf.check_move(
                    wf.State.DRAFT,
                    wf.State.SUBMITTED,
                    roles=frozenset(held),
                    provided=frozenset(),
                    received=False,
                )
            except wf.RoleNotAllowed as error:
                raise core.refuse_move(error, dossier) from None
            at = core.now()
            dossier.code = core.issue_code(receiving_agency, at)
            dossier.submitted_at = at
            dossier.state = State.SUBMITTED
            # The row is inserted submitted, with its code; the event needs its id, and
            # the chain's head follows the event (written with it).
            statements.insert(dossier)
            dossier._motcua_loaded = core.snapshot(dossier)
            core.append_event(
                dossier,
                action=Action.SUBMIT,
                user=user,
                from_state=State.DRAFT,
                to_state=State.SUBMITTED,
                at=at,
                payload={
                    "code": dossier.code,
                    "channel": str(channel),
                    "assurance_level": assurance_level,
                },
            )
    except IntegrityError:
        # Two retries of one submission raced: the other one created the dossier.
        if idempotency_key:
            existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_submitter(existing, user)
        raise
    return dossier


def _same_submitter(existing: Dossier, user) -> Dossier:
    if existing.submitted_by_id not in (None, getattr(user, "pk", None)):
        raise Refused(
            "idempotency_key_reused",
            "Mã chống trùng lặp này đã được dùng cho một hồ sơ khác.",
            "This idempotency key was already used for another dossier.",
        )
    return existing


def _process_steps(dossier: Dossier) -> list[ProcessStep]:
    """The steps, in order, of the process the competent agency follows for the dossier's
    procedure (its own, else the template): one statement. When it finds none, the
    catalogue's own look-up says why (no process at all, or one without steps)."""
    plan = statements.select(
        ("process steps",),
        ProcessStep,
        "t.process_id = (SELECT p.id FROM catalog_process p WHERE p.procedure_id = %s "
        "AND (p.agency_id = %s OR p.agency_id IS NULL) "
        "ORDER BY p.agency_id IS NULL, p.id LIMIT 1)",
        suffix='ORDER BY t."order"',
    )
    steps = statements.fetch(plan, [dossier.procedure_id, dossier.competent_agency_id])
    if not steps:
        process = Process.objects.for_procedure(dossier.procedure, dossier.competent_agency)
        steps = list(process.steps.all())
    return steps


def _plan_steps(dossier: Dossier, calendar, start: dt.datetime, user) -> None:
    """Create the dossier's steps from its process, each due after its budget."""
    steps = _process_steps(dossier)
    legal_due = dossier.due_at
    cursor = calendar.clock_start(start)
    rows = []
    for position, step in enumerate(steps):
        budget = int(step.budget_hours * 3600)
        due = calendar.add_working_seconds(cursor, budget)
        if legal_due is not None and due > legal_due:
            due = legal_due
        agency_id = step.agency_id or (
            dossier.receiving_agency_id
            if step.kind in {"receive", "return"}
            else dossier.competent_agency_id
        )
        rows.append(
            DossierStep(
                dossier=dossier,
                order=position + 1,
                kind=step.kind,
                role=step.role,
                agency_id=agency_id,
                budget_seconds=budget,
                due_at=due,
                started_at=start if position == 0 else None,
            )
        )
        cursor = due
    if rows:
        first = rows[0]
        first.finished_at = start
        first.assignee = user
        first.outcome = "on_time" if start <= first.due_at else "late"
        if len(rows) > 1:
            rows[1].started_at = start
        statements.insert(*rows)


def dossier_receive(*, dossier: Dossier, user, version: int | None = None) -> Dossier:
    """Receive a complete dossier: the clock starts, the ledger and the steps are made,
    and the receipt with the appointment is printed (Decree 61/2018 art. 16)."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        calendar = core.calendar_of(d)
        ledger = DeadlineLedger.open(
            calendar,
            start=at,
            limit=core.limit_of(d.procedure),
            supplement_rule=d.procedure.supplement_rule,
        )
        d.received_at = at
        d.clock_started_at = at
        d.due_at = ledger.due(calendar)
        d.deadline = ledger.to_dict()
        _plan_steps(d, calendar, at, user)
        return {
            "due_at": d.due_at,
            "calendar_version": calendar.version,
            "limit": str(ledger.limit),
            "rule": ledger.rule,
        }

    dossier, event = core.transition(
        dossier.pk,
        user=user,
        target=State.RECEIVED,
        action=Action.RECEIVE,
        version=version,
        apply=apply,
    )
    after_commit_slip(event, SlipKind.RECEIPT)
    return dossier


def dossier_request_supplement(
    *, dossier: Dossier, user, items: list[dict], guidance: str = "", version: int | None = None
) -> Dossier:
    """Ask for one complete list of supplements, in writing (Decree 61/2018 art. 15.2).

    After receipt the ledger records the request; the legal limit restarts from zero when
    the complete dossier is back (art. 19.4) unless the procedure pauses instead.
    """
    items = [
        {"name": str(i.get("name", "")).strip(), "reason": str(i.get("reason", "")).strip()}
        for i in items
        if str(i.get("name", "")).strip()
    ]

    def apply(d: Dossier, at: dt.datetime) -> dict:
        if d.received_at is not None:
            d.deadline = core.ledger_of(d).request_supplement(at).to_dict()
            d.due_at = None
        return {"items": items, "guidance": guidance}

    dossier, event = core.transition(
        dossier.pk,
        user=user,
        target=State.SUPPLEMENT_REQUESTED,
        action=Action.REQUEST_SUPPLEMENT,
        version=version,
        provided=frozenset({wf.Need.ITEMS} if items else set()),
        apply=apply,
    )
    after_commit_slip(event, SlipKind.SUPPLEMENT)
    return dossier


def dossier_complete_supplement(
    *, dossier: Dossier, user, note: str = "", version: int | None = None
) -> Dossier:
    """The applicant brought the missing papers: before receipt the dossier is submitted
    again; after receipt processing resumes and the due date is recomputed."""

    def apply(d: Dossier, at: dt.datetime) -> dict:
        if d.received_at is None:
            return {"note": note}
        calendar = core.calendar_of(d)
        ledger = core.ledger_of(d).complete_supplement(at)
        if ledger.supplement_rule == "restart":
            d.clock_started_at = at
        d.deadline = ledger.to_dict()
        d.due_at = ledger.due(calendar)
        _replan_open_steps(d, calendar, at)
        return {"note": note, "due_at": d.due_at, "supplements": ledger.supplement_count}

    # The applicant (online), a helper or the counter may hand in the supplement.
    dossier, _ = core.transition(
        dossier.pk,
        user=user,
        target=lambda d: State.PROCESSING if d.received_at is not None else State.SUBMITTED,
        action=Action.COMPLETE_SUPPLEMENT,
        version=version,
        apply=apply,
    )
    return dossier


def _replan_open_steps(dossier: Dossier, calendar, at: dt.datetime) -> None:
    cursor = calendar.clock_start(at)
    for step in dossier.steps.filter(finished_at__isnull=True).order_by("order"):
        due = calendar.add_working_seconds(cursor, step.budget_seconds)
        if dossier.due_at is not None and due > dossier.due_at:
            due = dossier.due_at
        step.due_at = due
        step.save(update_fields=["due_at"])
        cursor = due


def dossier_refuse(*, dossier: Dossier, user, reason: str, version: int | None = None) -> Dossier:
    """Refuse to receive a dossier that is not eligible, with reasons (art. 16)."""
    dossier, event = core.transition_with_reason(
        dossier.pk,
        user=user,
        target=State.REFUSED,
        action=Action.REFUSE,
        reason=reason,
        version=version,
    )
    after_commit_slip(event, SlipKind.REFUSAL)
    return dossier


def dossier_withdraw(*, dossier: Dossier, user, reason: str, version: int | None = None) -> Dossier:
    """Withdrawal at the applicant's request ends the dossier and its clock."""
    dossier, _ = core.transition_with_reason(
        dossier.pk,
        user=user,
        target=State.WITHDRAWN,
        action=Action.WITHDRAW,
        reason=reason,
        version=version,
        apply=core.close_open_steps,
    )
    return dossier
