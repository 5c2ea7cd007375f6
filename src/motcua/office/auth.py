"""Staff login rules: lockout after repeated failures, the second factor (TOTP) for
leaders and administrators, and the check every back-office page goes through.

Why pyotp (+ segno for the QR code) rather than django-otp: django-otp needs its apps
and its middleware in the settings and brings a plugin framework (static tokens, e-mail,
YubiKey...) we do not use; TOTP itself is a few lines over pyotp (RFC 4226/6238), and the
device is one small model here. Why not django-axes: it needs an authentication backend
and middleware in the settings and locks per its own rules; the rule here is one
counter per (username, address), tested in tests/office/test_login.py.
"""

import datetime as dt
import functools
from urllib.parse import urlencode

import pyotp
import segno
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from motcua.office.models import LoginThrottle, TotpDevice
from motcua.units.models import Role, RoleAssignment

MAX_FAILURES = 5
LOCK_MINUTES = 15
# The session key marking that the logged-in user met the office's login rule (password,
# plus the second factor where their role needs one); checked on every page.
CLEARED_KEY = "office_cleared"
# A password accepted, the second factor still to come: who, and since when.
PENDING_KEY = "office_pending_login"
PENDING_SECONDS = 300
ISSUER = "motcua"

_SECOND_FACTOR_ROLES = frozenset({Role.LEADER, Role.ADMINISTRATOR})


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy
    # rewrites it, and a spoofable address would make the lockout trivial to dodge.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104


# -- lockout ------------------------------------------------------------------------------


def throttle_locked_until(username: str, ip: str) -> dt.datetime | None:
    """When the pair's lock ends, if it is locked now."""
    row = LoginThrottle.objects.filter(username=username.lower(), ip=ip).first()
    if row is not None and row.locked_until is not None and row.locked_until > timezone.now():
        return row.locked_until
    return None


def throttle_fail(username: str, ip: str) -> dt.datetime | None:
    """Count one failure; returns the end of the lock if this failure caused one."""
    now = timezone.now()
    key = {"username": username.lower()[:150], "ip": ip}
    with transaction.atomic():
        updated = LoginThrottle.objects.filter(**key).update(
            failures=F("failures") + 1, last_failure_at=now
        )
        if not updated:
            try:
                with transaction.atomic():
                    LoginThrottle.objects.create(**key, failures=1, last_failure_at=now)
            except IntegrityError:  # a concurrent first failure created it
                LoginThrottle.objects.filter(**key).update(
                    failures=F("failures") + 1, last_failure_at=now
                )
        row = LoginThrottle.objects.select_for_update().get(**key)
        if row.locked_until is not None and row.locked_until <= now:
            # The previous lock ran out: this failure starts a new count.
            row.failures, row.locked_until = 1, None
        if row.failures >= MAX_FAILURES:
            row.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            row.failures = 0
        row.save(update_fields=["failures", "locked_until"])
        return row.locked_until


def throttle_clear(username: str, ip: str) -> None:
    LoginThrottle.objects.filter(username=username.lower(), ip=ip).delete()


# -- second factor ------------------------------------------------------------------------


def needs_second_factor(user) -> bool:
    """Leaders and administrators (and superusers) log in with a TOTP code as well."""
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user, role__in=_SECOND_FACTOR_ROLES).exists()


def device_for(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def enrolment_device(user) -> TotpDevice:
    """The unconfirmed device shown at enrolment (the same secret on every reload, so a
    scanned QR code stays valid until the first code confirms it)."""
    device, _created = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.get_username(), issuer_name=ISSUER
    )


def qr_data_uri(device: TotpDevice) -> str:
    # A data: URI image: allowed by the page's CSP (img-src 'self' data:), no inline style.
    return segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5, border=2)


def verify_code(device: TotpDevice, code: str, *, confirm: bool = False) -> bool:
    """Accept ``code`` for the current 30-second step or the one on either side (clock
    drift), once only. ``confirm`` marks an enrolment device as confirmed."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    current = totp.timecode(now)
    with transaction.atomic():
        locked = TotpDevice.objects.select_for_update().get(pk=device.pk)
        for offset in (0, -1, 1):
            step = current + offset
            if step <= locked.last_step:
                continue  # already used: no replay
            if constant_time_compare(totp.at(now, counter_offset=offset), code):
                locked.last_step = step
                fields = ["last_step"]
                if confirm and locked.confirmed_at is None:
                    locked.confirmed_at = now
                    fields.append("confirmed_at")
                locked.save(update_fields=fields)
                device.last_step, device.confirmed_at = locked.last_step, locked.confirmed_at
                return True
    return False


def device_reset(user) -> None:
    """Forget a lost authenticator: the next login enrols a new one."""
    TotpDevice.objects.filter(user=user).delete()


# -- the page guard -----------------------------------------------------------------------


def is_staff_member(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_officer)


def officer_required(view):
    """Anonymous visitors go to the login page; logged-in non-officers (citizens) get 403;
    leaders and administrators who logged in without their second factor (e.g. through
    another login page) are logged out and sent to the office login."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        login_url = reverse("office:login")
        if not user.is_authenticated:
            if getattr(request, "htmx", False):
                # The session ran out under an htmx request: reload the whole page at the
                # login rather than swapping a login form into a table.
                response = HttpResponse(status=204)
                back = request.htmx.current_url_abs_path or ""
                response["HX-Redirect"] = f"{login_url}?{urlencode({'next': back})}"
                return response
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        if not is_staff_member(user):
            raise PermissionDenied
        if request.session.get(CLEARED_KEY) != user.pk:
            if needs_second_factor(user):
                logout(request)
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
            request.session[CLEARED_KEY] = user.pk
        return view(request, *args, **kwargs)

    return wrapped


def session_minutes() -> int:
    return settings.SESSION_COOKIE_AGE // 60
