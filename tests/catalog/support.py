"""Builders of valid catalogue items for the import tests; each test changes one thing."""

import copy
from typing import Any


def steps(*budgets: float, kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Steps with the given budgets: receive, appraise…, return (first and last fixed)."""
    if kinds is None:
        kinds = ("receive", *["appraise"] * (len(budgets) - 2), "return")
    roles = {"receive": "counter_officer", "return": "counter_officer", "approve": "leader"}
    return [
        {"order": i, "kind": k, "role": roles.get(k, "specialist"), "budget_hours": b}
        for i, (k, b) in enumerate(zip(kinds, budgets, strict=True), start=1)
    ]


def item(code: str = "T-001", **overrides: Any) -> dict[str, Any]:
    """A valid procedure: 3 working days, budgets 2 + 20 + 2 = 24 hours."""
    data: dict[str, Any] = {
        "code": code,
        "name": f"Thủ tục thử nghiệm {code}",
        "field": "Thử nghiệm",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "limit_kind": "days",
        "limit_amount": 3,
        "limit_source": "Nghị định thử nghiệm, Điều 1",
        "result_type": "Giấy xác nhận",
        "online_level": "full",
        "documents": [
            {"name": "Tờ khai", "form": "original", "template_name": "Mẫu TK"},
            {"name": "Giấy tờ kèm theo", "form": "copy", "mandatory": False},
        ],
        "process": {"name": f"Quy trình {code}", "steps": steps(2, 20, 2)},
    }
    data.update(copy.deepcopy(overrides))
    return data


def catalogue(*items: dict[str, Any]) -> dict[str, Any]:
    return {"format": "motcua-catalog", "version": 1, "procedures": list(items)}
