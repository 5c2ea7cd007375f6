"""Formatting for the citizen pages: money, time limits and the catalogue's labels."""

from django import template
from django.utils.translation import npgettext, pgettext, pgettext_lazy

from motcua.portal.selectors import PUBLIC_STATE

register = template.Library()

LEVELS = {
    "province": pgettext_lazy("portal", "Provincial level"),
    "commune": pgettext_lazy("portal", "Commune level"),
}
ONLINE = {
    "full": pgettext_lazy("portal", "Fully online"),
    "partial": pgettext_lazy("portal", "Partly online"),
}
DOCUMENT_FORMS = {
    "original": pgettext_lazy("portal", "original"),
    "copy": pgettext_lazy("portal", "copy"),
    "certified_copy": pgettext_lazy("portal", "certified copy"),
    "original_or_copy": pgettext_lazy("portal", "original or copy"),
}


@register.filter
def vnd(amount) -> str:
    """50000 → "50.000 đ" (Vietnamese digit grouping)."""
    try:
        number = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"{number:,}".replace(",", ".") + " đ"


@register.filter
def limit_label(procedure) -> str:
    kind, amount = procedure.limit_kind, procedure.limit_amount
    if kind == "same-day":
        return str(pgettext_lazy("portal", "Same working day"))
    if kind == "hours":
        return npgettext("portal", "%(n)d working hour", "%(n)d working hours", amount) % {
            "n": amount
        }
    if kind == "calendar-days":
        return npgettext("portal", "%(n)d day", "%(n)d days", amount) % {"n": amount}
    return npgettext("portal", "%(n)d working day", "%(n)d working days", amount) % {"n": amount}


@register.filter
def level_label(value) -> str:
    return str(LEVELS.get(value, value))


@register.filter
def online_label(value) -> str:
    return str(ONLINE.get(value, value))


@register.filter
def document_form_label(value) -> str:
    return str(DOCUMENT_FORMS.get(value, value))


@register.filter
def state_label(value) -> str:
    return str(PUBLIC_STATE.get(value, value))


@register.filter
def yes_no(value) -> str:
    return pgettext("portal", "yes") if value else pgettext("portal", "no")
