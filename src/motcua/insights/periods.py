"""Reporting periods: day, month, quarter, year or custom, as inclusive local date ranges.
Pure; imports nothing from Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


# Longest custom period accepted (a dashboard over decades is a mistake, not a report).
MAX_DAYS = 3660


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: Kind
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        """Vietnamese label as reports write it."""
        if self.kind is Kind.DAY:
            return f"Ngày {self.start:%d/%m/%Y}"
        if self.kind is Kind.MONTH:
            return f"Tháng {self.start:%m/%Y}"
        if self.kind is Kind.QUARTER:
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind is Kind.YEAR:
            return f"Năm {self.start.year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_for(
    kind: str, anchor: dt.date, *, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    """The period of ``kind`` containing ``anchor`` (custom: ``start``..``end``)."""
    try:
        k = Kind(kind)
    except ValueError:
        raise PeriodError(f"Unknown period kind {kind!r}.") from None
    if k is Kind.DAY:
        return Period(k, anchor, anchor)
    if k is Kind.MONTH:
        return Period(k, month_start(anchor), month_end(anchor))
    if k is Kind.QUARTER:
        first = dt.date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1)
        return Period(k, first, month_end(add_months(first, 2)))
    if k is Kind.YEAR:
        return Period(k, dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31))
    if start is None or end is None:
        raise PeriodError("A custom period needs a start and an end date.")
    if end < start:
        raise PeriodError("The end date is before the start date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(f"A custom period is at most {MAX_DAYS} days.")
    return Period(k, start, end)


def split_months(start: dt.date, end: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last month (as first days) lying wholly inside ``start..end``;
    ``(None, None)`` when no whole month fits."""
    first = month_start(start) if start.day == 1 else add_months(start, 1)
    last = month_start(end) if end == month_end(end) else add_months(end, -1)
    if first > last:
        return None, None
    return first, last
