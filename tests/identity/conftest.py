"""The development OpenID Connect provider, started once per test session, and a browser.

The provider is real (the npm package oidc-provider, run by Node.js on loopback). If it
cannot be installed or started, every test that needs it fails with the reason: it is
never skipped.
"""

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.conf import settings as django_settings

from motcua.identity.oidc import forget_clients
from tests.identity.oidc_provider import ProviderError, start

ACCOUNT = {"id_number": "046190001234", "password": "mat-khau-1"}
OTHER_ACCOUNT = {"id_number": "001085004321", "password": "mat-khau-2"}


@pytest.fixture(scope="session")
def oidc_provider():
    public = django_settings.MOTCUA_PUBLIC_URL.rstrip("/")
    try:
        provider = start(
            redirect_uris=[f"{public}/oidc/callback/"],
            post_logout_redirect_uris=[f"{public}/"],
        )
    except ProviderError as error:
        pytest.fail(f"The development OpenID Connect provider is required: {error}", pytrace=False)
    yield provider
    provider.stop()


@pytest.fixture
def eid(settings, oidc_provider):
    """motcua configured against the loopback provider."""
    settings.MOTCUA_OIDC_ISSUER = oidc_provider.issuer
    settings.MOTCUA_OIDC_CLIENT_ID = oidc_provider.client_id
    settings.MOTCUA_OIDC_CLIENT_SECRET = oidc_provider.client_secret
    settings.MOTCUA_OIDC_SCOPES = "openid profile"
    forget_clients()
    yield oidc_provider
    forget_clients()


_FORM = re.compile(r'<form method="post" action="([^"]+)"')


class Browser:
    """The citizen's browser at the provider: it follows redirects and fills the forms the
    provider's pages show, and stops at the redirect back to motcua."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.http = requests.Session()

    def sign_in(self, authorize_url: str, *, id_number, password, level="2", consent=True):
        response = self.http.get(authorize_url, allow_redirects=False, timeout=10)
        for _ in range(12):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if not location.startswith(self.issuer):
                    return location
                response = self.http.get(location, allow_redirects=False, timeout=10)
                continue
            assert response.status_code == 200, response.text
            action = html.unescape(_FORM.search(response.text).group(1))
            if action.endswith("/login"):
                data = {"id_number": id_number, "password": password, "level": level}
            elif consent:
                data = {}
            else:
                action = action.replace("/confirm", "/abort")
                response = self.http.get(urljoin(response.url, action), allow_redirects=False)
                continue
            response = self.http.post(
                urljoin(response.url, action), data=data, allow_redirects=False, timeout=10
            )
        raise AssertionError(f"the provider never sent the browser back: {response.text[:500]}")


@pytest.fixture
def browser(eid):
    return lambda: Browser(eid.issuer)


def local(url: str) -> str:
    """The path and query of a motcua URL, for the Django test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
