from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.catalog.models import Process, ProcessMissing, ProcessStep, StepKind
from motcua.catalog.services import catalog_import
from motcua.units.models import Role
from tests.catalog.support import catalogue, item


@pytest.fixture
def procedure(db):
    from motcua.catalog.models import Procedure

    catalog_import(data=catalogue(item("P-001")), source="test")
    return Procedure.objects.get(code="P-001")


def own_process(procedure, agency, *budgets):
    process = Process.objects.create(procedure=procedure, agency=agency, name=f"Của {agency}")
    kinds = [StepKind.RECEIVE, *[StepKind.APPRAISE] * (len(budgets) - 2), StepKind.RETURN]
    for order, (kind, budget) in enumerate(zip(kinds, budgets, strict=True), start=1):
        ProcessStep.objects.create(
            process=process,
            order=order,
            kind=kind,
            role=Role.SPECIALIST,
            budget_hours=Decimal(budget),
        )
    return process


def test_an_agency_with_its_own_process_gets_it_rather_than_the_template(procedure, personas):
    own = own_process(procedure, personas.agency_a, 1, 22, 1)
    assert Process.objects.for_procedure(procedure, personas.agency_a) == own


def test_an_agency_without_its_own_process_gets_the_national_template(procedure, personas):
    own_process(procedure, personas.agency_a, 1, 22, 1)
    found = Process.objects.for_procedure(procedure, personas.agency_b)
    assert found.is_template
    assert found.name == "Quy trình P-001"


def test_without_an_agency_the_template_is_returned_with_its_steps_in_order(
    procedure, django_assert_num_queries
):
    with django_assert_num_queries(2):
        process = Process.objects.for_procedure(procedure)
        kinds = [step.kind for step in process.steps.all()]
    assert kinds == ["receive", "appraise", "return"]


def test_no_own_process_and_no_template_raises_process_missing(procedure, personas):
    procedure.processes.all().delete()
    with pytest.raises(ProcessMissing, match="P-001"):
        Process.objects.for_procedure(procedure, personas.agency_a)


def test_an_agency_has_at_most_one_process_per_procedure(procedure, personas):
    own_process(procedure, personas.agency_a, 1, 22, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Process.objects.create(procedure=procedure, agency=personas.agency_a, name="Thứ hai")


def test_check_steps_refuses_budgets_that_miss_the_limit(procedure, personas):
    process = own_process(procedure, personas.agency_a, 1, 30, 1)
    with pytest.raises(ValidationError) as error:
        process.check_steps()
    assert "step budgets (32 h) differ from the legal limit (24 h)" in error.value.messages[0]
    Process.objects.for_procedure(procedure).check_steps()


def test_officers_see_templates_and_their_own_agencies_processes_only(procedure, personas):
    own_a = own_process(procedure, personas.agency_a, 1, 22, 1)
    own_c = own_process(procedure, personas.agency_c, 1, 22, 1)
    template = Process.objects.for_procedure(procedure)
    seen_by_a = set(Process.objects.visible_to(personas.counter_a))
    assert seen_by_a == {template, own_a}
    assert own_c not in Process.objects.visible_to(personas.provincial_leader)
    assert not Process.objects.visible_to(personas.citizen).exists()
