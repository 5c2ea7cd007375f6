"""What every dossier service shares: locking, the role check, events, codes, ledgers."""

import dataclasses
import datetime as dt
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from motcua.calendar import DeadlineLedger, TimeLimit, WorkCalendar
from motcua.dossiers import chain
from motcua.dossiers import workflow as wf
from motcua.dossiers.errors import Conflict, Refused
from motcua.dossiers.models import Action, Dossier, DossierEvent, State
from motcua.dossiers.services import statements
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


# The catalogue rows the checks, the ledger and the event hooks read from a locked dossier
# (its time limit and supplement rule, the agencies named on slips and notifications),
# fetched in the lock's statement so that no transition reads them lazily one by one.
_LOCK_RELATED = ("procedure", "competent_agency", "receiving_agency")


def _locked_row(dossier_pk: int) -> Dossier:
    plan = statements.select(
        ("lock",),
        Dossier,
        f"t.{connection.ops.quote_name(Dossier._meta.pk.column)} = %s",
        related=_LOCK_RELATED,
        # Only the dossier row: the catalogue rows are read, never locked.
        suffix="FOR UPDATE OF t" if connection.features.has_select_for_update else "",
    )
    found = statements.fetch(plan, [dossier_pk])
    if not found:
        raise Dossier.DoesNotExist(f"Dossier {dossier_pk} does not exist.")
    return found[0]


def lock(dossier_pk: int, version: int | None) -> Dossier:
    """Lock the dossier row for this transaction.

    PostgreSQL: ``SELECT … FOR UPDATE`` makes a concurrent action wait for this one to
    commit. SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``, which
    serialises writers the same way. ``version`` is the event count the caller saw: if
    another action landed in between, this one is refused with a conflict instead of
    being applied to a dossier the caller has not seen.

    The procedure and the two agencies come in the same statement (see ``_LOCK_RELATED``);
    the row's values as loaded are kept so that ``append_event`` writes only what the
    transition changed.
    """
    dossier = _locked_row(dossier_pk)
    if version is not None and dossier.event_count != version:
        raise Conflict(
            "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thao tác lại.",
            "The dossier was changed by someone else; reload it and try again.",
            expected=version,
            actual=dossier.event_count,
        )
    dossier._motcua_loaded = snapshot(dossier)
    return dossier


# How each column's value is compared with the one loaded: JSON values by their text,
# since a transition may change them in place; a file by its name, since saving a new
# file changes the name of the same FieldFile object.
_JSON, _FILE, _PLAIN = "json", "file", "plain"
_TRACKED = tuple(
    (
        field.attname,
        _JSON
        if isinstance(field, models.JSONField)
        else _FILE
        if isinstance(field, models.FileField)
        else _PLAIN,
    )
    for field in Dossier._meta.concrete_fields
    if not field.primary_key and field.attname != "updated_at"
)


def _tracked_value(dossier: Dossier, attname: str, kind: str):
    value = dossier.__dict__.get(attname)
    if kind == _JSON:
        return json.dumps(value, cls=DjangoJSONEncoder)
    if kind == _FILE:
        return getattr(value, "name", value)
    return value


def snapshot(dossier: Dossier) -> dict:
    return {attname: _tracked_value(dossier, attname, kind) for attname, kind in _TRACKED}


def _changes(dossier: Dossier) -> list[str] | None:
    """The columns changed since ``lock`` read the row (and ``updated_at``, which moves
    with every event: the facts' partial rebuild selects dossiers by it), or None for a
    dossier that was not loaded by ``lock`` (or was saved since).

    The row is locked, so nothing else changed the other columns in between."""
    loaded = dossier.__dict__.pop("_motcua_loaded", None)
    if loaded is None:
        return None
    changed = [
        attname
        for attname, kind in _TRACKED
        if _tracked_value(dossier, attname, kind) != loaded[attname]
    ]
    return [*changed, "updated_at"]


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


# Functions called with (dossier, event) inside the transaction that appends an event, once
# the event row and the dossier row reflecting it are written. Apps that keep projections
# in step with the history register here from their AppConfig.ready (e.g. the indicator
# facts); dossiers imports none of them.
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
    """Append one event to the chain, advance the dossier's head and write both rows.

    The caller has already set the dossier's fields the event explains; the row is
    written with them (only the changed columns when ``lock`` read it), then the hooks run.
    """
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
    event = DossierEvent(
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
    changed = _changes(dossier)
    if changed is None:
        statements.flush_with_event(dossier)
        statements.insert(event)
        dossier.save()
    else:
        statements.insert_and_update(event, dossier, changed)
    for hook in EVENT_HOOKS:
        hook(dossier, event)
    return event


def transition(
    dossier_pk: int,
    *,
    user,
    target: State | Callable[[Dossier], State | None] | None,
    action: Action,
    version: int | None = None,
    provided: frozenset | Callable[[Dossier], frozenset] = frozenset(),
    apply: Callable[[Dossier, dt.datetime], dict | None] | None = None,
    roles: frozenset[str] | None = None,
) -> tuple[Dossier, DossierEvent]:
    """The one path through which a dossier changes: lock, check, apply, append (and save).

    ``target`` None records an action that keeps the state (assign, hand over,
    apology); the actor must then hold one of ``roles``. A service whose target or
    requirements depend on the dossier passes functions of the locked dossier for
    ``target`` / ``provided``: they are read under the lock, never before it, so a
    concurrent action cannot change them between the read and the check.
    """
    with transaction.atomic():
        dossier = lock(dossier_pk, version)
        if callable(target):
            target = target(dossier)
        if callable(provided):
            provided = provided(dossier)
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
