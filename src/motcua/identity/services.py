"""Writes for electronic identification: the citizen account behind an eID login."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.identity.models import CitizenIdentity
from motcua.units.models import User

log = logging.getLogger(__name__)


@dataclass
class IdentityRefused(Exception):
    code: str
    message_vi: str
    message_en: str
    status: int = 403

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


def _text(value, limit: int) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())[:limit]


def _full_name(claims: Mapping) -> str:
    name = _text(claims.get("name"), 200)
    if name:
        return name
    # Vietnamese order: family name first.
    return _text(f"{claims.get('family_name') or ''} {claims.get('given_name') or ''}", 200)


def _id_number(claims: Mapping, claim: str) -> str:
    value = _text(claims.get(claim), 40).replace(" ", "")
    # A personal identification number is 12 digits (old identity cards: 9); anything else
    # is not stored rather than stored wrong.
    if value and (not value.isdigit() or len(value) > 20):
        log.warning("eID login: the %s claim is not an ID number; ignored", claim)
        return ""
    return value


def _username(issuer: str, subject: str) -> str:
    # Stable, unique per (issuer, subject) and free of personal data.
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"eid-{digest[:24]}"


def _check_citizen(user: User) -> None:
    """Citizens never get staff permissions, and an eID login never opens a staff account."""
    if user.is_officer or user.is_staff or user.is_superuser or user.roles.exists():
        log.warning("eID login refused for user %s: it is a staff account", user.pk)
        raise IdentityRefused(
            "staff_account",
            "Tài khoản này là tài khoản cán bộ; không đăng nhập bằng định danh điện tử "
            "của công dân. Vui lòng dùng trang đăng nhập dành cho cán bộ.",
            "This is a staff account; it cannot be opened with a citizen's electronic "
            "identification. Use the staff login page.",
        )
    if not user.is_active:
        raise IdentityRefused(
            "inactive",
            "Tài khoản đã bị khóa. Vui lòng liên hệ Trung tâm Phục vụ hành chính công.",
            "The account is disabled. Please contact the service center.",
        )


def citizen_sign_in(
    *,
    issuer: str,
    claims: Mapping,
    id_number_claim: str = "id_number",
    at: dt.datetime | None = None,
) -> CitizenIdentity:
    """Find or create the citizen behind validated eID ``claims`` and record this login.

    ``claims`` are the ID token's (already checked: signature, issuer, audience, nonce)
    merged with the userinfo response of the same subject. The user is created without an
    agency, without staff flags and without a usable password; a second login of the same
    subject updates the same rows.
    """
    subject = str(claims["sub"])
    at = at or timezone.now()
    full_name = _full_name(claims)
    values = {
        "full_name": full_name,
        "id_number": _id_number(claims, id_number_claim),
        "assurance_level": _text(claims.get("acr"), 255),
        "last_login_at": at,
    }
    try:
        with transaction.atomic():
            identity = _record(issuer, subject, full_name, values)
    except IntegrityError:
        # Two first logins of one person raced (two tabs): the other one created the rows.
        with transaction.atomic():
            identity = _record(issuer, subject, full_name, values)
    return identity


def _record(issuer: str, subject: str, full_name: str, values: dict) -> CitizenIdentity:
    identity = (
        CitizenIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        user = User(username=_username(issuer, subject), agency=None)
        user.set_unusable_password()
        _apply_name(user, full_name)
        user.save()
        return CitizenIdentity.objects.create(user=user, issuer=issuer, subject=subject, **values)
    user = identity.user
    _check_citizen(user)
    if full_name:
        _apply_name(user, full_name)
        user.save(update_fields=["first_name", "last_name"])
    for name, value in values.items():
        setattr(identity, name, value)
    identity.save(update_fields=[*values])
    return identity


def _apply_name(user: User, full_name: str) -> None:
    # The same split as officer_create: the given name last ("Ánh"), the rest before it.
    family, _sep, given = full_name.rpartition(" ")
    user.first_name = given[:150]
    user.last_name = family[:150]
