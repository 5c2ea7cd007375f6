"""How the slips write moments and text: Vietnam's civil time, dd/mm/yyyy, HH:MM, NFC.

Inputs are aware datetimes, usually in UTC from the database; a slip is read at a Vietnamese
counter, so every moment is shown in Asia/Ho_Chi_Minh whatever zone it came in.
"""

import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local(moment: datetime) -> datetime:
    """The moment in Vietnam's civil time; a naive datetime is refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment!r}")
    return moment.astimezone(VIETNAM_TZ)


def format_date(moment: datetime) -> str:
    """``27/10/2023``: the day of the moment in Vietnam."""
    return to_local(moment).strftime("%d/%m/%Y")


def format_time(moment: datetime) -> str:
    """``08:15``: 24-hour clock in Vietnam."""
    return to_local(moment).strftime("%H:%M")


def format_moment(moment: datetime) -> str:
    """``08:15 ngày 27/10/2023``: Circular 01/2018 form 01 gives both the hour and the day
    for the receipt and for the appointment."""
    return f"{format_time(moment)} ngày {format_date(moment)}"


def format_dateline(moment: datetime) -> str:
    """``ngày 05 tháng 01 năm 2024``: the date line under the national motto.

    Decree 30/2020/ND-CP, Appendix I, writes the document date in words, with a leading zero
    for days below 10 and for months 1 and 2 only (so "tháng 3", but "tháng 02").
    """
    local = to_local(moment)
    month = f"{local.month:02d}" if local.month <= 2 else str(local.month)
    return f"ngày {local.day:02d} tháng {month} năm {local.year}"


def clean(text: str) -> str:
    """NFC and single spaces.

    Vietnamese typed on some keyboards arrives decomposed (a base letter followed by
    combining tone marks). The font has every precomposed Vietnamese letter, so composing
    first lets each letter map to one designed glyph without a text-shaping engine.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())
