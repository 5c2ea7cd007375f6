"""Ratings tests reuse the dossier and portal fixtures."""

import pytest
from django.core.cache import cache

from tests.dossiers.conftest import APPLICANT, clock, procedure, staff, submit
from tests.portal.support import compile_catalogues

__all__ = ["APPLICANT", "clock", "procedure", "staff", "submit"]


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
