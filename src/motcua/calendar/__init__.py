"""Working calendar and legal deadlines: pure Python, no Django.

Days off come from the ``holidays`` package (Labour Code 2019 art. 111-112) corrected by
the official civil-service schedules and by each province's overrides; due moments follow
Decree 61/2018 art. 19 (Decree 118/2025 from 1 July 2025) and the statistics of Decision
766/QD-TTg. The rules and their sources: docs/deadlines.md.
"""

from motcua.calendar.errors import (
    CalendarError,
    ExtensionAlreadyUsed,
    InvalidLimit,
    InvalidOfficeHours,
    LedgerError,
    OutsideCalendar,
)
from motcua.calendar.ledger import (
    DECREE_61_2018,
    DECREE_118_2025,
    DeadlineLedger,
    Extension,
    Supplement,
    SupplementRule,
    Timeliness,
    legal_rule_for,
)
from motcua.calendar.limits import LIMIT_KIND_CODES, MAX_AMOUNT, LimitKind, TimeLimit
from motcua.calendar.office import OfficeHours
from motcua.calendar.schedules import (
    OFFICIAL_SCHEDULE_DAYS,
    OFFICIAL_SCHEDULES,
    DayKind,
    DayOverride,
)
from motcua.calendar.work import DEFAULT_TZ, WorkCalendar, build_calendar

__all__ = [
    "DECREE_61_2018",
    "DECREE_118_2025",
    "DEFAULT_TZ",
    "LIMIT_KIND_CODES",
    "MAX_AMOUNT",
    "OFFICIAL_SCHEDULES",
    "OFFICIAL_SCHEDULE_DAYS",
    "CalendarError",
    "DayKind",
    "DayOverride",
    "DeadlineLedger",
    "Extension",
    "ExtensionAlreadyUsed",
    "InvalidLimit",
    "InvalidOfficeHours",
    "LedgerError",
    "LimitKind",
    "OfficeHours",
    "OutsideCalendar",
    "Supplement",
    "SupplementRule",
    "TimeLimit",
    "Timeliness",
    "WorkCalendar",
    "build_calendar",
    "legal_rule_for",
]
