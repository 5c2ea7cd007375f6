"""The official civil-service schedules of 2025 and 2026 (RULES.md, Deadlines)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from motcua.calendar import (
    OFFICIAL_SCHEDULE_DAYS,
    OFFICIAL_SCHEDULES,
    DayKind,
    DayOverride,
    LimitKind,
    OutsideCalendar,
    TimeLimit,
    build_calendar,
)
from tests.calendar.support import CALENDAR, at

ONE_DAY = TimeLimit(LimitKind.WORKING_DAYS, 1)

# The days the brief and RULES.md single out, checked by name as well as through the table.
DAYS_OFF = [
    dt.date(2025, 1, 27),
    dt.date(2025, 1, 31),
    dt.date(2025, 4, 7),
    dt.date(2025, 4, 30),
    dt.date(2025, 5, 1),
    dt.date(2025, 5, 2),
    dt.date(2025, 9, 1),
    dt.date(2025, 9, 2),
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 2),
    *(dt.date(2026, 2, day) for day in range(16, 21)),
    dt.date(2026, 4, 27),
    dt.date(2026, 4, 30),
    dt.date(2026, 5, 1),
    dt.date(2026, 8, 31),
    dt.date(2026, 9, 1),
    dt.date(2026, 9, 2),
]
WORKED_SATURDAYS = [
    dt.date(2024, 5, 4),
    dt.date(2025, 4, 26),
    dt.date(2026, 1, 10),
    dt.date(2026, 8, 22),
]


@pytest.mark.parametrize("day", DAYS_OFF, ids=str)
def test_official_day_off_is_not_a_working_day(day: dt.date) -> None:
    assert not CALENDAR.is_working_day(day)


@pytest.mark.parametrize("day", WORKED_SATURDAYS, ids=str)
def test_swapped_saturday_is_a_working_day(day: dt.date) -> None:
    assert day.weekday() == 5
    assert CALENDAR.is_working_day(day)


@pytest.mark.parametrize(
    "entry", OFFICIAL_SCHEDULE_DAYS, ids=[f"{e.date}-{e.kind}" for e in OFFICIAL_SCHEDULE_DAYS]
)
def test_every_day_of_the_official_schedules_has_its_kind_in_the_built_calendar(
    entry: DayOverride,
) -> None:
    assert CALENDAR.is_working_day(entry.date) is (entry.kind is DayKind.WORKDAY)


def test_the_package_disagrees_with_the_schedules_only_where_an_override_is_shipped() -> None:
    package = holidays.country_holidays("VN", years=range(2025, 2027))

    def package_works(day: dt.date) -> bool:
        if day.weekday() >= 5:
            return day in package.weekend_workdays
        return day not in package

    disagreements = {
        entry.date
        for entry in OFFICIAL_SCHEDULE_DAYS
        if package_works(entry.date) is not (entry.kind is DayKind.WORKDAY)
    }
    assert disagreements <= {override.date for override in OFFICIAL_SCHEDULES}


def test_the_2026_new_year_swap_is_shipped_with_its_source() -> None:
    shipped = {(o.date, o.kind) for o in OFFICIAL_SCHEDULES}

    assert (dt.date(2026, 1, 2), DayKind.DAY_OFF) in shipped
    assert (dt.date(2026, 1, 10), DayKind.WORKDAY) in shipped
    assert all("12729/VPCP-KGVX" in o.source for o in OFFICIAL_SCHEDULES)


def test_every_official_entry_states_a_reason_and_a_source() -> None:
    for entry in (*OFFICIAL_SCHEDULES, *OFFICIAL_SCHEDULE_DAYS):
        assert entry.reason
        assert entry.source


# One working day from 09:00 the last working day before each holiday run or swap.
CROSSINGS = [
    (at(2025, 1, 24, 9), at(2025, 2, 3, 9), "Tết 2025: 25/1-2/2 off"),
    (at(2025, 4, 4, 9), at(2025, 4, 8, 9), "Hùng Kings on Monday 7/4/2025"),
    (at(2025, 4, 25, 9), at(2025, 4, 26, 9), "Saturday 26/4/2025 is worked"),
    (at(2025, 4, 29, 9), at(2025, 5, 5, 9), "30/4-4/5/2025 off, Friday 2/5 swapped"),
    (at(2025, 8, 29, 9), at(2025, 9, 3, 9), "National Day 2025: 1/9 and 2/9 off"),
    (at(2025, 12, 31, 9), at(2026, 1, 5, 9), "New Year 2026: 1/1 and the bridge 2/1 off"),
    (at(2026, 1, 9, 9), at(2026, 1, 10, 9), "Saturday 10/1/2026 is worked"),
    (at(2026, 2, 13, 9), at(2026, 2, 23, 9), "Tết 2026: 14/2-22/2 off"),
    (at(2026, 4, 24, 9), at(2026, 4, 28, 9), "Hùng Kings on Sunday 26/4/2026, Monday 27/4 off"),
    (at(2026, 4, 29, 9), at(2026, 5, 4, 9), "30/4-3/5/2026 off"),
    (at(2026, 8, 21, 9), at(2026, 8, 22, 9), "Saturday 22/8/2026 is worked"),
    (at(2026, 8, 28, 9), at(2026, 9, 3, 9), "National Day 2026: 29/8-2/9 off"),
]


@pytest.mark.parametrize(
    ("received", "expected"),
    [(received, expected) for received, expected, _ in CROSSINGS],
    ids=[why for _, _, why in CROSSINGS],
)
def test_one_working_day_across_an_official_holiday_or_swap(
    received: dt.datetime, expected: dt.datetime
) -> None:
    assert CALENDAR.due(received, ONE_DAY) == expected


def test_an_override_declaring_a_worked_saturday_off_moves_the_due_date() -> None:
    calendar = build_calendar(
        range(2026, 2027),
        overrides=[DayOverride(dt.date(2026, 1, 10), DayKind.DAY_OFF, "province kept it off")],
    )

    assert not calendar.is_working_day(dt.date(2026, 1, 10))
    assert calendar.due(at(2026, 1, 9, 9), ONE_DAY) == at(2026, 1, 12, 9)


def test_an_override_can_turn_a_package_holiday_into_a_working_day() -> None:
    # Vietnam Culture Day (24/11) is unconfirmed in RULES.md; the package lists it.
    culture_day = dt.date(2026, 11, 24)
    calendar = build_calendar(
        range(2026, 2027),
        overrides=[DayOverride(culture_day, DayKind.WORKDAY, "not observed", "province")],
    )

    assert not CALENDAR.is_working_day(culture_day)
    assert calendar.is_working_day(culture_day)
    assert CALENDAR.due(at(2026, 11, 23, 9), ONE_DAY) == at(2026, 11, 25, 9)
    assert calendar.due(at(2026, 11, 23, 9), ONE_DAY) == at(2026, 11, 24, 9)


def test_an_override_can_declare_an_extra_day_off() -> None:
    calendar = build_calendar(
        [2024],
        overrides=[DayOverride(dt.date(2024, 3, 12), DayKind.DAY_OFF, "provincial event")],
    )

    assert calendar.due(at(2024, 3, 11, 10), TimeLimit(LimitKind.WORKING_DAYS, 3)) == at(
        2024, 3, 15, 10
    )


def test_the_later_of_two_overrides_of_the_same_day_wins() -> None:
    day = dt.date(2026, 3, 14)  # a Saturday
    worked = DayOverride(day, DayKind.WORKDAY, "first decision")
    off = DayOverride(day, DayKind.DAY_OFF, "revoked")

    assert build_calendar([2026], overrides=[off, worked]).is_working_day(day)
    assert not build_calendar([2026], overrides=[worked, off]).is_working_day(day)


def test_an_override_outside_the_calendar_years_is_ignored() -> None:
    far = DayOverride(dt.date(2040, 1, 2), DayKind.DAY_OFF, "far future")

    assert build_calendar([2024], overrides=[far]) == build_calendar([2024])


def test_the_calendar_version_is_stable_and_changes_with_an_override() -> None:
    again = build_calendar(range(2024, 2031))
    changed = build_calendar(
        range(2024, 2031),
        overrides=[DayOverride(dt.date(2027, 3, 1), DayKind.DAY_OFF, "provincial event")],
    )

    assert len(CALENDAR.version) == 12
    assert int(CALENDAR.version, 16) >= 0
    assert again.version == CALENDAR.version
    assert changed.version != CALENDAR.version


def test_the_calendar_covers_receipts_up_to_2030_and_the_margin_year() -> None:
    assert CALENDAR.due(at(2030, 12, 31, 16), TimeLimit(LimitKind.WORKING_DAYS, 30)).year == 2031
    with pytest.raises(OutsideCalendar, match="outside the calendar"):
        CALENDAR.is_working_day(dt.date(2032, 1, 2))
