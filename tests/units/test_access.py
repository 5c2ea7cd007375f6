"""The scoping rule, with personas: who may see which units, agencies and officers."""

import pytest
from django.http import Http404

from motcua.units.access import ReadOnlyAccess, get_for_user, scope_for
from motcua.units.models import Agency, Level, RoleAssignment, Unit, User


def visible_agencies(user):
    return set(Agency.objects.visible_to(user))


def test_commune_officer_sees_only_their_commune(personas):
    p = personas
    assert visible_agencies(p.counter_a) == {p.agency_a}
    assert set(Unit.objects.visible_to(p.counter_a)) == {p.commune_a}


def test_commune_officer_sees_nothing_of_another_commune(personas):
    p = personas
    with pytest.raises(Http404):
        get_for_user(Agency.objects, p.counter_a, pk=p.agency_b.pk)
    with pytest.raises(Http404):
        get_for_user(User.objects, p.counter_a, pk=p.counter_b.pk)
    assert p.counter_b not in User.objects.visible_to(p.counter_a)


def test_provincial_leader_sees_every_commune_of_the_province(personas):
    p = personas
    units = Unit.objects.visible_to(p.provincial_leader)
    assert (
        units.filter(level=Level.COMMUNE).count()
        == Unit.objects.filter(province=p.province, level=Level.COMMUNE).count()
    )
    assert visible_agencies(p.provincial_leader) == {
        p.agency_a,
        p.agency_b,
        p.provincial_center,
    }
    assert get_for_user(User.objects, p.provincial_leader, pk=p.counter_b.pk) == p.counter_b


def test_provincial_roles_stop_at_the_province_border(personas):
    p = personas
    assert p.agency_c not in visible_agencies(p.provincial_leader)
    assert not Unit.objects.visible_to(p.provincial_leader).filter(pk=p.commune_c.pk).exists()
    with pytest.raises(Http404):
        get_for_user(Agency.objects, p.provincial_leader, pk=p.agency_c.pk)


def test_inspector_reads_the_province_but_may_not_write(personas):
    p = personas
    assert get_for_user(Agency.objects, p.inspector, pk=p.agency_a.pk) == p.agency_a
    with pytest.raises(ReadOnlyAccess):
        get_for_user(Agency.objects, p.inspector, write=True, pk=p.agency_a.pk)
    # A counter officer writes in their own commune.
    assert get_for_user(Agency.objects, p.counter_a, write=True, pk=p.agency_a.pk) == p.agency_a


def test_outsider_from_another_province_sees_nothing_of_ours(personas):
    p = personas
    assert visible_agencies(p.outsider) == {p.agency_c}
    for agency in (p.agency_a, p.agency_b, p.provincial_center):
        with pytest.raises(Http404):
            get_for_user(Agency.objects, p.outsider, pk=agency.pk)


def test_citizen_and_anonymous_see_no_unit(personas):
    from django.contrib.auth.models import AnonymousUser

    for user in (personas.citizen, AnonymousUser(), None):
        assert scope_for(user).is_empty
        assert not Agency.objects.visible_to(user).exists()
        assert not Unit.objects.visible_to(user).exists()
        assert not RoleAssignment.objects.visible_to(user).exists()


def test_citizens_cannot_be_given_a_role(personas):
    from django.core.exceptions import ValidationError

    from motcua.units.models import Role
    from motcua.units.services import role_grant

    with pytest.raises(ValidationError):
        role_grant(user=personas.citizen, role=Role.LEADER, unit=personas.commune_a)


def test_a_deactivated_officer_sees_nothing(personas):
    officer = personas.counter_a
    officer.is_active = False
    officer.save()
    officer = User.objects.get(pk=officer.pk)
    assert not Agency.objects.visible_to(officer).exists()


def test_scope_is_one_query_per_request(personas, django_assert_num_queries):
    user = User.objects.get(pk=personas.provincial_leader.pk)
    # One query for the roles, then one per list: the scope is cached on the user object.
    with django_assert_num_queries(4):
        list(Agency.objects.visible_to(user))
        list(Agency.objects.visible_to(user))
        list(Unit.objects.visible_to(user)[:5])
