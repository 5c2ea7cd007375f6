"""Office hours of a service center: when the legal clock runs.

Office hours are set per province (RULES.md, Deadlines: e.g. 07:00-11:30 and 13:30-17:00
in one province's system); the default is the common 08:00-12:00 and 13:00-17:00, 8 hours
a day, Monday to Friday (Labour Code 2019 art. 105: normal working time of 8 hours a day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from motcua.calendar.errors import InvalidOfficeHours

__all__ = ["DEFAULT_SESSIONS", "OfficeHours", "seconds_of_day"]

DEFAULT_SESSIONS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 0), dt.time(12, 0)),
    (dt.time(13, 0), dt.time(17, 0)),
)


def seconds_of_day(value: dt.time) -> int:
    """Seconds since midnight of a wall-clock time (the engine works to the second)."""
    return value.hour * 3600 + value.minute * 60 + value.second


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Daily sessions, the weekdays they apply to, and the same-day cut-off.

    ``cutoff``: a dossier received at or after it on a working day is handled the next
    working day (Decree 61/2018 art. 19: documents received after 15:00 move to the next
    working day; many same-day procedures say the same).
    """

    sessions: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_SESSIONS
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    cutoff: dt.time = dt.time(15, 0)

    def __post_init__(self) -> None:
        sessions = tuple((start, end) for start, end in self.sessions)
        object.__setattr__(self, "sessions", sessions)
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not sessions:
            raise InvalidOfficeHours("Office hours need at least one session.")
        previous_end: dt.time | None = None
        for start, end in sessions:
            for moment in (start, end):
                _check_wall_time(moment, "A session bound")
            if start >= end:
                raise InvalidOfficeHours(
                    f"Session {start:%H:%M}-{end:%H:%M} must start before it ends."
                )
            if previous_end is not None and start < previous_end:
                raise InvalidOfficeHours(
                    f"Sessions must be sorted and must not overlap: {start:%H:%M} starts "
                    f"before the previous session ends at {previous_end:%H:%M}."
                )
            previous_end = end
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise InvalidOfficeHours(
                f"Weekdays must be a non-empty set of 0 (Monday) to 6 (Sunday), "
                f"got {sorted(self.weekdays)}."
            )
        _check_wall_time(self.cutoff, "The cut-off")
        if not self.opening <= self.cutoff <= self.closing:
            raise InvalidOfficeHours(
                f"The cut-off {self.cutoff:%H:%M} must lie between opening "
                f"{self.opening:%H:%M} and closing {self.closing:%H:%M}."
            )

    @property
    def opening(self) -> dt.time:
        return self.sessions[0][0]

    @property
    def closing(self) -> dt.time:
        return self.sessions[-1][1]

    @property
    def seconds_per_day(self) -> int:
        """Working seconds of one working day; one "working day" of a limit is this long."""
        return sum(seconds_of_day(end) - seconds_of_day(start) for start, end in self.sessions)

    def session_seconds(self) -> tuple[tuple[int, int], ...]:
        """Sessions as (start, end) seconds of the day."""
        return tuple((seconds_of_day(start), seconds_of_day(end)) for start, end in self.sessions)


def _check_wall_time(value: object, what: str) -> None:
    if not isinstance(value, dt.time):
        raise InvalidOfficeHours(f"{what} must be a datetime.time, got {value!r}.")
    if value.tzinfo is not None:
        raise InvalidOfficeHours(f"{what} is a wall-clock time and must have no tzinfo.")
    if value.microsecond:
        raise InvalidOfficeHours(f"{what} must be a whole second, got {value.isoformat()}.")
