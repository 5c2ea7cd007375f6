"""What every dossier service shares: locking, the role check, events, codes, ledgers."""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from motcua.calendar import DeadlineLedger, TimeLimit, WorkCalendar
from motcua.dossiers import chain
from motcua.dossiers import workflow as wf
from motcua.dossiers.errors import Conflict, Refused
from motcua.dossiers.models import Action, Dossier, DossierEvent, State
from motcua.units.models import Level, RoleAssignment
from motcua.workdays.services import calendar_for

STATE_LABELS_VI = {
    "draft": "nháp",
    "submitted": "đã nộp",
    "received": "đã tiếp nhận",
    "supplement_requested": "chờ bổ sung",
    "refused": "từ chối tiếp nhận",
    "processing": "đang xử lý",
    "consulting": "đang lấy ý kiến",
    "transferred": "đã chuyển liên thông",
    "awaiting_approval": "chờ phê duyệt",
    "approved": "đã phê duyệt",
    "rejected": "không giải quyết",
    "result_ready": "đã có kết quả",
    "returned": "đã trả kết quả",
    "withdrawn": "đã rút",
    "stopped": "dừng xử lý",
}


def now() -> dt.datetime:
    return timezone.now()


def _assignments(user) -> list:
    """The user's role assignments, read once per user object (i.e. once per request)."""
    cached = getattr(user, "_motcua_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        user._motcua_role_assignments = cached
    return cached


def roles_for(user, dossier: Dossier) -> frozenset[str]:
    """The roles ``user`` holds over ``dossier``: unit roles in a unit that receives or
    decides it, or that is being asked about it right now (a provincial role covers the
    province's communes), and ``applicant`` for the citizen who owns it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    roles: set[str] = set()
    if dossier.owner_id is not None and dossier.owner_id == user.pk:
        roles.add(wf.APPLICANT)
    if user.is_superuser:
        roles.update({wf.COUNTER, wf.SPECIALIST, wf.HEAD, wf.LEADER})
        return frozenset(roles)
    assignments = _assignments(user)
    if not assignments:
        return frozenset(roles)
    units = {dossier.unit_id, dossier.competent_unit_id}
    provinces = {dossier.province_id, dossier.competent_province_id}
    if dossier.state in {State.CONSULTING, State.TRANSFERRED}:
        # The agency asked for an opinion or a part of the work acts on the dossier only
        # while its answer is awaited.
        for request in dossier.requests.filter(answered_at__isnull=True).select_related(
            "to_agency__unit"
        ):
            units.add(request.to_agency.unit_id)
            provinces.add(request.to_agency.unit.province_id)
    for assignment in assignments:
        unit = assignment.unit
        if unit.pk in units or (unit.level == Level.PROVINCE and unit.pk in provinces):
            roles.add(assignment.role)
    return frozenset(roles)


def refuse_move(error: Exception, dossier: Dossier) -> Refused:
    """Turn a workflow exception into the bilingual error the callers show."""
    current = dossier.state
    current_vi = STATE_LABELS_VI.get(current, current)
    if isinstance(error, wf.IllegalMove):
        allowed = [str(s) for s in error.allowed]
        allowed_vi = ", ".join(STATE_LABELS_VI[s] for s in allowed) or "không còn bước nào"
        return Refused(
            "illegal_move",
            f"Hồ sơ đang ở trạng thái “{current_vi}”, không thể chuyển sang "
            f"“{STATE_LABELS_VI.get(error.target, error.target)}”. Có thể chuyển sang: "
            f"{allowed_vi}.",
            str(error),
            current=current,
            target=str(error.target),
            allowed=allowed,
        )
    if isinstance(error, wf.RoleNotAllowed):
        return Refused(
            "role_not_allowed",
            "Vai trò của bạn không được thực hiện thao tác này với hồ sơ.",
            str(error),
            current=current,
            target=str(error.target),
        )
    if isinstance(error, wf.MissingRequirement):
        missing = sorted(str(n) for n in error.missing)
        return Refused(
            "missing_requirement",
            f"Thiếu thông tin bắt buộc: {', '.join(_NEED_VI[n] for n in missing)}.",
            str(error),
            current=current,
            missing=missing,
        )
    raise error


_NEED_VI = {
    "reason": "lý do",
    "result_file": "tệp kết quả",
    "target_agency": "cơ quan nhận",
    "items": "nội dung cần bổ sung",
}


def lock(dossier_pk: int, version: int | None) -> Dossier:
    """Lock the dossier row for this transaction.

    PostgreSQL: ``SELECT … FOR UPDATE`` makes a concurrent action wait for this one to
    commit. SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``, which
    serialises writers the same way. ``version`` is the event count the caller saw: if
    another action landed in between, this one is refused with a conflict instead of
    being applied to a dossier the caller has not seen.
    """
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "competent_agency", "receiving_agency")
        .get(pk=dossier_pk)
    )
    if version is not None and dossier.event_count != version:
        raise Conflict(
            "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thao tác lại.",
            "The dossier was changed by someone else; reload it and try again.",
            expected=version,
            actual=dossier.event_count,
        )
    return dossier


def json_safe(value):
    if isinstance(value, dt.datetime):
        return chain.utc_iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


# Functions called with (dossier, event) inside the transaction that appends an event, after
# the dossier's fields reflect it (the row itself is saved by the caller right after). Apps
# that keep projections in step with the history register here from their AppConfig.ready
# (e.g. the indicator facts); dossiers imports none of them.
EVENT_HOOKS: list = []


def register_event_hook(function) -> None:
    if function not in EVENT_HOOKS:
        EVENT_HOOKS.append(function)


def append_event(
    dossier: Dossier,
    *,
    action: Action,
    user,
    from_state: str,
    to_state: str,
    at: dt.datetime,
    payload: dict | None = None,
) -> DossierEvent:
    """Append one event to the chain and advance the dossier's head (saved by the caller)."""
    payload = json_safe(payload or {})
    actor_id = user.pk if user is not None and user.is_authenticated else None
    agency = getattr(user, "agency", None) if actor_id else None
    unit_id = agency.unit_id if agency is not None else dossier.unit_id
    seq = dossier.event_count + 1
    prev = dossier.chain_head or chain.genesis(dossier.pk)
    # The hash covers the value as the database will give it back: microseconds kept.
    digest = chain.event_hash(
        prev_hash=prev,
        dossier_id=dossier.pk,
        seq=seq,
        at=at,
        actor_id=actor_id,
        unit_id=unit_id,
        action=str(action),
        from_state=from_state,
        to_state=to_state,
        payload=payload,
    )
    event = DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_name=(user.get_full_name() or user.get_username()) if actor_id else "",
        unit_id=unit_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        payload=payload,
        prev_hash=prev,
        hash=digest,
    )
    dossier.chain_head = digest
    dossier.event_count = seq
    for hook in EVENT_HOOKS:
        hook(dossier, event)
    return event


