"""Properties of the deadline engine, checked on random receipts over 2024-2030.

Every test runs without hypothesis' per-example deadline: timing targets live in bench/,
never in unit tests (STYLE.md 18).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar import DeadlineLedger, LimitKind, SupplementRule, TimeLimit
from tests.calendar.support import CALENDAR, ZONE, from_utc64, utc64

HOUR = 3600
PER_DAY = CALENDAR.office_hours.seconds_per_day
SESSIONS = CALENDAR.office_hours.sessions

# Receipts at any second of 2024-2030, in local time or expressed in UTC (hypothesis takes
# naive bounds; the moments are made aware in Asia/Ho_Chi_Minh).
local_moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2030, 12, 31, 23, 59, 59),
).map(lambda naive: naive.replace(microsecond=0, tzinfo=ZONE))
receipts = st.one_of(local_moments, local_moments.map(lambda m: m.astimezone(dt.UTC)))

AMOUNT_CEILING = {
    LimitKind.WORKING_DAYS: 60,
    LimitKind.WORKING_HOURS: 200,
    LimitKind.CALENDAR_DAYS: 60,
    LimitKind.SAME_DAY: 0,
}
kinds = st.sampled_from(list(LimitKind))
limits = kinds.flatmap(
    lambda kind: st.integers(0, AMOUNT_CEILING[kind]).map(lambda n: TimeLimit(kind, n))
)
working_limits = st.sampled_from([LimitKind.WORKING_DAYS, LimitKind.WORKING_HOURS]).flatmap(
    lambda kind: st.integers(0, AMOUNT_CEILING[kind]).map(lambda n: TimeLimit(kind, n))
)


def limit_seconds(limit: TimeLimit) -> int:
    return limit.amount * (PER_DAY if limit.kind is LimitKind.WORKING_DAYS else HOUR)


def inside_office_hours(moment: dt.datetime) -> bool:
    """On a working day, within a session; both session bounds count as inside."""
    local = moment.astimezone(ZONE)
    clock = local.time()
    working = CALENDAR.is_working_day(local.date())
    return working and any(start <= clock <= end for start, end in SESSIONS)


@settings(deadline=None)
@given(received=receipts, limit=limits)
def test_a_due_moment_is_inside_office_hours_on_a_working_day(
    received: dt.datetime, limit: TimeLimit
) -> None:
    assert inside_office_hours(CALENDAR.due(received, limit))


@settings(deadline=None)
@given(received=receipts, limit=limits)
def test_a_due_moment_is_never_before_the_receipt_or_the_clock_start(
    received: dt.datetime, limit: TimeLimit
) -> None:
    due = CALENDAR.due(received, limit)

    assert due >= received
    if limit.kind is not LimitKind.SAME_DAY:
        assert due >= CALENDAR.clock_start(received)


@settings(deadline=None)
@given(received=receipts, kind=kinds, amounts=st.tuples(st.integers(0, 60), st.integers(0, 60)))
def test_the_due_moment_grows_with_the_limit(
    received: dt.datetime, kind: LimitKind, amounts: tuple[int, int]
) -> None:
    if kind is LimitKind.SAME_DAY:
        amounts = (0, 0)
    small, large = sorted(amounts)

    assert CALENDAR.due(received, TimeLimit(kind, small)) <= CALENDAR.due(
        received, TimeLimit(kind, large)
    )


# Not calendar days: "the same clock time on the next working day" lets a later receipt
# land earlier on the same day (docs/deadlines.md, and the test in test_work_calendar.py).
monotone_limits = st.one_of(working_limits, st.just(TimeLimit(LimitKind.SAME_DAY, 0)))


@settings(deadline=None)
@given(first=receipts, second=receipts, limit=monotone_limits)
def test_a_later_receipt_is_never_due_earlier(
    first: dt.datetime, second: dt.datetime, limit: TimeLimit
) -> None:
    early, late = sorted((first, second))

    assert CALENDAR.due(early, limit) <= CALENDAR.due(late, limit)


@settings(deadline=None)
@given(received=receipts, limit=working_limits)
def test_a_working_limit_spans_exactly_its_office_time_from_the_clock_start(
    received: dt.datetime, limit: TimeLimit
) -> None:
    due = CALENDAR.due(received, limit)

    assert CALENDAR.working_seconds_between(received, due) == limit_seconds(limit)


@settings(deadline=None)
@given(start=receipts, seconds=st.integers(1, 40 * PER_DAY))
def test_adding_working_seconds_is_undone_by_counting_them(
    start: dt.datetime, seconds: int
) -> None:
    end = CALENDAR.add_working_seconds(start, seconds)

    assert CALENDAR.working_seconds_between(start, end) == seconds
    # Boundary rule: one second less never lands after the same boundary.
    assert CALENDAR.add_working_seconds(start, seconds - 1 or 1) <= end


@settings(max_examples=60, deadline=None)
@given(cases=st.lists(st.tuples(receipts, limits), min_size=1, max_size=40))
def test_bulk_equals_one_at_a_time(cases: list[tuple[dt.datetime, TimeLimit]]) -> None:
    received = np.array([utc64(moment) for moment, _ in cases], dtype="datetime64[s]")
    codes = np.array([limit.kind.code for _, limit in cases], dtype=np.int8)
    amounts = np.array([limit.amount for _, limit in cases], dtype=np.int64)

    bulk = CALENDAR.due_bulk(received, codes, amounts)

    assert [from_utc64(value) for value in bulk] == [
        CALENDAR.due(moment, limit) for moment, limit in cases
    ]


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(receipts, receipts), min_size=1, max_size=20))
def test_bulk_working_seconds_equal_one_at_a_time(
    pairs: list[tuple[dt.datetime, dt.datetime]],
) -> None:
    a = np.array([utc64(first) for first, _ in pairs], dtype="datetime64[s]")
    b = np.array([utc64(second) for _, second in pairs], dtype="datetime64[s]")

    assert CALENDAR.working_seconds_between_bulk(a, b).tolist() == [
        CALENDAR.working_seconds_between(first, second) for first, second in pairs
    ]


supplement_offsets = st.tuples(st.integers(0, 10 * PER_DAY), st.integers(0, 60 * 86_400))


@settings(deadline=None)
@given(received=local_moments, limit=working_limits, offsets=supplement_offsets)
def test_a_paused_supplement_moves_the_due_moment_by_the_waiting_office_time(
    received: dt.datetime, limit: TimeLimit, offsets: tuple[int, int]
) -> None:
    requested = CALENDAR.add_working_seconds(received, offsets[0])
    completed = requested + dt.timedelta(seconds=offsets[1])
    ledger = (
        DeadlineLedger.open(
            CALENDAR, start=received, limit=limit, supplement_rule=SupplementRule.PAUSE
        )
        .request_supplement(requested)
        .complete_supplement(completed)
    )
    waited = CALENDAR.working_seconds_between(requested, completed)

    due = ledger.due(CALENDAR)

    assert due is not None
    assert ledger.waiting_seconds(CALENDAR) == waited
    assert due >= CALENDAR.due(received, limit)
    if limit_seconds(limit) + waited > 0:
        assert CALENDAR.working_seconds_between(received, due) == limit_seconds(limit) + waited
    assert ledger.statistical_due(CALENDAR) == due


@settings(deadline=None)
@given(received=local_moments, limit=limits, offsets=supplement_offsets)
def test_a_restarted_supplement_counts_the_limit_again_from_the_completion(
    received: dt.datetime, limit: TimeLimit, offsets: tuple[int, int]
) -> None:
    requested = CALENDAR.add_working_seconds(received, offsets[0])
    completed = requested + dt.timedelta(seconds=offsets[1])
    ledger = (
        DeadlineLedger.open(CALENDAR, start=received, limit=limit)
        .request_supplement(requested)
        .complete_supplement(completed)
    )

    due = ledger.due(CALENDAR)

    assert due == CALENDAR.due(completed, limit)
    if limit.kind is not LimitKind.CALENDAR_DAYS:
        assert due >= CALENDAR.due(received, limit)


def test_bulk_equals_one_at_a_time_on_three_thousand_seeded_receipts_of_all_kinds() -> None:
    rng = np.random.default_rng(766)
    first = utc64(dt.datetime(2024, 1, 1, tzinfo=ZONE)).astype(np.int64)
    last = utc64(dt.datetime(2031, 1, 1, tzinfo=ZONE)).astype(np.int64)
    received = rng.integers(first, last, 3000).view("datetime64[s]")
    codes = rng.integers(0, 4, 3000).astype(np.int8)
    amounts = np.where(codes == LimitKind.SAME_DAY.code, 0, rng.integers(0, 61, 3000))

    bulk = CALENDAR.due_bulk(received, codes, amounts)

    for moment, code, amount, due in zip(received, codes, amounts, bulk, strict=True):
        limit = TimeLimit(LimitKind.from_code(int(code)), int(amount))
        assert from_utc64(due) == CALENDAR.due(from_utc64(moment), limit)


def test_bulk_of_nothing_is_nothing() -> None:
    empty = np.array([], dtype="datetime64[s]")

    assert CALENDAR.due_bulk(empty, LimitKind.WORKING_DAYS, 1).shape == (0,)
    assert CALENDAR.due_bulk(empty, np.array([], dtype=np.int8), np.array([], dtype=int)).size == 0
