"""Staff login: password, then (leaders and administrators) a TOTP code, enrolled at the
first login; lockout after repeated failures; logout."""

import time

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from motcua.office import auth
from motcua.office.forms import CodeForm, LoginForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("office:inbox")


def _locked_message(until) -> str:
    local = timezone.localtime(until)
    return _(
        "Too many failed attempts. This account is locked on this computer until %(time)s."
    ) % {"time": local.strftime("%H:%M")}


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        ip = auth.client_ip(request)
        until = auth.throttle_locked_until(username, ip)
        if until is not None:
            error = _locked_message(until)
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None or not auth.is_staff_member(user):
                until = auth.throttle_fail(username, ip)
                error = _locked_message(until) if until else _("Wrong username or password.")
            elif auth.needs_second_factor(user):
                # The password is right; the login completes only with the second factor.
                request.session.cycle_key()
                request.session[auth.PENDING_KEY] = {
                    "user": user.pk,
                    "backend": user.backend,
                    "since": time.time(),
                    "next": _next(request),
                }
                step = "office:enrol" if auth.device_for(user) is None else "office:second_factor"
                return redirect(step)
            else:
                auth.throttle_clear(username, ip)
                login(request, user)
                request.session[auth.CLEARED_KEY] = user.pk
                return redirect(_next(request))
    status = 200 if not error else 400
    return render(
        request,
        "office/login.html",
        {"form": form, "error": error, "next": _next(request)},
        status=status,
    )


def _pending_user(request):
    pending = request.session.get(auth.PENDING_KEY)
    if not pending or time.time() - pending.get("since", 0) > auth.PENDING_SECONDS:
        request.session.pop(auth.PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _complete(request, user, pending):
    auth.throttle_clear(user.get_username(), auth.client_ip(request))
    request.session.pop(auth.PENDING_KEY, None)
    login(request, user, backend=pending["backend"])
    request.session[auth.CLEARED_KEY] = user.pk
    return redirect(pending.get("next") or reverse("office:inbox"))


def _code_failed(request, user) -> str:
    until = auth.throttle_fail(user.get_username(), auth.client_ip(request))
    if until is not None:
        request.session.pop(auth.PENDING_KEY, None)
        return _locked_message(until)
    return _("The code is not valid. Check the time on your phone and try the newest code.")


@csrf_protect
@never_cache
def second_factor_view(request):
    user, pending = _pending_user(request)
    if user is None:
        return redirect("office:login")
    device = auth.device_for(user)
    if device is None:
        return redirect("office:enrol")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        until = auth.throttle_locked_until(user.get_username(), auth.client_ip(request))
        if until is not None:
            request.session.pop(auth.PENDING_KEY, None)
            error = _locked_message(until)
        elif auth.verify_code(device, form.cleaned_data["code"]):
            return _complete(request, user, pending)
        else:
            error = _code_failed(request, user)
    return render(
        request,
        "office/second_factor.html",
        {"form": form, "error": error, "pending_user": user},
        status=400 if error else 200,
    )


@csrf_protect
@never_cache
def enrol_view(request):
    """First login of a leader or administrator: show the QR code and the secret, and
    confirm with a first code from the authenticator app."""
    user, pending = _pending_user(request)
    if user is None:
        return redirect("office:login")
    if auth.device_for(user) is not None:
        return redirect("office:second_factor")
    device = auth.enrolment_device(user)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if auth.verify_code(device, form.cleaned_data["code"], confirm=True):
            return _complete(request, user, pending)
        error = _code_failed(request, user)
    secret = device.secret
    return render(
        request,
        "office/enrol.html",
        {
            "form": form,
            "error": error,
            "pending_user": user,
            "qr": auth.qr_data_uri(device),
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if error else 200,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("office:login")
