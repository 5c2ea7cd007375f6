"""Unit behaviour of the working calendar: limits, office hours, clock start, validation."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from motcua.calendar import (
    CalendarError,
    InvalidLimit,
    InvalidOfficeHours,
    LimitKind,
    OfficeHours,
    OutsideCalendar,
    TimeLimit,
    WorkCalendar,
    build_calendar,
)
from tests.calendar.support import CALENDAR, ZONE, at, from_utc64, utc64

DAYS = LimitKind.WORKING_DAYS
HOURS = LimitKind.WORKING_HOURS


def test_the_package_imports_nothing_from_django() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    code = (
        "import sys, motcua.calendar, motcua.calendar.ledger, motcua.calendar.vector;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django');"
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        (DAYS, -1, "cannot be negative"),
        (DAYS, 3651, "sane maximum"),
        (LimitKind.SAME_DAY, 1, "same-day limit takes no amount"),
        ("weeks", 1, "Unknown time limit kind"),
        (DAYS, 1.5, "must be an integer"),
        (DAYS, True, "must be an integer"),
    ],
)
def test_an_impossible_time_limit_is_refused_with_a_clear_message(
    kind: LimitKind, amount: int, message: str
) -> None:
    with pytest.raises(InvalidLimit, match=message):
        TimeLimit(kind, amount)


def test_a_time_limit_accepts_the_stored_kind_name_and_reads_as_words() -> None:
    assert TimeLimit("days", 3) == TimeLimit(DAYS, 3)  # type: ignore[arg-type]
    assert str(TimeLimit(DAYS, 1)) == "1 working day"
    assert str(TimeLimit(HOURS, 4)) == "4 working hours"
    assert str(TimeLimit(LimitKind.SAME_DAY, 0)) == "same day"
    assert isinstance(InvalidLimit("x"), ValueError)


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ((), "at least one session"),
        (((dt.time(12), dt.time(8)),), "must start before it ends"),
        (((dt.time(13), dt.time(17)), (dt.time(8), dt.time(12))), "sorted"),
        (((dt.time(8), dt.time(12)), (dt.time(11), dt.time(17))), "must not overlap"),
    ],
)
def test_malformed_office_hours_are_refused(
    sessions: tuple[tuple[dt.time, dt.time], ...], message: str
) -> None:
    with pytest.raises(InvalidOfficeHours, match=message):
        OfficeHours(sessions=sessions)


def test_a_cutoff_outside_office_hours_is_refused() -> None:
    with pytest.raises(InvalidOfficeHours, match="cut-off"):
        OfficeHours(cutoff=dt.time(18))


def test_default_office_hours_are_eight_hours_monday_to_friday() -> None:
    hours = OfficeHours()
    assert hours.seconds_per_day == 8 * 3600
    assert hours.weekdays == frozenset(range(5))
    assert hours.cutoff == dt.time(15)


def test_a_naive_receipt_time_is_refused() -> None:
    with pytest.raises(CalendarError, match="naive"):
        CALENDAR.due(dt.datetime(2024, 3, 11, 9), TimeLimit(DAYS, 1))


def test_a_receipt_in_another_time_zone_is_taken_at_the_same_instant() -> None:
    received_utc = dt.datetime(2024, 3, 11, 2, tzinfo=dt.UTC)  # 09:00 in Vietnam

    due = CALENDAR.due(received_utc, TimeLimit(DAYS, 3))

    assert due == at(2024, 3, 14, 9)
    assert due.tzinfo == ZONE


def test_sub_seconds_of_a_receipt_are_dropped() -> None:
    received = at(2024, 3, 11, 9).replace(second=5, microsecond=999_999)

    assert CALENDAR.due(received, TimeLimit(HOURS, 1)) == at(2024, 3, 11, 10).replace(second=5)


@pytest.mark.parametrize(
    ("received", "start"),
    [
        (at(2024, 3, 11, 7, 30), at(2024, 3, 11, 8)),
        (at(2024, 3, 11, 10), at(2024, 3, 11, 10)),
        (at(2024, 3, 11, 12), at(2024, 3, 11, 13)),
        (at(2024, 3, 11, 17), at(2024, 3, 12, 8)),
        (at(2024, 3, 16, 10), at(2024, 3, 18, 8)),
        (at(2024, 2, 7, 17, 30), at(2024, 2, 15, 8)),
    ],
    ids=["before opening", "inside", "at noon", "at closing", "saturday", "eve of tet"],
)
def test_the_clock_starts_at_the_next_opening_outside_office_hours(
    received: dt.datetime, start: dt.datetime
) -> None:
    assert CALENDAR.clock_start(received) == start


def test_zero_working_days_are_due_when_the_clock_starts() -> None:
    assert CALENDAR.due(at(2024, 3, 16, 10), TimeLimit(DAYS, 0)) == at(2024, 3, 18, 8)
    assert CALENDAR.due(at(2024, 3, 11, 10), TimeLimit(HOURS, 0)) == at(2024, 3, 11, 10)


def test_a_due_moment_at_lunch_is_the_end_of_the_morning_session() -> None:
    assert CALENDAR.due(at(2024, 3, 11, 8), TimeLimit(HOURS, 4)) == at(2024, 3, 11, 12)


def test_received_on_saturday_is_due_end_of_monday() -> None:
    assert CALENDAR.due(at(2024, 3, 16, 10), TimeLimit(DAYS, 1)) == at(2024, 3, 18, 17)


def test_same_day_received_exactly_at_the_cutoff_is_due_the_next_working_day() -> None:
    same_day = TimeLimit(LimitKind.SAME_DAY, 0)

    assert CALENDAR.due(at(2024, 3, 14, 15), same_day) == at(2024, 3, 15, 17)
    assert CALENDAR.due(at(2024, 3, 14, 7), same_day) == at(2024, 3, 14, 17)


def test_zero_calendar_days_are_due_when_the_clock_starts() -> None:
    limit = TimeLimit(LimitKind.CALENDAR_DAYS, 0)

    assert CALENDAR.due(at(2024, 3, 16, 10), limit) == at(2024, 3, 18, 8)


def test_calendar_days_run_through_weekends_and_land_on_a_working_day() -> None:
    limit = TimeLimit(LimitKind.CALENDAR_DAYS, 7)

    assert CALENDAR.due(at(2024, 3, 11, 10), limit) == at(2024, 3, 18, 10)
    assert CALENDAR.due(at(2024, 3, 12, 10), TimeLimit(LimitKind.CALENDAR_DAYS, 4)) == at(
        2024, 3, 18, 10
    )


def test_calendar_days_keep_the_clock_time_so_a_later_receipt_can_fall_due_earlier() -> None:
    # Both land on a weekend and roll to Monday 11/3/2024 at their own clock time: the
    # rule of the reference cases ("same clock time on the next working day") is not
    # monotonic in the receipt. Documented in docs/deadlines.md.
    limit = TimeLimit(LimitKind.CALENDAR_DAYS, 19)

    assert CALENDAR.due(at(2024, 2, 19, 15), limit) == at(2024, 3, 11, 15)
    assert CALENDAR.due(at(2024, 2, 20, 10), limit) == at(2024, 3, 11, 10)


def test_a_province_with_other_office_hours_counts_its_own_eight_hours() -> None:
    hours = OfficeHours(
        sessions=((dt.time(7), dt.time(11, 30)), (dt.time(13, 30), dt.time(17))),
        cutoff=dt.time(15),
    )
    calendar = build_calendar([2024], office_hours=hours)

    assert hours.seconds_per_day == 8 * 3600
    assert calendar.due(at(2024, 3, 11, 11), TimeLimit(HOURS, 1)) == at(2024, 3, 11, 14)
    assert calendar.due(at(2024, 3, 11, 18), TimeLimit(DAYS, 1)) == at(2024, 3, 12, 17)
    assert calendar.version != build_calendar([2024]).version


def test_working_seconds_between_counts_only_office_time() -> None:
    assert CALENDAR.working_seconds_between(at(2024, 3, 11, 11), at(2024, 3, 11, 14)) == 7200
    assert CALENDAR.working_seconds_between(at(2024, 3, 15, 16), at(2024, 3, 18, 9)) == 7200
    assert CALENDAR.working_seconds_between(at(2024, 3, 18, 9), at(2024, 3, 15, 16)) == -7200
    assert CALENDAR.working_seconds_between(at(2024, 3, 16, 9), at(2024, 3, 17, 9)) == 0


def test_add_working_seconds_is_the_primitive_behind_working_limits() -> None:
    start = at(2024, 3, 11, 16)

    assert CALENDAR.add_working_seconds(start, 4 * 3600) == at(2024, 3, 12, 11)
    assert CALENDAR.add_working_seconds(start, 3600) == at(2024, 3, 11, 17)
    assert CALENDAR.add_working_seconds(at(2024, 3, 11, 17), 0) == at(2024, 3, 12, 8)
    with pytest.raises(CalendarError):
        CALENDAR.add_working_seconds(start, -1)


def test_a_due_date_beyond_the_calendar_years_is_refused_not_guessed() -> None:
    calendar = build_calendar([2024], margin_years=0)

    with pytest.raises(OutsideCalendar):
        calendar.due(at(2024, 12, 30, 9), TimeLimit(DAYS, 5))
    with pytest.raises(OutsideCalendar):
        calendar.due_bulk(np.array([utc64(at(2024, 12, 30, 9))]), DAYS, np.array([5]))
    with pytest.raises(OutsideCalendar):
        calendar.due(at(2023, 12, 30, 9), TimeLimit(DAYS, 1))


def test_bulk_refuses_malformed_input() -> None:
    received = np.array([utc64(at(2024, 3, 11, 9))])

    with pytest.raises(InvalidLimit, match="negative"):
        CALENDAR.due_bulk(received, DAYS, np.array([-1]))
    with pytest.raises(InvalidLimit, match="same-day"):
        CALENDAR.due_bulk(received, LimitKind.SAME_DAY, np.array([2]))
    with pytest.raises(InvalidLimit, match="Unknown"):
        CALENDAR.due_bulk(received, np.array(["weeks"]), np.array([1]))
    with pytest.raises(InvalidLimit, match="code"):
        CALENDAR.due_bulk(received, np.array([7]), np.array([1]))
    with pytest.raises(TypeError, match="datetime64"):
        CALENDAR.due_bulk(np.array([1.0]), DAYS, np.array([1]))
    with pytest.raises(OutsideCalendar):
        CALENDAR.due_bulk(np.array(["NaT"], dtype="datetime64[s]"), DAYS, np.array([1]))


def test_bulk_broadcasts_one_amount_and_keeps_the_shape() -> None:
    received = np.array([[utc64(at(2024, 3, 11, 9)), utc64(at(2024, 3, 12, 9))]])

    due = CALENDAR.due_bulk(received, "days", 1)

    assert due.shape == (1, 2)
    assert [from_utc64(v) for v in due.ravel()] == [at(2024, 3, 12, 9), at(2024, 3, 13, 9)]


def test_a_calendar_refuses_a_day_both_off_and_worked() -> None:
    day = dt.date(2024, 3, 16)
    with pytest.raises(CalendarError, match="both off and worked"):
        WorkCalendar(days_off=frozenset({day}), workdays=frozenset({day}))


def test_a_calendar_refuses_a_weekday_listed_as_worked_weekend() -> None:
    with pytest.raises(CalendarError, match="already working weekdays"):
        WorkCalendar(workdays=frozenset({dt.date(2024, 3, 14)}))


def test_a_calendar_refuses_a_time_zone_with_daylight_saving() -> None:
    with pytest.raises(CalendarError, match="fixed-offset"):
        WorkCalendar(first_year=2024, last_year=2024, tz="Europe/Paris")


def test_a_hand_built_calendar_takes_its_years_from_its_days() -> None:
    calendar = WorkCalendar(days_off=frozenset({dt.date(2024, 3, 12)}))

    assert calendar.years == range(2024, 2025)
    assert calendar.due(at(2024, 3, 11, 10), TimeLimit(DAYS, 1)) == at(2024, 3, 13, 10)