def transition(
    dossier_pk: int,
    *,
    user,
    target: State | None,
    action: Action,
    version: int | None = None,
    provided: frozenset = frozenset(),
    apply: Callable[[Dossier, dt.datetime], dict | None] | None = None,
    roles: frozenset[str] | None = None,
) -> tuple[Dossier, DossierEvent]:
    """The one path through which a dossier changes: lock, check, apply, append, save.

    ``target`` None records an action that keeps the state (assign, hand over,
    apology); the actor must then hold one of ``roles``.
    """
    with transaction.atomic():
        dossier = lock(dossier_pk, version)
        held = roles_for(user, dossier)
        current = wf.State(dossier.state)
        if target is not None:
            try:
                wf.check_move(
                    current,
                    wf.State(target),
                    roles=held,
                    provided=frozenset(provided),
                    received=dossier.received_at is not None,
                )
            except (wf.IllegalMove, wf.RoleNotAllowed, wf.MissingRequirement) as error:
                raise refuse_move(error, dossier) from None
        elif roles is not None and not held & roles:
            raise refuse_move(wf.RoleNotAllowed(current, held), dossier)
        at = now()
        payload = apply(dossier, at) if apply is not None else None
        from_state = dossier.state
        if target is not None:
            dossier.state = target
        event = append_event(
            dossier,
            action=action,
            user=user,
            from_state=from_state,
            to_state=dossier.state,
            at=at,
            payload=payload,
        )
        dossier.save()
    return dossier, event


def transition_with_reason(
    dossier_pk: int,
    *,
    user,
    target: State,
    action: Action,
    reason: str,
    version: int | None = None,
    apply: Callable[[Dossier, dt.datetime], dict | None] | None = None,
) -> tuple[Dossier, DossierEvent]:
    """A transition whose target needs a reason (refusal, rejection, withdrawal, stop…):
    a blank reason is refused as missing, and the reason goes into the event."""
    reason = reason.strip()

    def with_reason(d: Dossier, at: dt.datetime) -> dict:
        payload = (apply(d, at) if apply is not None else None) or {}
        payload["reason"] = reason
        return payload

    return transition(
        dossier_pk,
        user=user,
        target=target,
        action=action,
        version=version,
        provided=frozenset({wf.Need.REASON} if reason else set()),
        apply=with_reason,
    )


def close_open_steps(dossier: Dossier, at: dt.datetime) -> None:
    """A dossier that ends early (withdrawn, stopped) leaves no step running."""
    dossier.steps.filter(finished_at__isnull=True, started_at__isnull=False).update(finished_at=at)


def issue_code(agency, at: dt.datetime) -> str:
    """The next code of ``agency`` for the local day of ``at``.

    One statement increments the day's counter (insert or update) and returns it; the
    row stays locked until the surrounding transaction commits, so concurrent
    submissions get consecutive numbers, and a rolled-back submission gives its number
    back to nobody else's dossier (none was issued with it).
    """
    day = timezone.localdate(at)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO dossiers_dossiercodecounter (agency_id, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (agency_id, day) DO UPDATE "
            "SET last = dossiers_dossiercodecounter.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (sequence,) = cursor.fetchone()
    return f"{agency.identifier}-{day:%y%m%d}-{sequence:04d}"


def calendar_of(dossier: Dossier) -> WorkCalendar:
    # The competent agency's province sets the office hours the deadline is counted in.
    return calendar_for(dossier.competent_province_id)


def ledger_of(dossier: Dossier) -> DeadlineLedger:
    return DeadlineLedger.from_dict(dossier.deadline)


def legal_due_without_extension(dossier: Dossier, calendar: WorkCalendar) -> dt.datetime | None:
    ledger = dataclasses.replace(ledger_of(dossier), extension=None)
    return ledger.due(calendar)


def limit_of(procedure) -> TimeLimit:
    return TimeLimit(procedure.limit_kind, procedure.limit_amount)
