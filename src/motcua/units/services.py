"""Writes to units, agencies and officers. Views, admin actions and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.units.models import Agency, AgencyKind, Dataset, Role, RoleAssignment, Unit, User


@transaction.atomic
def agency_create(*, unit: Unit, name: str, kind: AgencyKind, identifier: str) -> Agency:
    if unit.dataset != Dataset.TWO_LEVEL:
        raise ValidationError(_("Agencies belong to units of the two-level model."))
    agency, _created = Agency.objects.update_or_create(
        identifier=identifier, defaults={"unit": unit, "name": name, "kind": kind}
    )
    return agency


@transaction.atomic
def officer_create(
    *,
    username: str,
    password: str | None,
    full_name: str,
    agency: Agency,
    email: str = "",
    is_staff: bool = False,
) -> User:
    first, _sep, last = full_name.rpartition(" ")
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": last,
            "last_name": first,
            "email": email,
            "agency": agency,
            "is_staff": is_staff,
        },
    )
    if password is not None and (_created or not user.has_usable_password()):
        # Argon2 is slow by design: hash only for a new officer, so re-running the demo
        # setup stays fast and never resets a password an officer has since changed.
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def role_grant(*, user: User, role: Role, unit: Unit) -> RoleAssignment:
    if unit.dataset != Dataset.TWO_LEVEL:
        raise ValidationError(_("Roles are held in units of the two-level model."))
    if not user.is_officer:
        # Citizens never get staff permissions.
        raise ValidationError(_("Only officers (users who belong to an agency) hold roles."))
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    return assignment
