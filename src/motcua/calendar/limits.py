"""Legal time limits of a procedure: how much time, counted how.

The procedure catalogue states each limit as working days (most procedures), working
hours, calendar days or "same day" (RULES.md, Deadlines; Decree 61/2018 art. 19).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from motcua.calendar.errors import InvalidLimit

__all__ = ["LIMIT_KIND_CODES", "MAX_AMOUNT", "LimitKind", "TimeLimit"]

# No procedure in the national catalogue comes near ten years; a larger number is a typo
# (or seconds typed into a days field) and must be refused rather than silently computed.
MAX_AMOUNT = 3650


class LimitKind(StrEnum):
    WORKING_DAYS = "days"
    WORKING_HOURS = "hours"
    CALENDAR_DAYS = "calendar-days"
    SAME_DAY = "same-day"

    @property
    def code(self) -> int:
        """Small integer used for this kind in the numpy arrays of ``due_bulk``."""
        return LIMIT_KIND_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> LimitKind:
        return _KINDS_BY_CODE[code]


# Stable integer codes for the vectorised path: an int8 array is far cheaper to compare
# than an array of strings when a million dossiers are recomputed.
LIMIT_KIND_CODES: dict[LimitKind, int] = {
    LimitKind.WORKING_DAYS: 0,
    LimitKind.WORKING_HOURS: 1,
    LimitKind.CALENDAR_DAYS: 2,
    LimitKind.SAME_DAY: 3,
}
_KINDS_BY_CODE = {code: kind for kind, code in LIMIT_KIND_CODES.items()}

_UNITS = {
    LimitKind.WORKING_DAYS: "working day",
    LimitKind.WORKING_HOURS: "working hour",
    LimitKind.CALENDAR_DAYS: "calendar day",
}


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """A procedure's legal time limit, e.g. ``TimeLimit(LimitKind.WORKING_DAYS, 3)``.

    ``kind`` also accepts the string value (``"days"``), as stored in the catalogue.
    """

    kind: LimitKind
    amount: int = 0

    def __post_init__(self) -> None:
        try:
            kind = LimitKind(self.kind)
        except ValueError:
            allowed = ", ".join(repr(k.value) for k in LimitKind)
            raise InvalidLimit(
                f"Unknown time limit kind {self.kind!r}; expected one of {allowed}."
            ) from None
        object.__setattr__(self, "kind", kind)
        validate_amount(kind, self.amount)

    def __str__(self) -> str:
        if self.kind is LimitKind.SAME_DAY:
            return "same day"
        unit = _UNITS[self.kind]
        return f"{self.amount} {unit}{'' if self.amount == 1 else 's'}"


def validate_amount(kind: LimitKind, amount: object) -> None:
    """Raise ``InvalidLimit`` unless ``amount`` is a sane amount for ``kind``."""
    # bool is an int subclass: True as "1 working day" is always a bug upstream.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidLimit(f"A time limit amount must be an integer, got {amount!r}.")
    if amount < 0:
        raise InvalidLimit(f"A time limit cannot be negative, got {amount}.")
    if amount > MAX_AMOUNT:
        raise InvalidLimit(
            f"A time limit of {amount} is above the sane maximum of {MAX_AMOUNT}; "
            "check the unit (working days, hours or calendar days)."
        )
    if kind is LimitKind.SAME_DAY and amount != 0:
        raise InvalidLimit(f"A same-day limit takes no amount, got {amount}; use 0.")
