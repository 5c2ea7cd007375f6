"""Writes of the API app: tokens and the personal-data access log (STYLE.md 4)."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from motcua.api.models import AccessPurpose, ApiToken, PersonalDataAccess

# Marks motcua tokens (secret scanners, logs); not itself a secret.
TOKEN_PREFIX = "mc_"  # noqa: S105
# last_used_at is refreshed at most this often: a write per request would turn every
# read into a write for busy integrations.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to the operator, never stored


@transaction.atomic
def api_token_create(*, user, name: str) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ValueError("A token needs a name saying what it is for.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], token_hash=token_hash(secret)
    )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The usable token for ``secret`` (with its user), or None; records the use."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(token_hash=token_hash(secret))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def personal_data_access_record(*, user, dossier_code: str, purpose=AccessPurpose.API):
    return PersonalDataAccess.objects.create(
        user=user, dossier_code=dossier_code, at=timezone.now(), purpose=purpose
    )
