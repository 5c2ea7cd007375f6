"""Fixtures of the portal tests: the dossier fixtures (re-exported by name, as pytest only
collects fixtures from a conftest on the test's path), a procedure with documents, a
logged-in citizen, a community digital helper, a clean rate-limit cache, and the loopback
SMTP server of the notification tests (``smtp``)."""

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.units.models import Role
from motcua.units.services import officer_create, role_grant
from tests.dossiers.conftest import APPLICANT, clock, procedure, staff, submit
from tests.notify.conftest import smtp, smtp_server
from tests.portal.support import add_documents, compile_catalogues

__all__ = ["APPLICANT", "clock", "procedure", "smtp", "smtp_server", "staff", "submit"]


@pytest.fixture(scope="session", autouse=True)
def _catalogues():
    compile_catalogues()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def documents(procedure):
    return add_documents(procedure)


@pytest.fixture
def citizen(staff):
    user = staff.citizen
    user.first_name, user.last_name = "Ánh", "Nguyễn Thị Ngọc"
    user.phone = "0912345678"
    user.save()
    return user


@pytest.fixture
def citizen_client(citizen):
    client = Client()
    client.force_login(citizen)
    return client


@pytest.fixture
def helper(staff):
    # Community digital team members are registered with the commune office they serve.
    user = officer_create(
        username="tocongnghe", password=None, full_name="Tổ CNS", agency=staff.agency_a
    )
    role_grant(user=user, role=Role.DIGITAL_HELPER, unit=staff.commune_a)
    return user


@pytest.fixture
def sandbox(settings):
    settings.MOTCUA_PAYMENT_PROVIDER = "motcua.portal.payments.SandboxProvider"
