"""The login page, the admin and the security headers every response carries."""

import pytest

from motcua.units.demo import DEMO_PASSWORD, seed_demo
from motcua.units.models import Role, RoleAssignment, User

pytestmark = pytest.mark.usefixtures("units")


def test_every_staff_login_door_leads_to_the_office_login(client):
    for door in ("/accounts/login/", "/admin/login/?next=/admin/"):
        response = client.get(door)
        assert response.status_code == 302
        assert response["Location"].startswith("/office/login/")


def test_login_page_is_served_in_vietnamese(client):
    response = client.get("/office/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in response.text


def test_every_page_carries_a_content_security_policy_and_secure_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_health_check_reaches_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_demo_seeds_one_officer_per_role_and_is_idempotent():
    first = seed_demo()
    second = seed_demo()
    assert [login.username for login in first] == [login.username for login in second]
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    assert RoleAssignment.objects.count() == len(first)


def test_demo_passwords_are_hashed_with_argon2(client):
    seed_demo()
    officer = User.objects.get(username="tiepnhan")
    assert officer.password.startswith("argon2")
    assert client.login(username="tiepnhan", password=DEMO_PASSWORD)


def test_demo_administrator_reaches_the_admin_but_only_their_province(client):
    seed_demo()
    client.login(username="quantri", password=DEMO_PASSWORD)
    response = client.get("/admin/units/agency/")
    assert response.status_code == 200
    assert "Sở Tư pháp" in response.text
    assert client.get("/admin/units/unit/").status_code == 200


def test_a_counter_officer_is_not_let_into_the_admin(client):
    seed_demo()
    client.login(username="tiepnhan", password=DEMO_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302


def test_the_admin_speaks_vietnamese(client):
    seed_demo()
    client.login(username="quantri", password=DEMO_PASSWORD)
    response = client.get("/admin/units/agency/")
    assert "Chọn cơ quan để thay đổi" in response.text or "Cơ quan" in response.text
    assert "Trung tâm Phục vụ hành chính công" in response.text


def test_english_is_available(client):
    response = client.get("/office/login/", headers={"accept-language": "en"})
    assert response["Content-Language"] == "en"
    assert "Staff login" in response.text
    vietnamese = client.get("/office/login/")
    assert "Đăng nhập cán bộ" in vietnamese.text
