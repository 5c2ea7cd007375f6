"""Staff login: password; a TOTP second factor for leaders and administrators, enrolled at
the first login; lockout after 5 failures per username and address for 15 minutes."""

import datetime as dt

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from motcua.office import auth
from motcua.office.models import LoginThrottle, TotpDevice
from motcua.units.models import Role
from motcua.units.services import officer_create, role_grant

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-an-toan-2026"


@pytest.fixture
def people(staff):
    for user in (staff.counter_a, staff.leader_a):
        user.set_password(PASSWORD)
        user.save()
    admin = officer_create(
        username="quantri_t", password=PASSWORD, full_name="Đặng Văn Nam", agency=staff.agency_a
    )
    role_grant(user=admin, role=Role.ADMINISTRATOR, unit=staff.commune_a)
    staff.admin = admin
    return staff


def post_login(client, username, password=PASSWORD, ip="10.0.0.1", next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/office/login/", data, REMOTE_ADDR=ip)


def test_a_counter_officer_logs_in_with_the_password_alone(people):
    client = Client()
    response = post_login(client, "counter_a", next_url="/office/search/")
    assert response.status_code == 302
    assert response["Location"] == "/office/search/"
    assert client.get("/office/search/").status_code == 200


def test_the_login_page_does_not_redirect_to_another_site(people):
    response = post_login(Client(), "counter_a", next_url="https://example.invalid/")
    assert response["Location"] == "/office/"


def test_a_wrong_password_says_so_without_saying_which_part(people):
    response = post_login(Client(), "counter_a", password="sai")
    assert response.status_code == 400
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_five_failures_lock_the_username_from_that_address_for_fifteen_minutes(people):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            assert post_login(client, "counter_a", password="sai").status_code == 400
        response = post_login(client, "counter_a", password="sai")
        assert "locked" in response.content.decode() or "khóa" in response.content.decode()
        # Even the right password is refused while locked, and gives no session.
        response = post_login(client, "counter_a")
        assert response.status_code == 400
        assert "_auth_user_id" not in client.session
        # Another address is not locked out.
        assert post_login(Client(), "counter_a", ip="10.0.0.2").status_code == 302
        clock.move_to(start + dt.timedelta(minutes=auth.LOCK_MINUTES, seconds=1))
        assert post_login(client, "counter_a").status_code == 302
    assert not LoginThrottle.objects.filter(username="counter_a", ip="10.0.0.1").exists()


def test_unknown_usernames_are_throttled_the_same_way(people):
    client = Client()
    for _ in range(5):
        post_login(client, "khong-ton-tai", password="x")
    assert auth.throttle_locked_until("khong-ton-tai", "10.0.0.1") is not None


def test_a_leader_enrols_at_the_first_login_then_needs_a_code_every_time(people):
    client = Client()
    response = post_login(client, "leader_a")
    assert response["Location"] == "/office/login/enrol/"
    # Not logged in yet: the password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get("/office/").status_code == 302
    page = client.get("/office/login/enrol/")
    assert page.status_code == 200
    device = TotpDevice.objects.get(user=people.leader_a)
    assert device.secret in page.content.decode()
    assert 'src="data:image/svg+xml' in page.content.decode()
    assert client.post("/office/login/enrol/", {"code": "000000"}).status_code == 400
    code = pyotp.TOTP(device.secret).now()
    response = client.post("/office/login/enrol/", {"code": code})
    assert response.status_code == 302
    assert client.get("/office/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed_at is not None
    # Next login: the code page (no QR any more), and a code is accepted once only.
    client.post("/office/logout/")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False):
        response = post_login(client, "leader_a")
        assert response["Location"] == "/office/login/code/"
        assert device.secret not in client.get("/office/login/code/").content.decode()
        fresh = pyotp.TOTP(device.secret).now()
        assert client.post("/office/login/code/", {"code": fresh}).status_code == 302
        other = Client()
        post_login(other, "leader_a", ip="10.0.0.9")
        replay = other.post("/office/login/code/", {"code": fresh}, REMOTE_ADDR="10.0.0.9")
        assert replay.status_code == 400
        assert "_auth_user_id" not in other.session


def test_an_administrator_needs_the_second_factor_too(people):
    client = Client()
    assert post_login(client, "quantri_t")["Location"] == "/office/login/enrol/"


def test_wrong_codes_count_towards_the_lockout(people):
    client = Client()
    post_login(client, "leader_a")
    client.get("/office/login/enrol/")
    for _ in range(auth.MAX_FAILURES):
        client.post("/office/login/enrol/", {"code": "123456"}, REMOTE_ADDR="10.0.0.1")
    assert auth.throttle_locked_until("leader_a", "10.0.0.1") is not None
    # The pending login is dropped: back to the password.
    assert client.get("/office/login/enrol/")["Location"] == "/office/login/"


def test_the_second_factor_step_expires(people):
    client = Client()
    post_login(client, "leader_a")
    with time_machine.travel(
        timezone.now() + dt.timedelta(seconds=auth.PENDING_SECONDS + 1), tick=False
    ):
        assert client.get("/office/login/enrol/")["Location"] == "/office/login/"


def test_sessions_end_after_thirty_minutes_without_activity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_citizen_cannot_log_in_to_the_office(people):
    people.citizen.set_password(PASSWORD)
    people.citizen.save()
    response = post_login(Client(), "congdan")
    assert response.status_code == 400


def test_logout_needs_a_post(people, office):
    client = office(people.counter_a)
    assert client.get("/office/logout/").status_code == 405
    assert client.post("/office/logout/")["Location"] == "/office/login/"
    assert client.get("/office/").status_code == 302


def test_an_administrator_lifts_a_lock_and_resets_a_lost_authenticator(people):
    from django.core.management import call_command

    for _ in range(auth.MAX_FAILURES):
        post_login(Client(), "counter_a", password="sai")
    assert auth.throttle_locked_until("counter_a", "10.0.0.1") is not None
    call_command("office_access", "unlock", "counter_a")
    assert post_login(Client(), "counter_a").status_code == 302
    TotpDevice.objects.create(user=people.leader_a, secret=pyotp.random_base32())
    call_command("office_access", "reset-2fa", "leader_a")
    assert not TotpDevice.objects.filter(user=people.leader_a).exists()
