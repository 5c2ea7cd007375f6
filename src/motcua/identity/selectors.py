"""Reads for electronic identification."""

from __future__ import annotations

from motcua.identity.models import CitizenIdentity

# What the callback keeps in the session about the login that opened it.
SESSION_KEY = "motcua_eid"


def identity_assurance_for(user, *, request=None) -> str | None:
    """The assurance level (the provider's ``acr``) behind ``user``'s login, or None.

    With ``request``: the level of the eID login that opened this session, and None when
    the session was not opened through eID (the one answer to record on a dossier submitted
    in that session). Without it: the level of the user's most recent eID login.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if request is not None:
        login = request.session.get(SESSION_KEY) or {}
        if login.get("user") != user.pk:
            return None
        return login.get("acr") or None
    level = (
        CitizenIdentity.objects.filter(user=user)
        .order_by("-last_login_at")
        .values_list("assurance_level", flat=True)
        .first()
    )
    return level or None
