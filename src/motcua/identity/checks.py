"""System checks: an eID configuration that cannot work fails `manage.py check` loudly."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

from motcua.identity.oidc import current_config

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@register(Tags.security)
def oidc_configuration(app_configs, **kwargs):
    config = current_config()
    if not config.issuer:
        return []  # eID login switched off; the login page says so.
    errors = []
    if not (config.client_id and config.client_secret):
        errors.append(
            Error(
                "MOTCUA_OIDC_ISSUER is set but MOTCUA_OIDC_CLIENT_ID or "
                "MOTCUA_OIDC_CLIENT_SECRET is missing.",
                id="identity.E001",
            )
        )
    parts = urlsplit(config.issuer)
    demo = getattr(settings, "DEMO", False) or settings.DEBUG
    if parts.scheme != "https" and not (demo and parts.hostname in _LOOPBACK):
        errors.append(
            Error(
                f"MOTCUA_OIDC_ISSUER={config.issuer!r} must be an https:// URL "
                "(plain http only for a loopback provider in demo or debug mode).",
                id="identity.E002",
            )
        )
    return errors
