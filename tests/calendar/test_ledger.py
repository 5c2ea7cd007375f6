"""Scenarios of a dossier's deadline ledger: supplements, extension, statistics, storage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from motcua.calendar import (
    DECREE_61_2018,
    DECREE_118_2025,
    DeadlineLedger,
    ExtensionAlreadyUsed,
    LedgerError,
    LimitKind,
    SupplementRule,
    TimeLimit,
    Timeliness,
    legal_rule_for,
)
from tests.calendar.support import CALENDAR, at

THREE_DAYS = TimeLimit(LimitKind.WORKING_DAYS, 3)
RECEIVED = at(2024, 3, 11, 10)  # Monday
REQUESTED = at(2024, 3, 12, 9)  # Tuesday: 7 working hours used
COMPLETED = at(2024, 3, 18, 14)  # next Monday: 36 working hours of waiting


def ledger(rule: SupplementRule = SupplementRule.RESTART) -> DeadlineLedger:
    return DeadlineLedger.open(CALENDAR, start=RECEIVED, limit=THREE_DAYS, supplement_rule=rule)


def supplemented(rule: SupplementRule = SupplementRule.RESTART) -> DeadlineLedger:
    return ledger(rule).request_supplement(REQUESTED).complete_supplement(COMPLETED)


def test_a_fresh_ledger_is_due_as_the_calendar_says_and_records_the_calendar() -> None:
    fresh = ledger()

    assert fresh.due(CALENDAR) == at(2024, 3, 14, 10)
    assert fresh.calendar_version == CALENDAR.version
    assert fresh.rule == DECREE_61_2018
    assert fresh.supplement_count == 0


def test_a_dossier_received_from_july_2025_is_handled_under_decree_118() -> None:
    assert legal_rule_for(at(2025, 6, 30, 16)) == DECREE_61_2018
    assert legal_rule_for(at(2025, 7, 1, 8)) == DECREE_118_2025


def test_while_a_supplement_is_outstanding_there_is_no_due_moment() -> None:
    waiting = ledger().request_supplement(REQUESTED)

    assert waiting.due(CALENDAR) is None
    assert waiting.statistical_due(CALENDAR) is None
    assert waiting.outstanding_supplement is not None


def test_restart_counts_the_whole_limit_again_from_the_complete_dossier() -> None:
    # Decree 61/2018 art. 19.4: three working days from Monday 18/3 14:00.
    assert supplemented().due(CALENDAR) == at(2024, 3, 21, 14)


def test_pause_resumes_with_the_working_time_left() -> None:
    paused = supplemented(SupplementRule.PAUSE)

    # 7 h used before the request; the 17 h left run from Monday 18/3 14:00.
    assert paused.waiting_seconds(CALENDAR) == 36 * 3600
    assert paused.due(CALENDAR) == at(2024, 3, 20, 15)


def test_statistics_subtract_the_waiting_time_whatever_the_legal_rule() -> None:
    # Decision 766/QD-TTg: the original due shifted by the waiting office time.
    assert supplemented().statistical_due(CALENDAR) == at(2024, 3, 20, 15)
    assert supplemented(SupplementRule.PAUSE).statistical_due(CALENDAR) == at(2024, 3, 20, 15)


def test_an_outstanding_supplement_counts_its_wait_up_to_now_when_asked() -> None:
    waiting = ledger().request_supplement(REQUESTED)
    now = at(2024, 3, 12, 17)

    assert waiting.waiting_seconds(CALENDAR) == 0
    assert waiting.waiting_seconds(CALENDAR, now=now) == 7 * 3600
    assert waiting.statistical_due(CALENDAR, now=now) == at(2024, 3, 15, 9)


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        (at(2024, 3, 19, 16), Timeliness.EARLY),
        (at(2024, 3, 20, 8), Timeliness.ON_TIME),
        (at(2024, 3, 20, 16, 59), Timeliness.ON_TIME),
        (at(2024, 3, 21, 8), Timeliness.LATE),
    ],
    ids=["day before", "due date morning", "due date after the due hour", "day after"],
)
def test_statistics_compare_the_date_processing_ended_with_the_due_date(
    finished: dt.datetime, outcome: Timeliness
) -> None:
    one = supplemented()

    assert one.statistics_outcome(CALENDAR, finished) is outcome
    assert one.counts_late_for_statistics(CALENDAR, finished) is (outcome is Timeliness.LATE)


def test_more_than_one_supplement_request_counts_as_late_even_when_finished_early() -> None:
    twice = (
        supplemented()
        .request_supplement(at(2024, 3, 19, 9))
        .complete_supplement(at(2024, 3, 19, 10))
    )

    assert twice.supplement_count == 2
    assert twice.statistics_outcome(CALENDAR, at(2024, 3, 19, 11)) is Timeliness.LATE
    assert twice.counts_late_for_statistics(CALENDAR, at(2024, 3, 19, 11))


def test_a_dossier_in_progress_is_late_for_statistics_once_its_due_date_has_passed() -> None:
    fresh = ledger()

    assert not fresh.counts_late_for_statistics(CALENDAR, at(2024, 3, 14, 16))
    assert fresh.counts_late_for_statistics(CALENDAR, at(2024, 3, 15, 8))


def test_an_extension_sets_the_new_appointment() -> None:
    extended = ledger().extend(at(2024, 3, 20, 17), "site inspection needed")

    assert extended.due(CALENDAR) == at(2024, 3, 20, 17)
    # Statistics keep the original due date: the apology does not make a dossier on time.
    assert extended.statistical_due(CALENDAR) == at(2024, 3, 14, 10)


def test_a_second_extension_is_refused() -> None:
    extended = ledger().extend(at(2024, 3, 20, 17), "site inspection needed")

    with pytest.raises(ExtensionAlreadyUsed, match=r"19\.9"):
        extended.extend(at(2024, 3, 27, 17), "again")


def test_an_extension_needs_a_reason_and_an_aware_date() -> None:
    with pytest.raises(LedgerError, match="reason"):
        ledger().extend(at(2024, 3, 20, 17), "  ")
    with pytest.raises(LedgerError, match="timezone-aware"):
        ledger().extend(dt.datetime(2024, 3, 20, 17), "late")


def test_a_supplement_cannot_be_completed_before_it_was_requested() -> None:
    with pytest.raises(LedgerError, match="before it was requested"):
        ledger().request_supplement(REQUESTED).complete_supplement(at(2024, 3, 12, 8))


def test_a_new_supplement_cannot_be_requested_while_one_is_outstanding() -> None:
    with pytest.raises(LedgerError, match="already outstanding"):
        ledger().request_supplement(REQUESTED).request_supplement(at(2024, 3, 13, 9))


def test_a_supplement_cannot_be_completed_when_none_is_outstanding() -> None:
    with pytest.raises(LedgerError, match="No supplement"):
        ledger().complete_supplement(COMPLETED)


def test_a_supplement_cannot_be_requested_before_the_receipt_or_the_last_completion() -> None:
    with pytest.raises(LedgerError, match="before"):
        ledger().request_supplement(at(2024, 3, 11, 9))
    with pytest.raises(LedgerError, match="before"):
        supplemented().request_supplement(at(2024, 3, 18, 13))


def test_the_ledger_is_immutable_and_events_return_new_ledgers() -> None:
    original = ledger()
    requested = original.request_supplement(REQUESTED)

    assert original.supplements == ()
    assert requested.supplement_count == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        original.rule = "other"  # type: ignore[misc]


def test_the_supplement_request_is_due_within_three_working_days() -> None:
    assert ledger().supplement_request_deadline(CALENDAR) == at(2024, 3, 14, 10)


def test_recording_another_calendar_changes_only_the_version() -> None:
    other = dataclasses.replace(ledger(), calendar_version="0" * 12)

    assert other.recorded_with(CALENDAR) == ledger()


@pytest.mark.parametrize(
    "state",
    [
        ledger(),
        ledger(SupplementRule.PAUSE).request_supplement(REQUESTED),
        supplemented().extend(at(2024, 3, 27, 17), "inter-agency consultation"),
    ],
    ids=["fresh", "outstanding supplement", "supplemented and extended"],
)
def test_a_ledger_survives_a_json_round_trip(state: DeadlineLedger) -> None:
    stored = json.loads(json.dumps(state.to_dict()))

    restored = DeadlineLedger.from_dict(stored)

    assert restored == state
    assert restored.to_dict() == state.to_dict()
    assert restored.due(CALENDAR) == state.due(CALENDAR)


def test_the_stored_form_uses_iso_strings_and_the_limit_names() -> None:
    stored = supplemented().to_dict()

    assert stored["start"] == "2024-03-11T10:00:00+07:00"
    assert stored["limit"] == {"kind": "days", "amount": 3}
    assert stored["supplements"][0]["completed_at"] == "2024-03-18T14:00:00+07:00"
    assert stored["supplement_rule"] == "restart"


@pytest.mark.parametrize(
    "damage",
    [
        {"limit": {"kind": "weeks", "amount": 1}},
        {"start": "2024-03-11T10:00:00"},
        {"start": 12},
        {"supplements": [{"requested_at": "2024-03-10T10:00:00+07:00"}]},
        {"schema": 99},
    ],
    ids=["unknown kind", "naive start", "not a string", "request before start", "schema"],
)
def test_malformed_stored_ledgers_are_refused(damage: dict[str, object]) -> None:
    stored = {**ledger().to_dict(), **damage}

    with pytest.raises(LedgerError):
        DeadlineLedger.from_dict(stored)


def test_a_stored_ledger_missing_a_field_is_refused() -> None:
    stored = ledger().to_dict()
    del stored["rule"]

    with pytest.raises(LedgerError, match="Malformed"):
        DeadlineLedger.from_dict(stored)
