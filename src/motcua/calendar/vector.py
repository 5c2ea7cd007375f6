"""Vectorised due moments: millions of dossiers in one pass of numpy integer arithmetic.

``numpy.busday_offset`` cannot represent a worked Saturday, so the engine keeps its own
tables, built once per calendar:

* every working day has the same office hours, hence the same ``D`` working seconds
  (8 h by default). Working time is therefore counted on one axis, "cumulative working
  seconds": the k-th working day of the calendar spans ``[k*D, (k+1)*D]``;
* ``before[d]``: how many working days precede local day ``d`` (a prefix sum);
* ``workday[k]``: the local day of the k-th working day;
* per second of the day: working seconds elapsed since opening (``elapsed``), and the
  inverse, working offset -> second of the day, in two flavours that differ only on the
  boundary between two sessions: ``end_clock`` maps it to the end of the earlier session
  (the due-moment rule), ``start_clock`` to the start of the later one (the clock-start
  rule).

A moment then maps to cumulative working seconds with three table look-ups, a limit is an
addition, and the result maps back with one division and two look-ups: no Python loop, no
datetime object, no search. All values are int64 seconds; local time is UTC plus the
zone's fixed offset (``WorkCalendar`` refuses zones with daylight saving).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from motcua.calendar.errors import InvalidLimit, OutsideCalendar
from motcua.calendar.limits import LIMIT_KIND_CODES, MAX_AMOUNT, LimitKind
from motcua.calendar.office import seconds_of_day

if TYPE_CHECKING:
    from motcua.calendar.work import WorkCalendar

__all__ = ["KindsLike", "Tables"]

KindsLike = LimitKind | str | int | npt.ArrayLike

_DAY = 86_400
_CHUNK = 1 << 16
_I64 = np.int64
_SAME_DAY = LIMIT_KIND_CODES[LimitKind.SAME_DAY]
_CALENDAR_DAYS = LIMIT_KIND_CODES[LimitKind.CALENDAR_DAYS]
_WORKING_DAYS = LIMIT_KIND_CODES[LimitKind.WORKING_DAYS]
_WORKING_HOURS = LIMIT_KIND_CODES[LimitKind.WORKING_HOURS]


@dataclass(frozen=True, eq=False)
class Tables:
    offset: int  # local = utc + offset, seconds
    first_day: int  # local day number (days since 1970-01-01) of table index 0
    n_days: int
    per_day: int  # working seconds in one working day (D)
    close: int  # closing second of the day
    cutoff: int  # same-day cut-off second of the day
    is_work: np.ndarray  # bool[n_days]
    before: np.ndarray  # int64[n_days + 1]: working days strictly before local day d
    workday: np.ndarray  # int64[n_work]: local day number (absolute) of the k-th working day
    elapsed: np.ndarray  # int64[86_400]: working seconds since opening at second s
    end_clock: np.ndarray  # int64[D + 1]: working offset r in (0, D] -> second of day
    start_clock: np.ndarray  # int64[D + 1]: working offset r in [0, D) -> second of day

    @classmethod
    def build(cls, calendar: WorkCalendar) -> Tables:
        first = calendar.first_day
        n_days = (calendar.last_day - first).days + 1
        first_number = (first - dt.date(1970, 1, 1)).days
        weekdays = np.array(sorted(calendar.office_hours.weekdays))
        day_numbers = np.arange(first_number, first_number + n_days, dtype=_I64)
        # 1970-01-01 was a Thursday (weekday 3).
        is_work = np.isin((day_numbers + 3) % 7, weekdays)
        for day in calendar.days_off:
            index = (day - first).days
            if 0 <= index < n_days:
                is_work[index] = False
        for day in calendar.workdays:
            index = (day - first).days
            if 0 <= index < n_days:
                is_work[index] = True
        before = np.zeros(n_days + 1, dtype=_I64)
        np.cumsum(is_work, out=before[1:])
        workday = day_numbers[is_work]

        sessions = calendar.office_hours.session_seconds()
        per_day = calendar.office_hours.seconds_per_day
        seconds = np.arange(_DAY, dtype=_I64)
        elapsed = np.zeros(_DAY, dtype=_I64)
        end_clock = np.zeros(per_day + 1, dtype=_I64)
        start_clock = np.zeros(per_day + 1, dtype=_I64)
        done = 0
        for start, end in sessions:
            elapsed += np.clip(seconds - start, 0, end - start)
            length = end - start
            # Offsets done+1 .. done+length end inside (or at the end of) this session.
            end_clock[done + 1 : done + length + 1] = start + np.arange(1, length + 1)
            # Offsets done .. done+length-1 start inside this session (at its start for
            # ``done``: a clock start is never the end of a session).
            start_clock[done : done + length] = start + np.arange(length)
            done += length
        start_clock[per_day] = sessions[-1][1]  # never used: offsets are taken modulo D
        return cls(
            offset=calendar.utc_offset_seconds,
            first_day=first_number,
            n_days=n_days,
            per_day=per_day,
            close=sessions[-1][1],
            cutoff=seconds_of_day(calendar.office_hours.cutoff),
            is_work=is_work,
            before=before,
            workday=workday,
            elapsed=elapsed,
            end_clock=end_clock,
            start_clock=start_clock,
        )

    # -- public entry points ----------------------------------------------------------------

    def due(self, received: npt.ArrayLike, kinds: KindsLike, amounts: npt.ArrayLike) -> np.ndarray:
        utc = _seconds(received)
        flat_utc = utc.ravel()
        amount = np.broadcast_to(_amounts(amounts), utc.shape).ravel()
        codes: np.ndarray | None = None
        if isinstance(kinds, (LimitKind, str, int)) and not isinstance(kinds, bool):
            code = _single_code(kinds)
            _check_amounts(amount, code)
        else:
            codes = np.broadcast_to(_codes(kinds), utc.shape).ravel()
            _check_amounts(amount, -1)
            _check_amounts(amount[codes == _SAME_DAY], _SAME_DAY)
        result = np.empty(flat_utc.size, dtype=_I64)
        # Chunks keep every temporary array in the CPU cache and bound peak memory to the
        # output plus a few chunk-sized temporaries, whatever the input size.
        for begin in range(0, flat_utc.size, _CHUNK):
            part = slice(begin, begin + _CHUNK)
            if codes is None:
                result[part] = self._due_kind(flat_utc[part], code, amount[part])
            else:
                self._due_mixed(flat_utc[part], codes[part], amount[part], result[part])
        return result.reshape(utc.shape).view("datetime64[s]")

    def _due_mixed(
        self, utc: np.ndarray, codes: np.ndarray, amount: np.ndarray, out: np.ndarray
    ) -> None:
        for code in range(len(LIMIT_KIND_CODES)):
            index = np.flatnonzero(codes == code)
            if index.size == utc.size:
                out[:] = self._due_kind(utc, code, amount)
            elif index.size:
                out[index] = self._due_kind(utc[index], code, amount[index])

    def between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
        result: np.ndarray = self._cumulative(_seconds(b)) - self._cumulative(_seconds(a))
        return result

    # -- kinds ------------------------------------------------------------------------------

    def _due_kind(self, utc: np.ndarray, code: int, amount: np.ndarray) -> np.ndarray:
        if code == _WORKING_DAYS:
            return self._shift(utc, amount * self.per_day)
        if code == _WORKING_HOURS:
            return self._shift(utc, amount * 3600)
        if code == _SAME_DAY:
            return self._same_day(utc)
        return self._calendar_days(utc, amount)

    def _shift(self, utc: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        cumulative = self._cumulative(utc)
        result = self._from_cumulative_end(cumulative + seconds)
        zero = np.flatnonzero(seconds == 0)
        if zero.size:
            # A zero limit is due when the clock starts (docs/deadlines.md); the end rule
            # would map a clock start at 08:00 back to the previous evening's 17:00.
            result[zero] = self._from_cumulative_start(cumulative[zero])
        return result

    def _same_day(self, utc: np.ndarray) -> np.ndarray:
        day, second = self._local_day(utc)
        # Decree 61/2018 (RULES.md, Dossier lifecycle): before the 15:00 cut-off on a
        # working day, by closing time that day; else by closing of the next working day.
        today = self.is_work[day] & (second < self.cutoff)
        k = np.where(today, self.before[day], self.before[day + 1])
        return self._at(self._workday(k), self.close)

    def _calendar_days(self, utc: np.ndarray, amount: np.ndarray) -> np.ndarray:
        start = self._from_cumulative_start(self._cumulative(utc)) + self.offset
        start_day, second = np.divmod(start, _DAY)
        target = start_day - self.first_day + amount
        if target.size and int(target.max()) >= self.n_days:
            raise OutsideCalendar(_beyond_message(self))
        # The first working day on or after the target day, at the same clock time.
        return self._at(self._workday(self.before[target]), second)

    # -- the working-time axis --------------------------------------------------------------

    def _local_day(self, utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        day, second = np.divmod(utc + self.offset, _DAY)
        day -= self.first_day
        if day.size and (int(day.min()) < 0 or int(day.max()) >= self.n_days):
            raise OutsideCalendar(
                "A receipt is outside the calendar's years (or is NaT); build the calendar "
                "for more years."
            )
        return day, second

    def _cumulative(self, utc: np.ndarray) -> np.ndarray:
        day, second = self._local_day(utc)
        inside = np.where(self.is_work[day], self.elapsed[second], 0)
        cumulative: np.ndarray = self.before[day] * self.per_day + inside
        return cumulative

    def _from_cumulative_end(self, cumulative: np.ndarray) -> np.ndarray:
        # Target T lies on working day k = ceil(T / D) - 1 at offset r in (0, D]; T == k*D
        # exactly is the end of day k-1 (boundary rule), which the "- 1" achieves.
        k, rest = np.divmod(cumulative - 1, self.per_day)
        return self._at(self._workday(k), self.end_clock[rest + 1])

    def _from_cumulative_start(self, cumulative: np.ndarray) -> np.ndarray:
        k, rest = np.divmod(cumulative, self.per_day)
        return self._at(self._workday(k), self.start_clock[rest])

    def _workday(self, k: np.ndarray) -> np.ndarray:
        if k.size and int(k.max()) >= self.workday.size:
            raise OutsideCalendar(_beyond_message(self))
        result: np.ndarray = self.workday[k]
        return result

    def _at(self, day_number: np.ndarray, second: np.ndarray | int) -> np.ndarray:
        result: np.ndarray = day_number * _DAY + (second - self.offset)
        return result


def _beyond_message(tables: Tables) -> str:
    last = np.datetime64(tables.first_day + tables.n_days - 1, "D")
    return (
        f"A due date falls after the calendar's last day {last}; build the calendar for "
        "more years (build_calendar's margin_years)."
    )


def _seconds(received: npt.ArrayLike) -> np.ndarray:
    array = np.asarray(received)
    if array.dtype.kind != "M":
        raise TypeError(
            f"Expected a numpy datetime64 array of UTC instants, got dtype {array.dtype}."
        )
    # Flooring to the second, as the one-at-a-time path does.
    seconds: np.ndarray = array.astype("datetime64[s]", copy=False).view(_I64)
    return seconds


def _amounts(amounts: npt.ArrayLike) -> np.ndarray:
    array = np.asarray(amounts)
    if array.dtype.kind not in "iu":
        raise InvalidLimit(f"Time limit amounts must be integers, got dtype {array.dtype}.")
    return array.astype(_I64, copy=False)


def _check_amounts(amount: np.ndarray, code: int) -> None:
    if not amount.size:
        return
    low, high = int(amount.min()), int(amount.max())
    if low < 0:
        raise InvalidLimit(f"A time limit cannot be negative, got {low}.")
    if high > MAX_AMOUNT:
        raise InvalidLimit(f"A time limit of {high} is above the sane maximum of {MAX_AMOUNT}.")
    if code == _SAME_DAY and high != 0:
        raise InvalidLimit(f"A same-day limit takes no amount, got {high}; use 0.")


def _single_code(kind: LimitKind | str | int) -> int:
    if isinstance(kind, int):
        if kind not in LIMIT_KIND_CODES.values():
            raise InvalidLimit(f"Unknown time limit kind code {kind}.")
        return kind
    try:
        return LimitKind(kind).code
    except ValueError:
        raise InvalidLimit(f"Unknown time limit kind {kind!r}.") from None


def _codes(kinds: npt.ArrayLike) -> np.ndarray:
    array = np.asarray(kinds)
    if array.dtype.kind in "iu":
        if array.size and (int(array.min()) < 0 or int(array.max()) >= len(LIMIT_KIND_CODES)):
            raise InvalidLimit("Unknown time limit kind code in kinds.")
        return array.astype(np.int8, copy=False)
    if array.dtype.kind in "UO":
        text = array.astype(str)
        codes = np.full(text.shape, -1, dtype=np.int8)
        for kind, code in LIMIT_KIND_CODES.items():
            codes[text == kind.value] = code
        if (codes < 0).any():
            unknown = sorted(set(text[codes < 0].tolist()))[:5]
            raise InvalidLimit(f"Unknown time limit kinds: {unknown}.")
        return codes
    raise InvalidLimit(f"kinds must be LimitKind values or codes, got dtype {array.dtype}.")
