"""The OpenID Connect client for the eID provider (Authlib's Django integration).

Discovery from ``MOTCUA_OIDC_ISSUER``; authorization code flow with PKCE (S256), state and
nonce kept in the session by Authlib; the ID token's signature (the provider's JWKS), issuer,
audience, expiry and nonce are checked before anyone is logged in.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings

# The provider's metadata and keys are cached per process; a new client (and so a fresh
# discovery document) is made after this many seconds. Authlib also refetches the key set
# at once when an ID token names a key it does not know (key rotation).
METADATA_TTL = 3600
HTTP_TIMEOUT = 10
# Clock skew tolerated on the ID token's exp/iat, in seconds.
LEEWAY = 60


class ProviderMisconfigured(Exception):
    """The discovery document does not describe the configured issuer."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    id_number_claim: str
    # Assurance levels to ask for (the `acr_values` request parameter), space-separated;
    # empty: ask for none and record whatever the provider states.
    acr_values: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.issuer and self.client_id and self.client_secret)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"


def current_config() -> OidcConfig:
    scopes = getattr(settings, "MOTCUA_OIDC_SCOPES", "") or "openid profile"
    if "openid" not in scopes.split():
        scopes = f"openid {scopes}"
    return OidcConfig(
        issuer=getattr(settings, "MOTCUA_OIDC_ISSUER", "") or "",
        client_id=getattr(settings, "MOTCUA_OIDC_CLIENT_ID", "") or "",
        client_secret=getattr(settings, "MOTCUA_OIDC_CLIENT_SECRET", "") or "",
        scopes=scopes,
        id_number_claim=getattr(settings, "MOTCUA_OIDC_ID_NUMBER_CLAIM", "") or "id_number",
        acr_values=" ".join((getattr(settings, "MOTCUA_OIDC_ACR_VALUES", "") or "").split()),
    )


_lock = threading.Lock()
_clients: dict[OidcConfig, tuple[float, object]] = {}


def client_for(config: OidcConfig):
    """The Authlib client for ``config``, its provider metadata loaded and checked."""
    now = time.monotonic()
    with _lock:
        cached = _clients.get(config)
        if cached is not None and now - cached[0] < METADATA_TTL:
            return cached[1]
    registry = OAuth()
    client = registry.register(
        name="eid",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=config.discovery_url,
        client_kwargs={
            "scope": config.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": HTTP_TIMEOUT,
        },
    )
    metadata = client.load_server_metadata()
    # OpenID Connect Discovery 1.0, section 4.3: the issuer in the document must be the one
    # it was fetched for, or tokens from another issuer could be accepted as ours.
    if str(metadata.get("issuer", "")).rstrip("/") != config.issuer.rstrip("/"):
        raise ProviderMisconfigured(
            f"discovery at {config.discovery_url} names issuer {metadata.get('issuer')!r}"
        )
    if "S256" not in metadata.get("code_challenge_methods_supported", ["S256"]):
        raise ProviderMisconfigured("the provider does not support PKCE with S256")
    with _lock:
        _clients[config] = (now, client)
    return client


def forget_clients() -> None:
    """Drop cached clients (tests that restart the provider; a rotated secret)."""
    with _lock:
        _clients.clear()


def claims_options(client, config: OidcConfig) -> dict:
    """What the ID token must say beyond its signature, expiry and nonce."""
    issuer = client.load_server_metadata()["issuer"]
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": config.client_id},
        "sub": {"essential": True},
    }
