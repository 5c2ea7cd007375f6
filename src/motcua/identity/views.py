"""Login with electronic identification (OpenID Connect, authorization code with PKCE).

``/oidc/login/?next=`` sends the browser to the provider; ``/oidc/callback/`` checks the
answer, records the citizen and logs them in; ``/oidc/logout/`` ends the local session and
offers the provider's end-session page. Every failure is a page in Vietnamese and English,
never a stack trace, and nobody is logged in by a failed or replayed callback.
"""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from joserfc.errors import JoseError

from motcua.identity.oidc import (
    LEEWAY,
    ProviderMisconfigured,
    claims_options,
    client_for,
    current_config,
)
from motcua.identity.selectors import SESSION_KEY
from motcua.identity.services import IdentityRefused, citizen_sign_in

log = logging.getLogger(__name__)

# Citizens have no password; the session is opened with the model backend, which only
# checks that the account is active when the session is read back.
BACKEND = "django.contrib.auth.backends.ModelBackend"
# Failures of the exchange with the provider: network, protocol error, bad token.
PROVIDER_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError, KeyError)

MESSAGES = {
    "not_configured": (
        "Đăng nhập bằng tài khoản định danh điện tử chưa được cấu hình trên hệ thống này. "
        "Vui lòng liên hệ quản trị viên, hoặc nộp hồ sơ trực tiếp tại Trung tâm Phục vụ "
        "hành chính công.",
        "Login with electronic identification is not configured on this system. Please "
        "contact the administrator, or submit your application at the service center.",
        503,
    ),
    "unreachable": (
        "Không kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau ít phút.",
        "The electronic identification provider cannot be reached. Please try again in a "
        "few minutes.",
        503,
    ),
    "invalid_state": (
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
        "The login session is invalid or has expired. Please log in again.",
        400,
    ),
    "cancelled": (
        "Bạn đã hủy đăng nhập bằng định danh điện tử.",
        "You cancelled the login with electronic identification.",
        200,
    ),
    "provider_error": (
        "Hệ thống định danh điện tử từ chối yêu cầu đăng nhập. Vui lòng đăng nhập lại.",
        "The electronic identification provider refused the login request. Please log in again.",
        400,
    ),
    "invalid_token": (
        "Không xác thực được thông tin đăng nhập nhận từ hệ thống định danh điện tử. "
        "Vui lòng đăng nhập lại.",
        "The login information received from the electronic identification provider could "
        "not be verified. Please log in again.",
        400,
    ),
}


def _message(request, code: str, *, vi: str = "", en: str = "", status: int | None = None):
    default_vi, default_en, default_status = MESSAGES.get(code, ("", "", 400))
    return render(
        request,
        "identity/message.html",
        {
            "code": code,
            "message_vi": vi or default_vi,
            "message_en": en or default_en,
            "login_url": reverse("identity:login"),
        },
        status=status or default_status,
    )


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


def callback_uri() -> str:
    # The address registered with the provider: the public URL, not whatever Host header a
    # request came with.
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{reverse('identity:callback')}"


@never_cache
@require_GET
def login_start(request):
    config = current_config()
    if not config.configured:
        return _message(request, "not_configured")
    try:
        client = client_for(config)
        redirect_uri = callback_uri()
        extra = {"ui_locales": get_language() or "vi"}
        if config.acr_values:
            extra["acr_values"] = config.acr_values
        authorization = client.create_authorization_url(redirect_uri, **extra)
    except (requests.RequestException, ValueError, ProviderMisconfigured) as error:
        log.warning("eID provider unreachable or misconfigured: %s", error)
        return _message(request, "unreachable")
    # Authlib keeps state, nonce and the PKCE verifier in the session under the state; the
    # page to return to rides along, so a callback can only send the user where they began.
    client.save_authorize_data(
        request,
        redirect_uri=redirect_uri,
        next=_safe_next(request, request.GET.get("next")),
        **authorization,
    )
    return HttpResponseRedirect(authorization["url"])


@never_cache
@require_GET
def callback(request):
    config = current_config()
    if not config.configured:
        return _message(request, "not_configured")
    try:
        client = client_for(config)
    except (requests.RequestException, ValueError, ProviderMisconfigured) as error:
        log.warning("eID provider unreachable or misconfigured: %s", error)
        return _message(request, "unreachable")
    state = request.GET.get("state", "")
    data = client.framework.get_state_data(request.session, state) if state else None
    if not data:
        # Unknown, tampered, replayed or expired state: nothing was asked with it here.
        log.warning("eID callback with an unknown state refused")
        return _message(request, "invalid_state")
    if request.GET.get("error"):
        client.framework.clear_state_data(request.session, state)
        if request.GET["error"] == "access_denied":
            return _message(request, "cancelled")
        log.warning("eID provider answered with error %s", request.GET["error"])
        return _message(request, "provider_error")
    try:
        token = client.authorize_access_token(
            request, claims_options=claims_options(client, config), leeway=LEEWAY
        )
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("the token response carries no ID token")
        claims = dict(claims)
        if client.load_server_metadata().get("userinfo_endpoint"):
            info = dict(client.userinfo(token=token))
            # OpenID Connect Core 1.0, section 5.3.2: the userinfo must be the same subject.
            if info.get("sub") != claims["sub"]:
                raise ValueError("userinfo names another subject than the ID token")
            claims = {**info, **claims}
    except OAuthError as error:
        log.warning("eID token exchange refused: %s", error.error or error)
        return _message(request, "provider_error")
    except PROVIDER_ERRORS as error:
        log.warning("eID ID token rejected: %s: %s", type(error).__name__, error)
        return _message(request, "invalid_token")
    try:
        identity = citizen_sign_in(
            issuer=claims["iss"], claims=claims, id_number_claim=config.id_number_claim
        )
    except IdentityRefused as refused:
        return _message(
            request,
            refused.code,
            vi=refused.message_vi,
            en=refused.message_en,
            status=refused.status,
        )
    login(request, identity.user, backend=BACKEND)
    request.session[SESSION_KEY] = {
        "user": identity.user.pk,
        "issuer": identity.issuer,
        "acr": identity.assurance_level,
        "id_token": token.get("id_token", ""),
    }
    return HttpResponseRedirect(data.get("next") or "/")


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "GET":
        return render(request, "identity/logout.html", {"confirm": True})
    session = request.session.get(SESSION_KEY) or {}
    logout(request)
    end_session = _end_session_url(session)
    if end_session is None:
        return HttpResponseRedirect("/")
    # A link rather than a redirect: the form that posted here may only submit to this site
    # (CSP form-action 'self'), and a redirect after a form post counts as that submission.
    return render(request, "identity/logout.html", {"end_session_url": end_session})


def _end_session_url(session: dict) -> str | None:
    config = current_config()
    if not (config.configured and session.get("id_token")):
        return None
    try:
        client = client_for(config)
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            post_logout_redirect_uri=f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/",
            id_token_hint=session["id_token"],
            client_id=config.client_id,
        )["url"]
    except (requests.RequestException, ValueError, ProviderMisconfigured):
        return None
