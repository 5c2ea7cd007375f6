"""Small display helpers of the back-office templates."""

from django import template
from django.utils.translation import gettext as _

from motcua.catalog.models import StepKind
from motcua.dossiers.models import Action, DeadlineStatus, SlipKind, State, Timeliness
from motcua.office.forms import RETURN_METHODS, officer_name
from motcua.units.models import Role

register = template.Library()


@register.filter
def officer(user) -> str:
    return officer_name(user) if user is not None else ""


@register.filter
def masked(value: str) -> str:
    """An ID number with all but its last three digits hidden (lists and the return desk,
    where the full number is not needed: it is shown on the dossier page only)."""
    value = value or ""
    return ("•" * max(len(value) - 3, 0) + value[-3:]) if value else ""


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


@register.filter
def step_kind(value) -> str:
    return _label(StepKind, value)


@register.filter
def role_label(value) -> str:
    return _label(Role, value)


@register.filter
def state_label(value) -> str:
    return _label(State, value)


@register.filter
def action_label(value) -> str:
    return _label(Action, value)


@register.filter
def colour_label(value) -> str:
    return _label(DeadlineStatus, value)


@register.filter
def outcome_label(value) -> str:
    return _label(Timeliness, value)


@register.filter
def slip_label(value) -> str:
    return _label(SlipKind, value)


@register.filter
def method_label(value) -> str:
    return str(dict(RETURN_METHODS).get(value, value or ""))


@register.filter
def limit_text(limit: dict) -> str:
    kind, amount = (limit or {}).get("kind"), (limit or {}).get("amount")
    if kind == "days":
        return _("%(n)s working days") % {"n": amount}
    if kind == "hours":
        return _("%(n)s working hours") % {"n": amount}
    if kind == "calendar-days":
        return _("%(n)s calendar days") % {"n": amount}
    if kind == "same-day":
        return _("same working day")
    return ""


@register.filter
def rule_text(rule: str) -> str:
    return {
        "decree-118-2025": _("Decree 118/2025/ND-CP (received from 01/07/2025)"),
        "decree-61-2018": _("Decree 61/2018/ND-CP (received before 01/07/2025)"),
    }.get(rule, rule or "")


@register.filter
def supplement_rule_text(rule: str) -> str:
    return {
        "restart": _("the time limit restarts when the dossier is complete (art. 19.4)"),
        "pause": _("the clock pauses while the applicant supplements"),
    }.get(rule, rule or "")


@register.simple_tag
def event_details(event, names: dict) -> str:
    """The human part of an event's payload: the officer it went to, a reason, a note,
    the papers asked for. ``names`` maps user ids to names in Vietnamese order."""
    payload = event.payload or {}
    parts = []
    officer_id = payload.get("assignee") or payload.get("to_user")
    if officer_id and officer_id in names:
        parts.append(_("to %(name)s") % {"name": names[officer_id]})
    for key in ("reason", "note", "task", "answer", "guidance"):
        if payload.get(key):
            parts.append(str(payload[key]))
    if payload.get("items"):
        parts.append("; ".join(i.get("name", "") for i in payload["items"]))
    if payload.get("method"):
        parts.append(method_label(payload["method"]))
    if payload.get("new_due_at"):
        parts.append(_("new appointment %(d)s") % {"d": _local(payload["new_due_at"])})
    return " — ".join(p for p in parts if p)


def _local(iso: str) -> str:
    import datetime as dt

    from django.utils import timezone

    try:
        return timezone.localtime(dt.datetime.fromisoformat(iso)).strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return str(iso)


@register.simple_tag(takes_context=True)
def sort_link(context, key: str) -> str:
    """The sort value a column header links to: ascending first, then descending."""
    current = context.get("sort", "")
    return f"-{key}" if current == key else key


@register.filter
def sort_mark(current: str, key: str) -> str:
    if current == key:
        return "▲"
    if current == f"-{key}":
        return "▼"
    return ""


@register.filter
def can(user, what: str) -> bool:
    """Menu entries by role (the pages and services check again)."""
    from motcua.office import selectors

    if what == "receive":
        return selectors.can_receive(user)
    if what == "approve":
        return selectors.can_approve(user)
    return False
