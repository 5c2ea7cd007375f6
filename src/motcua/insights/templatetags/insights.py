"""Formatting of figures and the links from a number to the dossiers behind it."""

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value):
    """A count with the locale's thousands separator (1.234 in Vietnamese)."""
    if value is None:
        return _("N/A")
    return number_format(value, force_grouping=True)


@register.filter
def pct(value):
    """A percentage with two decimals, or N/A for a zero denominator."""
    if value is None:
        return _("N/A")
    return f"{number_format(Decimal(value), decimal_pos=2, force_grouping=True)}%"


@register.filter
def dec(value):
    """A score or an average with two decimals, or N/A."""
    if value is None:
        return _("N/A")
    return number_format(Decimal(value), decimal_pos=2, force_grouping=True)


@register.simple_tag
def drill(query, metric, **extra):
    """The URL of the dossiers behind a figure: the page's slice and period, plus the
    metric and any extra dimension (``unit=…``, ``officer=…``)."""
    params = dict(query)
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    params["metric"] = metric
    return f"{reverse('insights:dossiers')}?{urlencode(params)}"


@register.simple_tag
def merge(query, **extra):
    """The page's query string with some parameters replaced."""
    params = dict(query)
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)
