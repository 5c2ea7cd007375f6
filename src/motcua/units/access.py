"""The one scoping rule every read and write goes through.

An officer sees the units where they hold a role: a commune role reaches that commune
only; a provincial role (the provincial service center, departments, the Department of
Home Affairs, inspectors) reaches the province and all of its communes. Superusers see
everything. Anybody else (a citizen, an anonymous visitor, an officer with no role) sees
no unit at all. No setting switches this off.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from motcua.units.models import READ_ONLY_ROLES, Level, RoleAssignment

_CACHE_ATTR = "_motcua_scope"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    province_ids: frozenset[int] = frozenset()
    commune_ids: frozenset[int] = frozenset()
    # Units where the caller may only read (inspectors): writes there are refused.
    read_only_unit_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.province_ids or self.commune_ids)

    def q(self, unit_path: str, *, province_path: str) -> Q:
        """A filter for rows whose unit (at ``unit_path``) lies in this scope.

        ``province_path`` names the stored province of that unit, so provincial roles are
        one indexed ``IN`` rather than a walk through the unit tree.
        """
        if self.everything:
            return Q()
        if self.is_empty:
            return Q(pk__in=[])
        q = Q()
        if self.province_ids:
            q |= Q(**{f"{province_path}__in": sorted(self.province_ids)})
        if self.commune_ids:
            q |= Q(**{f"{unit_path}__in": sorted(self.commune_ids)})
        return q

    def covers(self, unit) -> bool:
        if self.everything:
            return True
        return unit.pk in self.commune_ids or unit.province_id in self.province_ids


def scope_for(user) -> Scope:
    """The caller's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        provinces: set[int] = set()
        communes: set[int] = set()
        writable: set[int] = set()
        read_only: set[int] = set()
        assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
        for assignment in assignments:
            unit = assignment.unit
            if unit.level == Level.PROVINCE:
                provinces.add(unit.pk)
            else:
                communes.add(unit.pk)
            (read_only if assignment.role in READ_ONLY_ROLES else writable).add(unit.pk)
        scope = Scope(
            province_ids=frozenset(provinces),
            commune_ids=frozenset(communes),
            read_only_unit_ids=frozenset(read_only - writable),
        )
    setattr(user, _CACHE_ATTR, scope)
    return scope


class ReadOnlyAccess(PermissionDenied):
    """The caller may see the object but not change it (answered with 403)."""


def get_for_user[M: Model](queryset: QuerySet[M], user, *, write: bool = False, **lookup) -> M:
    """Fetch one object through ``visible_to(user)``.

    Raises ``Http404`` for anything outside the caller's scope, so an outsider cannot even
    learn that the object exists; raises ``ReadOnlyAccess`` (403) when ``write`` is asked of
    a read-only role.
    """
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if write and _is_read_only_for(user, obj):
        raise ReadOnlyAccess
    return obj


def _is_read_only_for(user, obj) -> bool:
    scope = scope_for(user)
    if scope.everything or not scope.read_only_unit_ids:
        return False
    unit = getattr(obj, "unit", None) or getattr(getattr(obj, "agency", None), "unit", None)
    if unit is None:
        return False
    writable_elsewhere = (scope.province_ids | scope.commune_ids) - scope.read_only_unit_ids
    reached_by_writable = unit.pk in writable_elsewhere or unit.province_id in writable_elsewhere
    return not reached_by_writable
