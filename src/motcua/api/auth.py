"""Who is calling: a bearer token (programs) or the Django session (the back office's own
pages, the interactive docs). Either way the endpoint gets a user in ``request.auth`` and
the services decide what that user may do.

Bearer first: a request that sends a token is judged by that token alone, and a wrong one
is a 401 rather than a silent fall-back to whatever session cookie rides along. Session
requests that change something must carry the CSRF token (``X-CSRFToken``), since a
browser attaches the session cookie to requests forged by other sites; token requests do
not, since no browser attaches a bearer token on its own.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from motcua.api.errors import ApiError
from motcua.api.services import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_authenticate(token.strip())
        if found is None:
            # Unknown, revoked, or its user deactivated: no other method is tried.
            raise AuthenticationError
        # Downstream code (logging, services reading request.user) sees the token's user.
        request.user = found.user
        request.api_token = found
        return found.user


class Session(APIKeyCookie):
    """Django's session, with CSRF enforced on unsafe methods.

    Unlike ninja's ``django_auth``, a request without a logged-in session is simply not
    authenticated by this method (401), instead of failing the CSRF check first (403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(
                403,
                "csrf_failed",
                "Thiếu hoặc sai mã CSRF: gửi lại kèm tiêu đề X-CSRFToken.",
                "CSRF check failed: send the X-CSRFToken header with the token from "
                "GET /api/v1/auth/csrf (or the csrftoken cookie).",
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None):
        # Not used: __call__ above reads the session through Django's middleware.
        return None


bearer_token = BearerToken()
session = Session()
AUTH = [bearer_token, session]
