"""Shared fixtures: the administrative units, and the personas every access test uses."""

import os
from dataclasses import dataclass

import pytest

from motcua.units.loading import load_units
from motcua.units.models import Agency, AgencyKind, Dataset, Level, Role, Unit, User
from motcua.units.services import agency_create, officer_create, role_grant

HUE = 46
HA_NOI = 1


def _ensure_units() -> None:
    # Transactional tests flush the database; reload the units when they are gone.
    if not Unit.objects.filter(dataset=Dataset.TWO_LEVEL).exists():
        load_units(force=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the ~14,000 units once per test database rather than once per test."""
    with django_db_blocker.unblock():
        load_units(force=True)


@pytest.fixture
def units(db):
    _ensure_units()


def two_level(level: str, code: int) -> Unit:
    return Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=level, code=code)


@dataclass
class Personas:
    province: Unit
    commune_a: Unit
    commune_b: Unit
    other_province: Unit
    commune_c: Unit
    agency_a: Agency
    agency_b: Agency
    provincial_center: Agency
    agency_c: Agency
    counter_a: User
    specialist_a: User
    counter_b: User
    provincial_leader: User
    inspector: User
    outsider: User
    citizen: User


@pytest.fixture
def personas(units) -> Personas:
    province = two_level(Level.PROVINCE, HUE)
    commune_a, commune_b = Unit.objects.filter(province=province, level=Level.COMMUNE).order_by(
        "code"
    )[:2]
    other_province = two_level(Level.PROVINCE, HA_NOI)
    commune_c = Unit.objects.filter(province=other_province, level=Level.COMMUNE).first()

    def agency(unit, identifier, kind=AgencyKind.COMMUNE_OFFICE):
        return agency_create(unit=unit, name=f"UBND {unit.name}", kind=kind, identifier=identifier)

    agency_a = agency(commune_a, "000.01.30.H57")
    agency_b = agency(commune_b, "000.02.30.H57")
    center = agency(province, "000.00.00.H57", AgencyKind.SERVICE_CENTER)
    agency_c = agency(commune_c, "000.01.01.H26")

    def officer(username, agency_, role, unit):
        user = officer_create(
            username=username, password=None, full_name=f"Cán bộ {username}", agency=agency_
        )
        role_grant(user=user, role=role, unit=unit)
        return user

    citizen = User.objects.create_user("congdan", password=None)
    return Personas(
        province=province,
        commune_a=commune_a,
        commune_b=commune_b,
        other_province=other_province,
        commune_c=commune_c,
        agency_a=agency_a,
        agency_b=agency_b,
        provincial_center=center,
        agency_c=agency_c,
        counter_a=officer("counter_a", agency_a, Role.COUNTER_OFFICER, commune_a),
        specialist_a=officer("specialist_a", agency_a, Role.SPECIALIST, commune_a),
        counter_b=officer("counter_b", agency_b, Role.COUNTER_OFFICER, commune_b),
        provincial_leader=officer("leader_p", center, Role.LEADER, province),
        inspector=officer("inspector_p", center, Role.INSPECTOR, province),
        outsider=officer("outsider_c", agency_c, Role.COUNTER_OFFICER, commune_c),
        citizen=citizen,
    )


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)')}"


@pytest.fixture(autouse=True)
def _fresh_calendars():
    """Calendars are cached per process for a few seconds; a test starts from the tables."""
    from motcua.workdays.services import forget_calendars

    forget_calendars()
    yield
    forget_calendars()
