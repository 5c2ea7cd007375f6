"""How an internal process must fit its procedure's legal time limit: pure, no Django.

A process template splits the legal time limit between its steps (Decree 61/2018/ND-CP
art. 20-21 and Circular 01/2018/TT-VPCP art. 13: each unit's time is measured against its
share of the limit). Budgets are in working hours so that one unit serves every kind of
limit:

- working days: the budgets add up to exactly ``days × 8`` hours (the civil service works
  8 hours a day, 40 a week: Decision 188/1999/QD-TTg; office hours are set per province,
  but a day of the limit is always one working day);
- working hours: exactly the number of hours;
- same day: at most 8 hours (one working day; the afternoon cut-off is the calendar's job);
- calendar days: at most ``days × 8`` hours. Weekends and holidays inside a calendar-day
  limit are not working time, so the budgets cannot be pinned to an exact figure; the
  bound only catches a template that could never fit.

The messages are Vietnamese first, then English, as the product promises for bad input.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "HOURS_PER_WORKING_DAY",
    "Problem",
    "StepSpec",
    "format_hours",
    "legal_budget",
    "process_problems",
]

HOURS_PER_WORKING_DAY = Decimal(8)

# The stored values of LimitKind and StepKind (motcua.catalog.models); repeated here so this
# module stays importable without Django. tests/catalog/test_rules.py keeps them in step.
DAYS = "days"
HOURS = "hours"
CALENDAR_DAYS = "calendar-days"
SAME_DAY = "same-day"
RECEIVE = "receive"
RETURN = "return"

_KIND_LABELS_VI = {RECEIVE: "Tiếp nhận", RETURN: "Trả kết quả"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, located by ``field`` (e.g. ``process.steps``)."""

    field: str
    vi: str
    en: str

    @property
    def message(self) -> str:
        return f"{self.vi} / {self.en}"


@dataclass(frozen=True, slots=True)
class StepSpec:
    order: int
    kind: str
    budget_hours: Decimal


def format_hours(hours: Decimal, *, lang: str = "en") -> str:
    """``Decimal("40.00")`` → ``"40"``; ``Decimal("2.50")`` → ``"2.5"`` (``"2,5"`` in vi)."""
    text = f"{hours.normalize():f}"
    return text.replace(".", ",") if lang == "vi" else text


def legal_budget(limit_kind: str, limit_amount: int) -> tuple[Decimal, bool]:
    """The hours a process may spend, and whether the budgets must add up to it exactly."""
    amount = Decimal(limit_amount)
    if limit_kind == DAYS:
        return amount * HOURS_PER_WORKING_DAY, True
    if limit_kind == HOURS:
        return amount, True
    if limit_kind == SAME_DAY:
        return HOURS_PER_WORKING_DAY, False
    if limit_kind == CALENDAR_DAYS:
        return amount * HOURS_PER_WORKING_DAY, False
    raise ValueError(f"unknown limit kind {limit_kind!r}")


def process_problems(
    *, limit_kind: str, limit_amount: int, steps: Sequence[StepSpec], field: str = "steps"
) -> list[Problem]:
    """Everything wrong with ``steps`` as a process for the given legal limit.

    The steps are read in ``order``: the first receives the dossier, the last returns the
    result (Decree 61/2018 art. 15-20: a dossier enters and leaves through the one-stop
    desk), and the budgets fit the limit as described in the module docstring.
    """
    problems: list[Problem] = []
    if len(steps) < 2:
        return [
            Problem(
                field,
                "quy trình phải có ít nhất hai bước (tiếp nhận và trả kết quả)",
                "a process needs at least two steps (receive and return)",
            )
        ]
    seen: set[int] = set()
    for step in steps:
        if step.order in seen:
            problems.append(
                Problem(
                    field,
                    f"thứ tự bước {step.order} bị trùng",
                    f"step order {step.order} is used twice",
                )
            )
        seen.add(step.order)
        if step.budget_hours < 0:
            problems.append(
                Problem(
                    field,
                    f"bước {step.order}: thời gian không được âm",
                    f"step {step.order}: the budget cannot be negative",
                )
            )
    ordered = sorted(steps, key=lambda s: s.order)
    first, last = ordered[0], ordered[-1]
    if first.kind != RECEIVE:
        problems.append(
            Problem(
                field,
                f"bước đầu tiên phải là «Tiếp nhận» (đang là «{first.kind}»)",
                f"the first step must be 'receive' (got '{first.kind}')",
            )
        )
    if last.kind != RETURN:
        problems.append(
            Problem(
                field,
                f"bước cuối cùng phải là «Trả kết quả» (đang là «{last.kind}»)",
                f"the last step must be 'return' (got '{last.kind}')",
            )
        )
    for step in ordered[1:-1]:
        if step.kind in (RECEIVE, RETURN):
            problems.append(
                Problem(
                    field,
                    f"bước {step.order}: «{_KIND_LABELS_VI[step.kind]}» chỉ được là bước "
                    f"{'đầu tiên' if step.kind == RECEIVE else 'cuối cùng'}",
                    f"step {step.order}: '{step.kind}' may only be the "
                    f"{'first' if step.kind == RECEIVE else 'last'} step",
                )
            )
    problems.extend(_budget_problems(limit_kind, limit_amount, steps, field))
    return problems


def _budget_problems(
    limit_kind: str, limit_amount: int, steps: Sequence[StepSpec], field: str
) -> list[Problem]:
    limit, exact = legal_budget(limit_kind, limit_amount)
    total = sum((s.budget_hours for s in steps), Decimal(0))
    total_vi, total_en = format_hours(total, lang="vi"), format_hours(total)
    limit_vi, limit_en = format_hours(limit, lang="vi"), format_hours(limit)
    if exact and total != limit:
        return [
            Problem(
                field,
                f"tổng thời gian các bước ({total_vi} giờ) khác thời hạn luật định "
                f"({limit_vi} giờ)",
                f"step budgets ({total_en} h) differ from the legal limit ({limit_en} h)",
            )
        ]
    if not exact and total > limit:
        if limit_kind == SAME_DAY:
            return [
                Problem(
                    field,
                    f"tổng thời gian các bước ({total_vi} giờ) vượt quá một ngày làm việc "
                    f"({limit_vi} giờ) của thủ tục giải quyết trong ngày",
                    f"step budgets ({total_en} h) exceed the one working day ({limit_en} h) "
                    "of a same-day procedure",
                )
            ]
        return [
            Problem(
                field,
                f"tổng thời gian các bước ({total_vi} giờ) vượt quá {limit_amount} ngày × 8 giờ "
                f"({limit_vi} giờ)",
                f"step budgets ({total_en} h) exceed {limit_amount} days × 8 h ({limit_en} h)",
            )
        ]
    return []
