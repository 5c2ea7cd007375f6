import pytest
from django.db import IntegrityError, transaction

from motcua import calendar
from motcua.catalog.models import (
    MAX_LIMIT_AMOUNT,
    LimitKind,
    Procedure,
    Process,
    SupplementRule,
)


def make_procedure(code="M-001", **fields) -> Procedure:
    values = {
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "limit_kind": "same-day",
        "limit_amount": 0,
        "limit_source": "Luật Hộ tịch 2014, Điều 16",
        "result_type": "Giấy khai sinh",
        "online_level": "full",
    }
    values.update(fields)
    return Procedure.objects.create(code=code, **values)


def test_limit_kind_values_equal_the_calendar_engine_values():
    assert sorted(LimitKind.values) == sorted(kind.value for kind in calendar.LimitKind)


def test_supplement_rule_values_equal_the_calendar_engine_values():
    assert sorted(SupplementRule.values) == sorted(rule.value for rule in calendar.SupplementRule)


def test_the_largest_limit_is_the_one_the_calendar_accepts():
    assert MAX_LIMIT_AMOUNT == calendar.MAX_AMOUNT


def test_a_procedure_time_limit_is_kind_and_amount(db):
    procedure = make_procedure(limit_kind="days", limit_amount=3)
    assert procedure.time_limit() == (LimitKind.WORKING_DAYS, 3)
    kind, amount = procedure.time_limit()
    # The pair feeds the calendar engine as it is.
    assert str(calendar.TimeLimit(kind, amount)) == "3 working days"


def test_supplement_rule_defaults_to_restart_per_decree_61_article_19_4(db):
    assert make_procedure().supplement_rule == SupplementRule.RESTART


def test_search_text_is_kept_up_to_date_on_save(db):
    procedure = make_procedure(code="1.001193")
    assert procedure.search_text == "dang ky khai sinh 1.001193"
    procedure.name = "Đăng ký lại khai sinh"
    procedure.save(update_fields=["name"])
    procedure.refresh_from_db()
    assert procedure.search_text == "dang ky lai khai sinh 1.001193"


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("same-day", 3), ("days", 0), ("hours", 0), ("calendar-days", 0), ("days", 4000)],
)
def test_the_database_refuses_an_amount_that_does_not_fit_the_kind(db, kind, amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_procedure(limit_kind=kind, limit_amount=amount)


def test_the_database_refuses_an_unknown_limit_kind(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_procedure(limit_kind="weeks", limit_amount=2)


def test_a_procedure_has_at_most_one_national_template(db):
    procedure = make_procedure()
    Process.objects.create(procedure=procedure, name="Mẫu")
    with pytest.raises(IntegrityError), transaction.atomic():
        Process.objects.create(procedure=procedure, name="Mẫu thứ hai")
