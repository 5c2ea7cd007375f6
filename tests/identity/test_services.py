"""The citizen account behind an eID login, without a provider."""

import datetime as dt

import pytest

from motcua.identity.models import CitizenIdentity
from motcua.identity.services import IdentityRefused, citizen_sign_in

pytestmark = pytest.mark.django_db

ISSUER = "https://eid.example.vn"


def test_a_first_login_makes_a_citizen_and_the_next_updates_it():
    first = citizen_sign_in(
        issuer=ISSUER,
        claims={"sub": "abc", "family_name": "Lê", "given_name": "Thu Hà", "acr": "2"},
    )
    assert first.full_name == "Lê Thu Hà"
    assert first.user.get_username().startswith("eid-")
    later = citizen_sign_in(
        issuer=ISSUER,
        claims={"sub": "abc", "name": "Lê Thị Thu Hà", "acr": "1", "id_number": "001190000001"},
        at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    assert later.pk == first.pk
    assert (later.full_name, later.assurance_level, later.id_number) == (
        "Lê Thị Thu Hà",
        "1",
        "001190000001",
    )
    assert later.user.last_name == "Lê Thị Thu"


def test_the_same_subject_at_another_issuer_is_another_citizen():
    one = citizen_sign_in(issuer=ISSUER, claims={"sub": "abc"})
    two = citizen_sign_in(issuer="https://other.example.vn", claims={"sub": "abc"})
    assert one.user_id != two.user_id
    assert CitizenIdentity.objects.count() == 2


def test_an_id_number_claim_that_is_not_a_number_is_not_stored():
    identity = citizen_sign_in(issuer=ISSUER, claims={"sub": "x", "id_number": "<script>"})
    assert identity.id_number == ""


def test_a_disabled_citizen_is_refused():
    identity = citizen_sign_in(issuer=ISSUER, claims={"sub": "x"})
    identity.user.is_active = False
    identity.user.save()
    with pytest.raises(IdentityRefused) as refused:
        citizen_sign_in(issuer=ISSUER, claims={"sub": "x"})
    assert refused.value.code == "inactive"
