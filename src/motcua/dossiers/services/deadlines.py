"""Deadline upkeep: the at-risk / late flags, and moving due dates after a calendar change.

Flags are computed in bulk per province with the calendar's numpy path: a query per
province and status, never a loop of queries over dossiers (STYLE.md 10).
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.models import (
    OPEN_STATES,
    Action,
    DeadlineStatus,
    Dossier,
    DossierStep,
)
from motcua.dossiers.services import core
from motcua.workdays.services import calendar_for

CHUNK = 20_000


def _utc64(values) -> np.ndarray:
    return np.array(
        [v.astimezone(dt.UTC).replace(tzinfo=None) for v in values], dtype="datetime64[s]"
    )


def _classify(calendar, starts, dues, now: dt.datetime, share: float) -> np.ndarray:
    """0 on track, 1 at risk, 2 late, for arrays of clock starts and due moments."""
    start = _utc64(starts)
    due = _utc64(dues)
    current = np.full(start.shape, np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s"))
    total = calendar.working_seconds_between_bulk(start, due)
    used = calendar.working_seconds_between_bulk(start, current)
    status = np.zeros(start.shape, dtype=np.int8)
    with np.errstate(divide="ignore", invalid="ignore"):
        risky = (total > 0) & (used >= share * total)
    status[risky] = 1
    status[due < current] = 2
    return status


_STATUS = (DeadlineStatus.ON_TRACK, DeadlineStatus.AT_RISK, DeadlineStatus.LATE)


@dataclass
class FlagReport:
    dossiers: dict[str, int] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)


def _flag(model, queryset, start_field: str, province_field: str, now, share, counts) -> None:
    provinces = queryset.values_list(province_field, flat=True).distinct().order_by()
    for province_id in provinces:
        calendar = calendar_for(province_id)
        rows = queryset.filter(**{province_field: province_id}).values_list(
            "pk", start_field, "due_at", "deadline_status"
        )
        last = 0
        while True:
            chunk = list(rows.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not chunk:
                break
            last = chunk[-1][0]
            ids = np.array([r[0] for r in chunk])
            status = _classify(calendar, [r[1] for r in chunk], [r[2] for r in chunk], now, share)
            old = np.array([_STATUS.index(r[3]) for r in chunk], dtype=np.int8)
            for code, name in enumerate(_STATUS):
                changed = ids[(status == code) & (old != code)].tolist()
                if changed:
                    model.objects.filter(pk__in=changed).update(deadline_status=name)
                    counts[name] = counts.get(name, 0) + len(changed)


def deadlines_flag(*, now: dt.datetime | None = None) -> FlagReport:
    """Flag open dossiers and open steps as on track, at risk or late."""
    now = now or timezone.now()
    share = settings.MOTCUA_AT_RISK_SHARE
    report = FlagReport()
    dossiers = Dossier.objects.filter(
        state__in=OPEN_STATES, due_at__isnull=False, clock_started_at__isnull=False
    )
    _flag(
        Dossier, dossiers, "clock_started_at", "competent_province_id", now, share, report.dossiers
    )
    steps = DossierStep.objects.filter(
        finished_at__isnull=True,
        started_at__isnull=False,
        due_at__isnull=False,
        dossier__state__in=OPEN_STATES,
    )
    _flag(
        DossierStep, steps, "started_at", "dossier__competent_province_id", now, share, report.steps
    )
    return report


@dataclass(frozen=True)
class Move:
    code: str
    old_due: dt.datetime
    new_due: dt.datetime


def deadlines_recompute(*, since: dt.date | None = None, user=None) -> list[Move]:
    """Recompute open dossiers' due dates with today's calendar and record every move.

    Stored due dates never move by themselves when the calendar changes (an added day
    off must not silently change what a citizen was promised); this is the explicit,
    audited step that moves them, one event per moved dossier.
    """
    moves: list[Move] = []
    candidates = Dossier.objects.filter(
        state__in=OPEN_STATES, due_at__isnull=False, deadline__isnull=False
    )
    if since is not None:
        candidates = candidates.filter(due_at__date__gte=since)
    for pk in candidates.values_list("pk", flat=True).order_by("pk").iterator():
        with transaction.atomic():
            dossier = core.lock(pk, None)
            if dossier.state not in OPEN_STATES or dossier.due_at is None:
                continue
            calendar = calendar_for(dossier.competent_province_id)
            ledger = core.ledger_of(dossier)
            if ledger.extension is not None:
                continue  # a date promised in an apology is not recomputed
            new_due = ledger.due(calendar)
            if new_due is None or new_due == dossier.due_at:
                continue
            old_due = dossier.due_at
            dossier.due_at = new_due
            dossier.deadline = ledger.recorded_with(calendar).to_dict()
            core.append_event(
                dossier,
                action=Action.DEADLINE_MOVED,
                user=user,
                from_state=dossier.state,
                to_state=dossier.state,
                at=core.now(),
                payload={
                    "old_due_at": old_due,
                    "new_due_at": new_due,
                    "old_calendar": ledger.calendar_version,
                    "new_calendar": calendar.version,
                },
            )
            moves.append(Move(dossier.code, old_due, new_due))
    return moves
