"""The working calendar: which days are worked, and due moments computed over it.

This module holds the one-at-a-time reference implementation, written to be read against
the rules (docs/deadlines.md). ``motcua.calendar.vector`` computes the same thing for
millions of dossiers at once with numpy; the tests check that both agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from motcua.calendar.errors import CalendarError, OutsideCalendar
from motcua.calendar.limits import LimitKind, TimeLimit
from motcua.calendar.office import OfficeHours, seconds_of_day
from motcua.calendar.schedules import OFFICIAL_SCHEDULES, DayKind, DayOverride

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from motcua.calendar.vector import KindsLike, Tables

__all__ = ["DEFAULT_TZ", "WorkCalendar", "build_calendar"]

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and office hours over a range of years, in one time zone.

    ``days_off``: public holidays, compensatory and swapped days off (weekend dates may be
    listed; they change nothing). ``workdays``: weekend days that are worked because the
    government swapped them for a bridge day. ``first_year``/``last_year``: the years the
    day lists are complete for; computing outside them raises ``OutsideCalendar`` instead
    of guessing. When omitted they are taken from the listed days.
    """

    office_hours: OfficeHours = field(default_factory=OfficeHours)
    days_off: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    tz: str = DEFAULT_TZ
    first_year: int | None = None
    last_year: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        listed = self.days_off | self.workdays
        if self.first_year is None or self.last_year is None:
            if not listed:
                raise CalendarError(
                    "A calendar with no listed days needs first_year and last_year."
                )
            if self.first_year is None:
                object.__setattr__(self, "first_year", min(listed).year)
            if self.last_year is None:
                object.__setattr__(self, "last_year", max(listed).year)
        if not 1900 <= self.years.start < self.years.stop <= 9999:
            raise CalendarError(
                f"Invalid calendar years {self.first_year}-{self.last_year}: need "
                "1900 <= first_year <= last_year < 9999."
            )
        both = self.days_off & self.workdays
        if both:
            raise CalendarError(
                f"Days listed both off and worked: {', '.join(map(str, sorted(both)))}."
            )
        weekday_workdays = sorted(
            d for d in self.workdays if d.weekday() in self.office_hours.weekdays
        )
        if weekday_workdays:
            raise CalendarError(
                "workdays lists only weekend days that are worked; these are already "
                f"working weekdays: {', '.join(map(str, weekday_workdays))}."
            )
        self._check_time_zone()

    # -- identity ---------------------------------------------------------------------------

    @property
    def years(self) -> range:
        if self.first_year is None or self.last_year is None:  # filled in by __post_init__
            raise CalendarError("The calendar's years are unknown.")
        return range(self.first_year, self.last_year + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.years.start, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.years.stop - 1, 12, 31)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @cached_property
    def version(self) -> str:
        """Short stable hash of the calendar's content, stored beside every due date.

        A stored due date then says which calendar produced it: when the government
        announces a swap and the calendar is rebuilt, the version changes.
        """
        hours = self.office_hours
        content = {
            "tz": self.tz,
            "years": [self.years.start, self.years.stop - 1],
            "sessions": [[s.isoformat(), e.isoformat()] for s, e in hours.sessions],
            "weekdays": sorted(hours.weekdays),
            "cutoff": hours.cutoff.isoformat(),
            "days_off": sorted(d.isoformat() for d in self.days_off),
            "workdays": sorted(d.isoformat() for d in self.workdays),
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    # -- days -------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (an aware datetime is taken in local time)."""
        if isinstance(day, dt.datetime):
            day = self._local(day).date()
        if not self.first_day <= day <= self.last_day:
            raise OutsideCalendar(
                f"{day} is outside the calendar's years {self.first_year}-{self.last_year}; "
                "build the calendar for more years."
            )
        if day.weekday() in self.office_hours.weekdays:
            return day not in self.days_off
        return day in self.workdays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += _DAY
        while not self.is_working_day(day):
            day += _DAY
        return day

    # -- moments ----------------------------------------------------------------------------

    def clock_start(self, received: dt.datetime) -> dt.datetime:
        """When the legal clock starts for a receipt: the receipt itself inside office
        hours, else the next opening (evening, lunch, weekend, holiday)."""
        return self._aware(self._normalise(self._local(received)))

    def add_working_seconds(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The moment ``seconds`` of office time after ``start``.

        The clock starts at ``clock_start(start)``. A result on the boundary between two
        sessions is the end of the earlier one (Friday 17:00, not Monday 08:00), so that an
        appointment is never pushed past a night or a weekend for no working time. Zero
        seconds gives the clock start itself.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            raise CalendarError(f"seconds must be a non-negative integer, got {seconds!r}.")
        return self._aware(self._add(self._local(start), seconds))

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Office-time seconds from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        start, end = self._local(a), self._local(b)
        if end < start:
            return -self._between(end, start)
        return self._between(start, end)

    def due(self, received: dt.datetime, limit: TimeLimit) -> dt.datetime:
        """The legal due moment of a dossier received at ``received`` with ``limit``.

        Semantics and legal sources: docs/deadlines.md.
        """
        if not isinstance(limit, TimeLimit):
            raise TypeError(f"limit must be a TimeLimit, got {limit!r}.")
        local = self._local(received)
        hours = self.office_hours
        match limit.kind:
            case LimitKind.WORKING_DAYS:
                # Decree 61/2018 art. 19 counts in working days; one working day is the
                # office time of one day (8 h by default), so Monday 09:00 + 3 working days
                # is Thursday 09:00, not Thursday's closing.
                due = self._add(local, limit.amount * hours.seconds_per_day)
            case LimitKind.WORKING_HOURS:
                due = self._add(local, limit.amount * 3600)
            case LimitKind.SAME_DAY:
                # Received before the cut-off on a working day: by closing time that day;
                # otherwise by closing time of the next working day (Decree 61/2018,
                # dossiers received after 15:00; RULES.md, Dossier lifecycle).
                day = local.date()
                if not (self.is_working_day(day) and local.time() < hours.cutoff):
                    day = self.next_working_day(day)
                due = dt.datetime.combine(day, hours.closing)
            case LimitKind.CALENDAR_DAYS:
                # Calendar days run through weekends and holidays; only the last day must
                # be a working day, else the same clock time on the next working day.
                start = self._normalise(local)
                due = start + limit.amount * _DAY
                while not self.is_working_day(due.date()):
                    due += _DAY
        return self._aware(due)

    def due_bulk(
        self,
        received: npt.ArrayLike,
        kinds: KindsLike,
        amounts: npt.ArrayLike,
    ) -> np.ndarray:
        """Vectorised ``due``: UTC ``datetime64[s]`` instants in, UTC ``datetime64[s]`` out.

        ``kinds`` is one ``LimitKind`` for all, or an array of ``LimitKind`` values or of
        their integer codes (``LimitKind.code``); ``amounts`` an integer array (or one int).
        Equal to ``due`` element by element.
        """
        return self._tables.due(received, kinds, amounts)

    def working_seconds_between_bulk(self, a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
        """Vectorised ``working_seconds_between`` over UTC ``datetime64`` arrays."""
        return self._tables.between(a, b)

    # -- internals --------------------------------------------------------------------------

    @cached_property
    def _tables(self) -> Tables:
        from motcua.calendar.vector import Tables

        return Tables.build(self)

    @cached_property
    def utc_offset_seconds(self) -> int:
        offset = dt.datetime(self.years.start, 7, 1, 12, tzinfo=self.zone).utcoffset()
        if offset is None:
            raise CalendarError(f"Time zone {self.tz!r} has no UTC offset.")
        return int(offset.total_seconds())

    def _check_time_zone(self) -> None:
        try:
            zone = self.zone
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise CalendarError(f"Unknown time zone {self.tz!r}.") from error
        # The engine maps local wall-clock time to UTC with one offset, which is exact for
        # Vietnam (UTC+7 since 1975, no daylight saving). Refuse a zone where it is not.
        expected = self.utc_offset_seconds
        day = self.first_day
        while day <= self.last_day:
            offset = dt.datetime.combine(day, dt.time(12), zone).utcoffset()
            if offset is None or int(offset.total_seconds()) != expected:
                raise CalendarError(
                    f"Time zone {self.tz!r} changes its UTC offset on {day}; only fixed-offset "
                    "zones such as Asia/Ho_Chi_Minh are supported."
                )
            day += dt.timedelta(days=28)

    def _local(self, moment: dt.datetime) -> dt.datetime:
        """Naive local wall-clock time, to the second (sub-seconds are dropped)."""
        if not isinstance(moment, dt.datetime):
            raise TypeError(f"Expected an aware datetime, got {moment!r}.")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError(
                f"{moment.isoformat()} is a naive datetime; pass an aware one (a receipt "
                "time without a time zone is ambiguous)."
            )
        return moment.astimezone(self.zone).replace(tzinfo=None, microsecond=0)

    def _aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.zone)

    def _normalise(self, local: dt.datetime) -> dt.datetime:
        day, second = local.date(), _second(local)
        while True:
            if self.is_working_day(day):
                for start, end in self.office_hours.session_seconds():
                    if second < end:
                        return _at(day, max(second, start))
            day, second = day + _DAY, 0

    def _add(self, local: dt.datetime, seconds: int) -> dt.datetime:
        start = self._normalise(local)
        if seconds == 0:
            return start
        day, second = start.date(), _second(start)
        sessions = self.office_hours.session_seconds()
        per_day = self.office_hours.seconds_per_day
        remaining = seconds
        while True:
            if self.is_working_day(day):
                if second <= sessions[0][0] and remaining > per_day:
                    # A whole working day fits: skip it without walking its sessions.
                    remaining -= per_day
                else:
                    for session_start, session_end in sessions:
                        if second >= session_end:
                            continue
                        begin = max(second, session_start)
                        available = session_end - begin
                        # "<=": landing exactly on a session end stays there (boundary rule).
                        if remaining <= available:
                            return _at(day, begin + remaining)
                        remaining -= available
                        second = session_end
            day, second = day + _DAY, 0

    def _between(self, start: dt.datetime, end: dt.datetime) -> int:
        total = 0
        day = start.date()
        sessions = self.office_hours.session_seconds()
        while day <= end.date():
            if self.is_working_day(day):
                low = _second(start) if day == start.date() else 0
                high = _second(end) if day == end.date() else 86400
                for session_start, session_end in sessions:
                    total += max(0, min(high, session_end) - max(low, session_start))
            day += _DAY
        return total


def _second(local: dt.datetime) -> int:
    return seconds_of_day(local.time())


def _at(day: dt.date, second: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)


def build_calendar(
    years: Iterable[int],
    overrides: Iterable[DayOverride] = (),
    office_hours: OfficeHours | None = None,
    *,
    margin_years: int = 1,
    tz: str = DEFAULT_TZ,
) -> WorkCalendar:
    """Build the working calendar from ``holidays.VN``, the official schedules and overrides.

    Layers, later ones winning: (1) ``holidays.VN`` public holidays of the Labour Code 2019
    art. 112 (lunar Tết and Hùng Kings included), its compensatory days (art. 111) and the
    swapped days off it knows; (2) the weekend days it knows are worked
    (``weekend_workdays``); (3) ``OFFICIAL_SCHEDULES``; (4) ``overrides``, in order.

    The calendar covers ``min(years)`` to ``max(years) + margin_years`` so that a dossier
    received late in the last year still gets a due date in the following one.
    """
    wanted = sorted(set(years))
    if not wanted:
        raise CalendarError("build_calendar needs at least one year.")
    if margin_years < 0:
        raise CalendarError(f"margin_years must be >= 0, got {margin_years}.")
    hours = office_hours if office_hours is not None else OfficeHours()
    covered = range(wanted[0], wanted[-1] + margin_years + 1)
    first, last = dt.date(covered.start, 1, 1), dt.date(covered.stop - 1, 12, 31)

    vietnam = holidays.country_holidays("VN", years=covered)
    days_off = {day for day in vietnam if first <= day <= last}
    workdays = {day for day in vietnam.weekend_workdays if first <= day <= last}
    for override in (*OFFICIAL_SCHEDULES, *overrides):
        day = override.date
        if not first <= day <= last:
            continue
        if override.kind is DayKind.DAY_OFF:
            days_off.add(day)
            workdays.discard(day)
        else:
            days_off.discard(day)
            if day.weekday() not in hours.weekdays:
                workdays.add(day)
    return WorkCalendar(
        office_hours=hours,
        days_off=frozenset(days_off),
        workdays=frozenset(workdays),
        tz=tz,
        first_year=covered.start,
        last_year=covered.stop - 1,
    )
