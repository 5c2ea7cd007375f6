"""Day overrides and the official civil-service schedules of 2025 and 2026.

Labour Code 2019 art. 112 fixes the public holidays; the Prime Minister fixes the Tết and
National Day days each year and may swap a Saturday for a bridge day, and art. 111 gives a
compensatory day for a holiday that falls on a weekend. The ``holidays`` package follows
these rules but misses some yearly swaps, so the project keeps this table of overrides,
each with its reason and source (RULES.md, Deadlines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "OFFICIAL_SCHEDULES",
    "OFFICIAL_SCHEDULE_DAYS",
    "DayKind",
    "DayOverride",
]


class DayKind(StrEnum):
    DAY_OFF = "day_off"
    WORKDAY = "workday"


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One day declared off or worked, whatever the weekday and the ``holidays`` package say."""

    date: dt.date
    kind: DayKind
    reason: str
    source: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.date, dt.datetime) or not isinstance(self.date, dt.date):
            raise TypeError(f"DayOverride.date must be a datetime.date, got {self.date!r}.")
        object.__setattr__(self, "kind", DayKind(self.kind))


_SCHEDULE_2025 = "Official civil-service schedule 2025 (RULES.md, Deadlines)"
_SCHEDULE_2026 = "Official civil-service schedule 2026 (RULES.md, Deadlines)"
_NOTICE_12729 = "Government Office notice 12729/VPCP-KGVX (New Year 2026 swap)"


def _days_off(first: dt.date, last: dt.date, reason: str, source: str) -> tuple[DayOverride, ...]:
    count = (last - first).days + 1
    return tuple(
        DayOverride(first + dt.timedelta(days=i), DayKind.DAY_OFF, reason, source)
        for i in range(count)
    )


def _day(day: dt.date, kind: DayKind, reason: str, source: str) -> DayOverride:
    return DayOverride(day, kind, reason, source)


def _concat(parts: Iterable[tuple[DayOverride, ...]]) -> tuple[DayOverride, ...]:
    return tuple(entry for part in parts for entry in part)


_OFF = DayKind.DAY_OFF
_WORK = DayKind.WORKDAY

# Every day the 2025 and 2026 civil-service schedules of RULES.md name, weekend days of a
# holiday run included, so tests can check the built calendar against the whole schedule
# and not only against the entries the package gets wrong.
OFFICIAL_SCHEDULE_DAYS: tuple[DayOverride, ...] = _concat(
    (
        # 2025
        _days_off(dt.date(2025, 1, 25), dt.date(2025, 2, 2), "Tết 2025", _SCHEDULE_2025),
        (_day(dt.date(2025, 4, 7), _OFF, "Hùng Kings 2025 (Monday)", _SCHEDULE_2025),),
        _days_off(dt.date(2025, 4, 30), dt.date(2025, 5, 4), "30/4 and 1/5 2025", _SCHEDULE_2025),
        (
            _day(
                dt.date(2025, 4, 26),
                _WORK,
                "Saturday worked in exchange for Friday 2/5/2025 off",
                _SCHEDULE_2025,
            ),
        ),
        _days_off(dt.date(2025, 9, 1), dt.date(2025, 9, 2), "National Day 2025", _SCHEDULE_2025),
        # 2026
        _days_off(dt.date(2026, 1, 1), dt.date(2026, 1, 1), "New Year 2026", _SCHEDULE_2026),
        _days_off(
            dt.date(2026, 1, 2),
            dt.date(2026, 1, 4),
            "New Year 2026 bridge (Friday 2/1 off, Saturday 10/1 worked)",
            _NOTICE_12729,
        ),
        (
            _day(
                dt.date(2026, 1, 10),
                _WORK,
                "Saturday worked in exchange for Friday 2/1/2026 off",
                _NOTICE_12729,
            ),
        ),
        _days_off(dt.date(2026, 2, 14), dt.date(2026, 2, 22), "Tết 2026", _SCHEDULE_2026),
        _days_off(
            dt.date(2026, 4, 26),
            dt.date(2026, 4, 27),
            "Hùng Kings 2026 on Sunday 26/4, compensatory Monday 27/4 (Labour Code art. 111)",
            _SCHEDULE_2026,
        ),
        _days_off(dt.date(2026, 4, 30), dt.date(2026, 5, 3), "30/4 and 1/5 2026", _SCHEDULE_2026),
        _days_off(dt.date(2026, 8, 29), dt.date(2026, 9, 2), "National Day 2026", _SCHEDULE_2026),
        (
            _day(
                dt.date(2026, 8, 22),
                _WORK,
                "Saturday worked in exchange for Monday 31/8/2026 off",
                _SCHEDULE_2026,
            ),
        ),
    )
)

# The entries of the official schedules that ``holidays`` (0.108-0.109) gets wrong: the
# package lacks the 2026 New Year swap (RULES.md, Deadlines). Every other line of the 2025
# and 2026 schedules matches the package; tests/calendar/test_official_schedules.py checks
# that claim line by line, so a package upgrade that drops a day is noticed.
OFFICIAL_SCHEDULES: tuple[DayOverride, ...] = (
    DayOverride(
        dt.date(2026, 1, 2),
        DayKind.DAY_OFF,
        "New Year 2026 bridge day, swapped with Saturday 10/1/2026",
        _NOTICE_12729,
    ),
    DayOverride(
        dt.date(2026, 1, 10),
        DayKind.WORKDAY,
        "Saturday worked in exchange for Friday 2/1/2026 off",
        _NOTICE_12729,
    ),
)
