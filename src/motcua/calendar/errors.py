"""Errors raised by the deadline engine.

Every error is a ``ValueError`` so that callers validating user input (a procedure's time
limit typed by an administrator, a date in a form) can catch one type.
"""

from __future__ import annotations

__all__ = [
    "CalendarError",
    "ExtensionAlreadyUsed",
    "InvalidLimit",
    "InvalidOfficeHours",
    "LedgerError",
    "OutsideCalendar",
]


class CalendarError(ValueError):
    """Base class of the errors raised by ``motcua.calendar``."""


class InvalidLimit(CalendarError):
    """A time limit that the law cannot express (negative, absurdly long, malformed)."""


class InvalidOfficeHours(CalendarError):
    """Office hours that are empty, unsorted or overlapping."""


class OutsideCalendar(CalendarError):
    """A moment or a computed due date falls outside the years the calendar was built for.

    The engine never guesses holidays it was not given: build the calendar for more years.
    """


class LedgerError(CalendarError):
    """An event that cannot happen to a deadline ledger in that order."""


class ExtensionAlreadyUsed(LedgerError):
    """Decree 61/2018 art. 19.9: the appointment may be reset only once."""
