"""Login with electronic identification against a real OpenID Connect provider on loopback."""

import html
import re
from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.core.exceptions import ValidationError
from joserfc.errors import JoseError

from motcua.identity.models import CitizenIdentity
from motcua.identity.oidc import claims_options, client_for, current_config
from motcua.identity.selectors import SESSION_KEY, identity_assurance_for
from motcua.units.models import Role, Unit, User
from motcua.units.services import role_grant
from tests.identity.conftest import ACCOUNT, OTHER_ACCOUNT, local
from tests.notify.conftest import free_port

pytestmark = pytest.mark.django_db


def begin(client, next_url="/tra-cuu/"):
    response = client.get("/oidc/login/", {"next": next_url})
    assert response.status_code == 302, response.content
    return response["Location"]


def with_param(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def sign_in(client, browser, account=ACCOUNT, *, level="2", next_url="/tra-cuu/"):
    back = browser().sign_in(begin(client, next_url), level=level, **account)
    return client.get(local(back))


def logged_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_a_citizen_logs_in_with_the_code_flow_and_pkce_and_returns_where_they_began(
    client, eid, browser, units
):
    authorize = begin(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{eid.issuer}/auth?")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid profile"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/oidc/callback/"]

    back = browser().sign_in(authorize, **ACCOUNT)
    assert back.startswith("http://127.0.0.1:8000/oidc/callback/?code=")
    response = client.get(local(back))
    assert response.status_code == 302
    assert response["Location"] == "/tra-cuu/"

    user = logged_in_user(client)
    identity = CitizenIdentity.objects.get(user=user)
    assert identity.issuer == eid.issuer
    assert identity.subject == "dev-0001"
    assert identity.id_number == "046190001234"
    assert identity.full_name == "Nguyễn Thị Ngọc Ánh"
    assert identity.assurance_level == "eid-level-2"
    assert (user.last_name, user.first_name) == ("Nguyễn Thị Ngọc", "Ánh")
    # A citizen: no agency, no staff flag, no roles, no password to guess.
    assert user.agency_id is None and not user.is_officer
    assert not user.is_staff and not user.is_superuser
    assert not user.roles.exists()
    assert not user.has_usable_password()
    assert "046190001234" not in user.username
    with pytest.raises(ValidationError):
        role_grant(user=user, role=Role.COUNTER_OFFICER, unit=Unit.objects.current().first())
    # The assurance level for the dossier: of this session's login, and of the last one.
    session = SimpleNamespace(session=client.session)
    assert identity_assurance_for(user, request=session) == "eid-level-2"
    assert identity_assurance_for(user) == "eid-level-2"
    assert identity_assurance_for(None) is None


def test_a_second_login_updates_the_citizen_instead_of_creating_another(client, eid, browser):
    sign_in(client, browser, level="2")
    first = CitizenIdentity.objects.get()
    client.logout()
    sign_in(client, browser, level="1")
    assert CitizenIdentity.objects.count() == 1
    assert User.objects.filter(identities__isnull=False).count() == 1
    identity = CitizenIdentity.objects.get()
    assert identity.pk == first.pk
    assert identity.assurance_level == "eid-level-1"
    assert identity.last_login_at >= first.last_login_at
    assert logged_in_user(client) == identity.user
    # Another person is another citizen.
    client.logout()
    sign_in(client, browser, OTHER_ACCOUNT, level="1")
    assert CitizenIdentity.objects.count() == 2


def test_a_tampered_state_is_refused_and_nobody_is_logged_in(client, eid, browser):
    back = browser().sign_in(begin(client), **ACCOUNT)
    response = client.get(local(with_param(back, state="forged-state")))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Phiên đăng nhập không hợp lệ hoặc đã hết hạn" in text
    assert text.index("Phiên đăng nhập") < text.index("The login session is invalid")
    assert logged_in_user(client) is None
    assert not CitizenIdentity.objects.exists()


def test_a_tampered_nonce_is_refused(client, eid, browser):
    # The browser (or an attacker in it) changes the nonce on its way to the provider: the
    # ID token then carries a nonce this session never asked for.
    authorize = with_param(begin(client), nonce="attacker-chosen-nonce")
    back = browser().sign_in(authorize, **ACCOUNT)
    response = client.get(local(back))
    assert response.status_code == 400
    assert "Không xác thực được thông tin đăng nhập" in response.content.decode()
    assert logged_in_user(client) is None
    assert not CitizenIdentity.objects.exists()


def test_a_tampered_code_challenge_fails_the_exchange_at_the_provider(client, eid, browser):
    authorize = with_param(begin(client), code_challenge="A" * 43)
    back = browser().sign_in(authorize, **ACCOUNT)
    response = client.get(local(back))
    assert response.status_code == 400
    assert "từ chối yêu cầu đăng nhập" in response.content.decode()
    assert logged_in_user(client) is None


def test_a_replayed_callback_is_refused(client, eid, browser):
    back = browser().sign_in(begin(client), **ACCOUNT)
    assert client.get(local(back)).status_code == 302
    client.logout()
    assert client.get(local(back)).status_code == 400
    assert logged_in_user(client) is None


def test_the_id_token_signature_audience_and_issuer_are_checked(client, eid, browser):
    sign_in(client, browser)
    id_token = client.session[SESSION_KEY]["id_token"]
    config = current_config()
    oidc = client_for(config)

    def parse(token, checked=config):
        options = claims_options(oidc, checked)
        return oidc.parse_id_token({"id_token": token}, nonce=None, claims_options=options)

    claims = parse(id_token)
    assert (claims["iss"], claims["sub"], claims["acr"]) == (eid.issuer, "dev-0001", "eid-level-2")
    header, payload, signature = id_token.split(".")
    flipped = "A" if signature[10] != "A" else "B"
    forged = f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}"
    with pytest.raises(JoseError):
        parse(forged)
    with pytest.raises(JoseError):
        parse(id_token, replace(config, client_id="someone-else"))


def test_cancelling_at_the_provider_says_so(client, eid, browser):
    back = browser().sign_in(begin(client), consent=False, **ACCOUNT)
    assert "error=access_denied" in back
    response = client.get(local(back))
    assert response.status_code == 200
    assert "Bạn đã hủy đăng nhập bằng định danh điện tử." in response.content.decode()
    assert logged_in_user(client) is None


def test_only_local_pages_are_returned_to(client, eid, browser):
    response = sign_in(client, browser, next_url="https://evil.example/steal")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_staff_account_is_never_opened_by_an_eid_login(client, eid, browser, personas):
    sign_in(client, browser)
    user = CitizenIdentity.objects.get().user
    client.logout()
    User.objects.filter(pk=user.pk).update(agency=personas.agency_a)
    response = sign_in(client, browser)
    assert response.status_code == 403
    assert "tài khoản cán bộ" in response.content.decode()
    assert logged_in_user(client) is None
    User.objects.filter(pk=user.pk).update(agency=None, is_staff=True)
    assert sign_in(client, browser).status_code == 403


def test_logout_ends_the_session_and_offers_the_providers_end_session(client, eid, browser):
    citizen = browser()
    client.get(local(citizen.sign_in(begin(client), **ACCOUNT)))
    assert logged_in_user(client) is not None
    assert client.get("/oidc/logout/").status_code == 200
    response = client.post("/oidc/logout/")
    assert logged_in_user(client) is None
    assert response.status_code == 200
    link = response.context["end_session_url"]
    assert link.startswith(f"{eid.issuer}/session/end?")
    assert "id_token_hint=" in link
    # The same browser at the provider: it asks to confirm, then sends the citizen home.
    page = citizen.http.get(link, timeout=10)
    assert page.status_code == 200
    assert "<h1>Đăng xuất</h1>" in page.text
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    done = citizen.http.post(
        urljoin(link, html.unescape(action)),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.is_redirect
    assert done.headers["Location"].startswith("http://127.0.0.1:8000/")


def test_the_login_page_says_clearly_when_eid_is_not_configured(client, settings):
    settings.MOTCUA_OIDC_ISSUER = ""
    response = client.get("/oidc/login/?next=/")
    assert response.status_code == 503
    text = response.content.decode()
    vietnamese = "Đăng nhập bằng tài khoản định danh điện tử chưa được cấu hình"
    assert vietnamese in text
    assert text.index(vietnamese) < text.index("is not configured on this system")
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 503


def test_an_unreachable_provider_is_a_clear_page_not_an_error(client, settings):
    settings.MOTCUA_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "secret"
    response = client.get("/oidc/login/")
    assert response.status_code == 503
    assert "Không kết nối được với hệ thống định danh điện tử" in response.content.decode()


def test_assurance_levels_can_be_asked_for(client, eid, settings):
    settings.MOTCUA_OIDC_ACR_VALUES = "eid-level-2  eid-level-1"
    query = parse_qs(urlsplit(begin(client)).query)
    assert query["acr_values"] == ["eid-level-2 eid-level-1"]
    assert query["ui_locales"] == ["vi"]
