"""The demo province that ``make run`` creates: Huế with two communes, one officer per role.

Agency identifiers follow the national document-exchange format but are demo values.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import transaction

from motcua.units.models import AgencyKind, Dataset, Level, Role, Unit
from motcua.units.services import agency_create, officer_create, role_grant

DEMO_PROVINCE_CODE = 46  # Thành phố Huế
# Printed at start so a visitor can log in; demo mode only, never a production account.
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    unit: str
    agency: str


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    province = Unit.objects.get(
        dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE, code=DEMO_PROVINCE_CODE
    )
    commune_a, commune_b = Unit.objects.filter(province=province, level=Level.COMMUNE).order_by(
        "code"
    )[:2]
    center = agency_create(
        unit=province,
        name=f"Trung tâm Phục vụ hành chính công {province.name}",
        kind=AgencyKind.SERVICE_CENTER,
        identifier="000.00.00.H57",
    )
    justice = agency_create(
        unit=province,
        name="Sở Tư pháp",
        kind=AgencyKind.DEPARTMENT,
        identifier="000.00.12.H57",
    )
    office_a = agency_create(
        unit=commune_a,
        name=f"Trung tâm Phục vụ hành chính công {commune_a.name}",
        kind=AgencyKind.COMMUNE_OFFICE,
        identifier="000.01.30.H57",
    )
    office_b = agency_create(
        unit=commune_b,
        name=f"Trung tâm Phục vụ hành chính công {commune_b.name}",
        kind=AgencyKind.COMMUNE_OFFICE,
        identifier="000.02.30.H57",
    )
    people = [
        ("tiepnhan", "Nguyễn Thị Lan", Role.COUNTER_OFFICER, office_a, commune_a),
        ("chuyenvien", "Trần Văn Minh", Role.SPECIALIST, office_a, commune_a),
        ("truongphong", "Lê Thị Hoa", Role.HEAD_OF_DEPARTMENT, justice, province),
        ("lanhdao", "Phạm Quốc Hùng", Role.LEADER, office_a, commune_a),
        ("thanhtra", "Võ Thị Thu", Role.INSPECTOR, center, province),
        ("quantri", "Đặng Văn Nam", Role.ADMINISTRATOR, center, province),
        ("hotro", "Hoàng Thị Mai", Role.DIGITAL_HELPER, office_a, commune_a),
        ("tiepnhan2", "Bùi Văn Tâm", Role.COUNTER_OFFICER, office_b, commune_b),
    ]
    logins = []
    admin_permissions = Permission.objects.filter(content_type__app_label__in=["units", "workdays"])
    for username, full_name, role, agency, unit in people:
        user = officer_create(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            agency=agency,
            email=f"{username}@demo.motcua.invalid",
            is_staff=role == Role.ADMINISTRATOR,
        )
        role_grant(user=user, role=role, unit=unit)
        if role == Role.ADMINISTRATOR:
            user.user_permissions.set(admin_permissions)
        logins.append(DemoLogin(username, role, unit.name, agency.name))
    return logins
