"""The reference cases of shared/data/deadline-cases.csv, one at a time and in bulk."""

from __future__ import annotations

import numpy as np
import pytest

from motcua.calendar import LimitKind
from tests.calendar.support import CALENDAR, ZONE, ReferenceCase, reference_cases, utc64

# Read at collection: a missing file is a collection error (the run fails), not a skip.
CASES = reference_cases()


def test_the_reference_file_holds_all_eighteen_cases() -> None:
    assert len(CASES) == 18


@pytest.mark.parametrize("case", CASES, ids=[case.note for case in CASES])
def test_reference_case_is_due_at_the_expected_moment(case: ReferenceCase) -> None:
    due = CALENDAR.due(case.received, case.limit)

    assert due == case.due
    assert due.utcoffset() == case.due.utcoffset()
    assert due.tzinfo == ZONE


def test_reference_cases_in_bulk_with_kind_names_match_the_expected_moments() -> None:
    received = np.array([utc64(case.received) for case in CASES])
    kinds = np.array([case.limit.kind.value for case in CASES])
    amounts = np.array([case.limit.amount for case in CASES])

    due = CALENDAR.due_bulk(received, kinds, amounts)

    assert due.dtype == np.dtype("datetime64[s]")
    assert due.tolist() == [utc64(case.due).item() for case in CASES]


def test_reference_cases_in_bulk_with_kind_codes_match_the_expected_moments() -> None:
    received = np.array([utc64(case.received) for case in CASES])
    codes = np.array([case.limit.kind.code for case in CASES], dtype=np.int8)
    amounts = np.array([case.limit.amount for case in CASES], dtype=np.int32)

    due = CALENDAR.due_bulk(received, codes, amounts)

    assert due.tolist() == [utc64(case.due).item() for case in CASES]


@pytest.mark.parametrize("kind", list(LimitKind))
def test_reference_cases_of_one_kind_in_bulk_match_the_expected_moments(kind: LimitKind) -> None:
    cases = [case for case in CASES if case.limit.kind is kind]
    received = np.array([utc64(case.received) for case in cases], dtype="datetime64[s]")
    amounts = np.array([case.limit.amount for case in cases], dtype=np.int64)

    due = CALENDAR.due_bulk(received, kind, amounts)

    assert due.tolist() == [utc64(case.due).item() for case in cases]
