"""Fixtures for dossier tests: a procedure with its process, commune staff, a frozen clock."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.catalog.models import Procedure, Process, ProcessStep
from motcua.dossiers.models import Channel
from motcua.dossiers.services import Applicant, dossier_submit
from motcua.units.models import Role
from motcua.units.services import officer_create, role_grant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
APPLICANT = Applicant(
    name="Nguyễn Thị Ngọc Ánh",
    id_number="046190001234",
    phone="0912345678",
    address="Số 12 đường Lê Lợi, phường Phú Xuân, thành phố Huế",
)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def clock():
    """Monday 9 March 2026, 09:00 in Huế; tests move it with ``clock.move_to``."""
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False) as traveller:
        yield traveller


def make_procedure(code="1.001193", *, days=3, rule="restart", name="Đăng ký khai sinh"):
    procedure = Procedure.objects.create(
        code=code,
        name=name,
        field="Hộ tịch",
        level="commune",
        competent_agency="Ủy ban nhân dân cấp xã",
        limit_kind="days",
        limit_amount=days,
        limit_source="Luật Hộ tịch 2014, Điều 16",
        supplement_rule=rule,
        fee_vnd=0,
        result_type="Giấy khai sinh",
        online_level="full",
    )
    process = Process.objects.create(procedure=procedure, agency=None, name=f"Quy trình {name}")
    total = Decimal(days * 8)
    budgets = [
        ("receive", Role.COUNTER_OFFICER, Decimal(1)),
        ("assign", Role.HEAD_OF_DEPARTMENT, Decimal(2)),
        ("appraise", Role.SPECIALIST, total - 7),
        ("approve", Role.LEADER, Decimal(3)),
        ("return", Role.COUNTER_OFFICER, Decimal(1)),
    ]
    for order, (kind, role, hours) in enumerate(budgets, start=1):
        ProcessStep.objects.create(
            process=process, order=order, kind=kind, role=role, budget_hours=hours
        )
    return procedure


@pytest.fixture
def procedure(db):
    return make_procedure()


@pytest.fixture
def staff(personas):
    """Commune A's leader in addition to the shared personas."""
    leader = officer_create(
        username="leader_a", password=None, full_name="Phạm Quốc Hùng", agency=personas.agency_a
    )
    role_grant(user=leader, role=Role.LEADER, unit=personas.commune_a)
    personas.leader_a = leader
    return personas


@pytest.fixture
def submit(staff, procedure, clock):
    def _submit(**overrides):
        arguments = {
            "procedure": procedure,
            "receiving_agency": staff.agency_a,
            "applicant": APPLICANT,
            "channel": Channel.COUNTER,
            "user": staff.counter_a,
        }
        arguments.update(overrides)
        return dossier_submit(**arguments)

    return _submit


PDF = b"%PDF-1.4\n% draft result\n"
