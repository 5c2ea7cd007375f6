"""The working calendar of a province, built from the pure engine plus the stored tables.

``calendar_for(province)`` is what every due date in the product comes from. Building a
calendar takes a fifth of a second, so it is cached per process and rebuilt when the
stored overrides or office hours change (one small query tells).
"""

import datetime as dt
import threading
import time

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from motcua.calendar import (
    DayKind,
    DayOverride,
    WorkCalendar,
    build_calendar,
)
from motcua.calendar import (
    OfficeHours as PureOfficeHours,
)
from motcua.units.models import Dataset, Level, Unit
from motcua.workdays.models import CalendarOverride, OfficeHours

# The calendar covers receipts from 2024 to ten years ahead of today; dossiers outside
# that range are refused with OutsideCalendar rather than given a guessed due date.
FIRST_YEAR = 2020

_cache: dict[tuple, WorkCalendar] = {}
_lock = threading.Lock()
# How long a fingerprint check is trusted: every transition asks for a calendar, and the
# services below forget it at once when they change an override; a change made another
# way (another process, the admin) is seen within this many seconds.
FINGERPRINT_TTL = 5.0
_checked: dict[int | None, tuple[float, tuple]] = {}


def _years() -> range:
    return range(FIRST_YEAR, timezone.now().year + 11)


def _fingerprint(province_id: int | None) -> tuple:
    scope = Q(province__isnull=True)
    if province_id is not None:
        scope |= Q(province_id=province_id)
    overrides = CalendarOverride.objects.filter(scope).aggregate(
        n=Count("id"), latest=Max("updated_at"), last_id=Max("id")
    )
    hours = (
        OfficeHours.objects.filter(province_id=province_id).values_list("updated_at", flat=True)
        if province_id is not None
        else []
    )
    return (
        province_id,
        overrides["n"],
        overrides["latest"],
        overrides["last_id"],
        tuple(hours),
        _years().stop,
    )


def office_hours_for(province_id: int | None) -> PureOfficeHours:
    if province_id is None:
        return PureOfficeHours()
    stored = OfficeHours.objects.filter(province_id=province_id).first()
    if stored is None:
        return PureOfficeHours()
    return PureOfficeHours(
        sessions=(
            (stored.morning_start, stored.morning_end),
            (stored.afternoon_start, stored.afternoon_end),
        ),
        weekdays=stored.weekday_set(),
        cutoff=stored.cutoff,
    )


def overrides_for(province_id: int | None) -> list[DayOverride]:
    """National overrides first, then the province's own, so the province's win."""
    rows = CalendarOverride.objects.filter(province__isnull=True).order_by("date", "id")
    result = [_pure(row) for row in rows]
    if province_id is not None:
        rows = CalendarOverride.objects.filter(province_id=province_id).order_by("date", "id")
        result.extend(_pure(row) for row in rows)
    return result


def _pure(row: CalendarOverride) -> DayOverride:
    return DayOverride(date=row.date, kind=DayKind(row.kind), reason=row.reason, source=row.source)


def calendar_for(province: Unit | int | None = None) -> WorkCalendar:
    """The working calendar of ``province`` (None: the national calendar)."""
    province_id = province.pk if isinstance(province, Unit) else province
    now = time.monotonic()
    recent = _checked.get(province_id)
    if recent is not None and now - recent[0] < FINGERPRINT_TTL and recent[1] in _cache:
        return _cache[recent[1]]
    key = _fingerprint(province_id)
    _checked[province_id] = (now, key)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    calendar = build_calendar(
        _years(), overrides_for(province_id), office_hours_for(province_id), margin_years=0
    )
    with _lock:
        # Drop stale versions of this province's calendar.
        for stale in [k for k in _cache if k[0] == province_id]:
            del _cache[stale]
        _cache[key] = calendar
    return calendar


def forget_calendars() -> None:
    """Check the stored overrides again on the next ``calendar_for``."""
    _checked.clear()


def province_by_code(code: int | str) -> Unit:
    """A province of the two-level model by its code; ``Unit.DoesNotExist`` if none."""
    try:
        number = int(code)
    except (TypeError, ValueError):
        raise Unit.DoesNotExist(f"{code!r} is not a province code") from None
    return Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE, code=number)


@transaction.atomic
def override_set(
    *,
    date: dt.date,
    kind: DayKind,
    reason: str,
    source: str = "",
    province: Unit | None = None,
    user=None,
) -> CalendarOverride:
    """Add or replace the override of one date (nationally or for one province).

    Stored due dates do not move: ``motcua calendar recompute`` moves them, and records
    every move.
    """
    if not reason.strip():
        raise ValueError("An override needs a reason.")
    forget_calendars()
    row, _created = CalendarOverride.objects.update_or_create(
        date=date,
        province=province,
        defaults={
            "kind": kind,
            "reason": reason.strip(),
            "source": source.strip(),
            "created_by": user,
        },
    )
    return row


@transaction.atomic
def override_remove(*, date: dt.date, province: Unit | None = None) -> int:
    forget_calendars()
    deleted, _ = CalendarOverride.objects.filter(date=date, province=province).delete()
    return deleted


# Apps that store due dates register how to recompute them after a calendar change
# (``motcua calendar recompute``); the calendar app itself knows nothing of dossiers.
RECOMPUTERS: list = []


def register_recompute(function) -> None:
    if function not in RECOMPUTERS:
        RECOMPUTERS.append(function)


def calendar_year_listing(year: int, province: Unit | None = None) -> list[tuple]:
    """Every day off and worked weekend day of ``year``: (date, kind, reason, source)."""
    import holidays

    from motcua.calendar import OFFICIAL_SCHEDULES

    calendar = calendar_for(province)
    names = holidays.country_holidays("VN", years=year)
    reasons: dict[dt.date, tuple[str, str]] = {
        day: (name, "holidays (Bộ luật Lao động 2019, Điều 112)") for day, name in names.items()
    }
    for day in getattr(names, "weekend_workdays", ()):
        reasons.setdefault(day, ("Ngày làm việc bù", "holidays"))
    for item in OFFICIAL_SCHEDULES:
        reasons[item.date] = (item.reason, item.source)
    for item in overrides_for(province.pk if province else None):
        reasons[item.date] = (item.reason, item.source or "—")
    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() not in calendar.office_hours.weekdays
        if day in calendar.days_off and not weekend:
            reason, source = reasons.get(day, ("Ngày nghỉ", ""))
            rows.append((day, DayKind.DAY_OFF, reason, source))
        elif weekend and calendar.is_working_day(day):
            reason, source = reasons.get(day, ("Ngày làm việc bù", ""))
            rows.append((day, DayKind.WORKDAY, reason, source))
        day += dt.timedelta(days=1)
    return rows
