"""A dossier's deadline as a ledger of events, not a bare date.

The due date of a dossier depends on what happened to it: supplement requests (the clock
restarts, Decree 61/2018 art. 19.4, or is paused, as national statistics count it under
Decision 766/QD-TTg), and at most one new appointment after an apology (art. 19.9). The
ledger keeps those events; every figure (legal due, statistical due, waiting time) is
computed from it with a ``WorkCalendar``. Ledgers are immutable: each event returns a new
one, which the Django side stores in a JSONField (``to_dict``/``from_dict``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from motcua.calendar.errors import ExtensionAlreadyUsed, InvalidLimit, LedgerError
from motcua.calendar.limits import LimitKind, TimeLimit
from motcua.calendar.work import WorkCalendar

__all__ = [
    "DECREE_61_2018",
    "DECREE_118_2025",
    "DeadlineLedger",
    "Extension",
    "Supplement",
    "SupplementRule",
    "Timeliness",
    "legal_rule_for",
]

DECREE_61_2018 = "decree-61-2018"
DECREE_118_2025 = "decree-118-2025"
# Decree 118/2025/ND-CP replaces Decree 61/2018 from 1 July 2025; a dossier is handled
# under the rule in force when it was received (RULES.md, Legal stack).
_DECREE_118_FROM = dt.datetime(2025, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))

# Decree 61/2018 (RULES.md, Dossier lifecycle): a supplement request is due within
# 3 working days of receipt.
_SUPPLEMENT_REQUEST_LIMIT = TimeLimit(LimitKind.WORKING_DAYS, 3)

_SCHEMA = 1


def legal_rule_for(received: dt.datetime) -> str:
    """The rule in force for a dossier received at ``received``."""
    _require_aware(received, "received")
    return DECREE_118_2025 if received >= _DECREE_118_FROM else DECREE_61_2018


class SupplementRule(StrEnum):
    # Decree 61/2018 art. 19.4: the time limit restarts from zero once the complete
    # dossier is back.
    RESTART = "restart"
    # The clock stops while the applicant supplements and resumes with the time left.
    PAUSE = "pause"


class Timeliness(StrEnum):
    """National statistics' outcome (RULES.md, Deadlines): the date processing ended
    compared with the appointment date."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class Supplement:
    requested_at: dt.datetime
    completed_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Extension:
    """A new appointment given with an apology (Decree 61/2018 art. 19.9)."""

    new_due: dt.datetime
    reason: str


