"""The process rules are pure: no database here."""

from decimal import Decimal

import pytest

from motcua.catalog import rules
from motcua.catalog.models import LimitKind, StepKind
from motcua.catalog.rules import StepSpec, legal_budget, process_problems


def specs(*budgets, kinds=None):
    kinds = kinds or ("receive", *["appraise"] * (len(budgets) - 2), "return")
    return [
        StepSpec(i, k, Decimal(str(b)))
        for i, (k, b) in enumerate(zip(kinds, budgets, strict=True), 1)
    ]


def messages(problems):
    return [p.message for p in problems]


def test_the_rule_constants_are_the_stored_choice_values():
    assert rules.DAYS == LimitKind.WORKING_DAYS
    assert rules.HOURS == LimitKind.WORKING_HOURS
    assert rules.CALENDAR_DAYS == LimitKind.CALENDAR_DAYS
    assert rules.SAME_DAY == LimitKind.SAME_DAY
    assert rules.RECEIVE == StepKind.RECEIVE
    assert rules.RETURN == StepKind.RETURN


@pytest.mark.parametrize(
    ("kind", "amount", "hours", "exact"),
    [
        ("days", 3, 24, True),
        ("hours", 4, 4, True),
        ("same-day", 0, 8, False),
        ("calendar-days", 15, 120, False),
    ],
)
def test_legal_budget_in_working_hours(kind, amount, hours, exact):
    assert legal_budget(kind, amount) == (Decimal(hours), exact)


def test_working_day_budgets_must_add_up_exactly():
    assert process_problems(limit_kind="days", limit_amount=3, steps=specs(2, 20, 2)) == []
    problems = process_problems(limit_kind="days", limit_amount=3, steps=specs(4, 32, 4))
    assert messages(problems) == [
        "tổng thời gian các bước (40 giờ) khác thời hạn luật định (24 giờ) / "
        "step budgets (40 h) differ from the legal limit (24 h)"
    ]
    assert process_problems(limit_kind="days", limit_amount=3, steps=specs(2, 19.5, 2))


def test_working_hour_budgets_must_add_up_to_the_hours():
    assert process_problems(limit_kind="hours", limit_amount=4, steps=specs(0.5, 3, 0.5)) == []
    assert process_problems(limit_kind="hours", limit_amount=4, steps=specs(1, 3, 1))


def test_same_day_budgets_fit_in_one_working_day():
    assert process_problems(limit_kind="same-day", limit_amount=0, steps=specs(0.5, 2, 0.5)) == []
    assert process_problems(limit_kind="same-day", limit_amount=0, steps=specs(1, 6, 1)) == []
    (problem,) = process_problems(limit_kind="same-day", limit_amount=0, steps=specs(1, 7, 1))
    assert "9 giờ" in problem.vi and "9 h" in problem.en


def test_calendar_day_budgets_are_bounded_by_eight_hours_a_day():
    ok = process_problems(limit_kind="calendar-days", limit_amount=10, steps=specs(4, 60, 4))
    assert ok == []
    (problem,) = process_problems(
        limit_kind="calendar-days", limit_amount=10, steps=specs(4, 80, 4)
    )
    assert "88 h" in problem.en and "80 h" in problem.en


def test_a_process_starts_with_receive_and_ends_with_return():
    wrong = specs(2, 20, 2, kinds=("appraise", "receive", "approve"))
    found = messages(process_problems(limit_kind="days", limit_amount=3, steps=wrong))
    assert any("the first step must be 'receive'" in m for m in found)
    assert any("the last step must be 'return'" in m for m in found)
    assert any("'receive' may only be the first step" in m for m in found)


def test_steps_are_read_in_their_order_not_their_position():
    shuffled = [
        StepSpec(3, "return", Decimal(2)),
        StepSpec(1, "receive", Decimal(2)),
        StepSpec(2, "appraise", Decimal(20)),
    ]
    assert process_problems(limit_kind="days", limit_amount=3, steps=shuffled) == []


def test_duplicate_orders_negative_budgets_and_single_steps_are_refused():
    dup = [StepSpec(1, "receive", Decimal(4)), StepSpec(1, "return", Decimal(20))]
    assert any(
        "used twice" in m
        for m in messages(process_problems(limit_kind="days", limit_amount=3, steps=dup))
    )
    negative = specs(2, 24, -2)
    assert any(
        "negative" in m
        for m in messages(process_problems(limit_kind="days", limit_amount=3, steps=negative))
    )
    single = [StepSpec(1, "receive", Decimal(24))]
    assert any(
        "at least two steps" in m
        for m in messages(process_problems(limit_kind="days", limit_amount=3, steps=single))
    )


def test_hours_are_shown_with_a_decimal_comma_in_vietnamese():
    (problem,) = process_problems(limit_kind="days", limit_amount=1, steps=specs(0.5, 7, 1))
    assert "(8,5 giờ)" in problem.vi
    assert "(8.5 h)" in problem.en