@dataclass(frozen=True)
class DeadlineLedger:
    rule: str
    calendar_version: str
    start: dt.datetime
    limit: TimeLimit
    supplement_rule: SupplementRule = SupplementRule.RESTART
    supplements: tuple[Supplement, ...] = ()
    extension: Extension | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.rule, str) or not self.rule:
            raise LedgerError("A ledger needs the name of its legal rule.")
        if not isinstance(self.calendar_version, str):
            raise LedgerError("calendar_version must be a string (WorkCalendar.version).")
        _require_aware(self.start, "start")
        if not isinstance(self.limit, TimeLimit):
            raise LedgerError(f"limit must be a TimeLimit, got {self.limit!r}.")
        try:
            object.__setattr__(self, "supplement_rule", SupplementRule(self.supplement_rule))
        except ValueError:
            raise LedgerError(f"Unknown supplement rule {self.supplement_rule!r}.") from None
        object.__setattr__(self, "supplements", tuple(self.supplements))
        self._check_supplements()
        if self.extension is not None:
            _require_aware(self.extension.new_due, "extension.new_due")
            if not self.extension.reason.strip():
                raise LedgerError("An extension needs the reason given in the apology.")

    def _check_supplements(self) -> None:
        previous_end = self.start
        for position, item in enumerate(self.supplements, start=1):
            _require_aware(item.requested_at, "supplement requested_at")
            if item.requested_at < previous_end:
                raise LedgerError(
                    f"Supplement {position} is requested at {item.requested_at.isoformat()}, "
                    f"before {previous_end.isoformat()} (the start or the previous completion)."
                )
            if item.completed_at is None:
                if position != len(self.supplements):
                    raise LedgerError(
                        f"Supplement {position} is still outstanding; a new request cannot "
                        "follow it."
                    )
                continue
            _require_aware(item.completed_at, "supplement completed_at")
            if item.completed_at < item.requested_at:
                raise LedgerError(
                    f"Supplement {position} is completed at {item.completed_at.isoformat()}, "
                    f"before it was requested at {item.requested_at.isoformat()}."
                )
            previous_end = item.completed_at

    @classmethod
    def open(
        cls,
        calendar: WorkCalendar,
        *,
        start: dt.datetime,
        limit: TimeLimit,
        rule: str | None = None,
        supplement_rule: SupplementRule = SupplementRule.RESTART,
    ) -> DeadlineLedger:
        """A new ledger for a dossier received at ``start``, recording the calendar used."""
        return cls(
            rule=rule if rule is not None else legal_rule_for(start),
            calendar_version=calendar.version,
            start=start,
            limit=limit,
            supplement_rule=supplement_rule,
        )

    # -- events (each returns a new ledger) ---------------------------------------------------

    def request_supplement(self, at: dt.datetime) -> DeadlineLedger:
        if self.outstanding_supplement is not None:
            raise LedgerError(
                "A supplement is already outstanding; complete it before requesting another."
            )
        return dataclasses.replace(self, supplements=(*self.supplements, Supplement(at)))

    def complete_supplement(self, at: dt.datetime) -> DeadlineLedger:
        outstanding = self.outstanding_supplement
        if outstanding is None:
            raise LedgerError("No supplement is outstanding.")
        done = dataclasses.replace(outstanding, completed_at=at)
        return dataclasses.replace(self, supplements=(*self.supplements[:-1], done))

    def extend(self, new_due: dt.datetime, reason: str) -> DeadlineLedger:
        # Decree 61/2018 art. 19.9: the appointment may be reset only once.
        if self.extension is not None:
            raise ExtensionAlreadyUsed(
                "The appointment was already reset once on "
                f"{self.extension.new_due.isoformat()}; Decree 61/2018 art. 19.9 allows one "
                "new appointment only."
            )
        return dataclasses.replace(self, extension=Extension(new_due, reason))

    def recorded_with(self, calendar: WorkCalendar) -> DeadlineLedger:
        """The same ledger, stating that its figures are now computed with ``calendar``."""
        return dataclasses.replace(self, calendar_version=calendar.version)

    # -- facts -------------------------------------------------------------------------------

    @property
    def outstanding_supplement(self) -> Supplement | None:
        if self.supplements and self.supplements[-1].completed_at is None:
            return self.supplements[-1]
        return None

    @property
    def supplement_count(self) -> int:
        return len(self.supplements)

    def original_due(self, calendar: WorkCalendar) -> dt.datetime:
        """The due moment from the receipt, before any event."""
        return calendar.due(self.start, self.limit)

    def supplement_request_deadline(self, calendar: WorkCalendar) -> dt.datetime:
        """Latest moment to ask for a supplement: 3 working days after receipt."""
        return calendar.due(self.start, _SUPPLEMENT_REQUEST_LIMIT)

    def due(self, calendar: WorkCalendar) -> dt.datetime | None:
        """The legal due moment; ``None`` while the applicant owes a supplement."""
        if self.outstanding_supplement is not None:
            return None
        if self.extension is not None:
            return self.extension.new_due
        if not self.supplements:
            return self.original_due(calendar)
        if self.supplement_rule is SupplementRule.RESTART:
            last = self.supplements[-1].completed_at
            return None if last is None else calendar.due(last, self.limit)
        return _shift(calendar, self.original_due(calendar), self.waiting_seconds(calendar))

    def waiting_seconds(self, calendar: WorkCalendar, now: dt.datetime | None = None) -> int:
        """Office-time seconds spent waiting for supplements; an outstanding one counts up
        to ``now`` when given, else not at all."""
        total = 0
        for item in self.supplements:
            end = item.completed_at if item.completed_at is not None else now
            if end is not None and end > item.requested_at:
                total += calendar.working_seconds_between(item.requested_at, end)
        return total

    def statistical_due(
        self, calendar: WorkCalendar, now: dt.datetime | None = None
    ) -> dt.datetime | None:
        """The due moment national statistics use (Decision 766/QD-TTg): the original due
        shifted by the office time spent waiting for supplements, whatever the legal
        supplement rule; the apology's new appointment does not move it.

        ``None`` while a supplement is outstanding, unless ``now`` is given (the wait then
        counts up to ``now``).
        """
        if self.outstanding_supplement is not None and now is None:
            return None
        return _shift(calendar, self.original_due(calendar), self.waiting_seconds(calendar, now))

    def statistics_outcome(self, calendar: WorkCalendar, finished_at: dt.datetime) -> Timeliness:
        """Early, on time or late for Decision 766: the local date processing ended (or
        today's, for a dossier still in progress) against the statistical due date. More
        than one supplement request counts as late whatever the dates."""
        if self.supplement_count > 1:
            return Timeliness.LATE
        due = self.statistical_due(calendar, now=finished_at)
        if due is None:  # unreachable: with ``now`` given the wait is always known
            raise LedgerError("No statistical due date.")
        zone = calendar.zone
        finished_day = finished_at.astimezone(zone).date()
        due_day = due.astimezone(zone).date()
        if finished_day < due_day:
            return Timeliness.EARLY
        return Timeliness.ON_TIME if finished_day == due_day else Timeliness.LATE

    def counts_late_for_statistics(self, calendar: WorkCalendar, at: dt.datetime) -> bool:
        """Whether Decision 766 counts the dossier late at ``at`` (end of processing, or
        now for a dossier in progress)."""
        return self.statistics_outcome(calendar, at) is Timeliness.LATE

    # -- storage -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (ISO 8601 strings with offsets) for a JSONField."""
        return {
            "schema": _SCHEMA,
            "rule": self.rule,
            "calendar_version": self.calendar_version,
            "start": self.start.isoformat(),
            "limit": {"kind": self.limit.kind.value, "amount": self.limit.amount},
            "supplement_rule": self.supplement_rule.value,
            "supplements": [
                {
                    "requested_at": item.requested_at.isoformat(),
                    "completed_at": (
                        item.completed_at.isoformat() if item.completed_at is not None else None
                    ),
                }
                for item in self.supplements
            ],
            "extension": (
                None
                if self.extension is None
                else {
                    "new_due": self.extension.new_due.isoformat(),
                    "reason": self.extension.reason,
                }
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineLedger:
        """Inverse of ``to_dict``; raises ``LedgerError`` on malformed data."""
        try:
            if data.get("schema", _SCHEMA) != _SCHEMA:
                raise LedgerError(f"Unsupported ledger schema {data.get('schema')!r}.")
            limit = data["limit"]
            extension = data.get("extension")
            return cls(
                rule=data["rule"],
                calendar_version=data["calendar_version"],
                start=_parse(data["start"]),
                limit=TimeLimit(LimitKind(limit["kind"]), limit["amount"]),
                supplement_rule=SupplementRule(data.get("supplement_rule", "restart")),
                supplements=tuple(
                    Supplement(
                        _parse(item["requested_at"]),
                        None if item.get("completed_at") is None else _parse(item["completed_at"]),
                    )
                    for item in data.get("supplements", ())
                ),
                extension=(
                    None
                    if extension is None
                    else Extension(_parse(extension["new_due"]), str(extension["reason"]))
                ),
            )
        except LedgerError:
            raise
        except (KeyError, TypeError, ValueError, InvalidLimit) as error:
            raise LedgerError(f"Malformed deadline ledger: {error!r}.") from error


def _shift(calendar: WorkCalendar, due: dt.datetime, seconds: int) -> dt.datetime:
    # No wait, no shift: add_working_seconds(due, 0) would move a 17:00 due to the next
    # opening, which is the same working instant but a different date for statistics.
    if seconds <= 0:
        return due
    return calendar.add_working_seconds(due, seconds)


def _parse(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise LedgerError(f"Expected an ISO 8601 string, got {value!r}.")
    return dt.datetime.fromisoformat(value)


def _require_aware(value: object, what: str) -> None:
    if not isinstance(value, dt.datetime):
        raise LedgerError(f"{what} must be a datetime, got {value!r}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise LedgerError(f"{what} must be timezone-aware, got {value.isoformat()}.")
