"""The public transparency page of a unit: this month's and this year's figures.

Aggregates only: received, on-time rate, online share, satisfaction; no dossier, no
applicant, no officer is named. Anyone may read it (Decree 61/2018 art. 26: results are
public), so it reads the facts through an unrestricted slice of that one unit.
"""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from motcua.insights.periods import Kind, period_for
from motcua.insights.selectors import Slice, indicators_for_slice
from motcua.units.access import Scope
from motcua.units.models import Dataset, Level, Unit

# URL words for the levels (Vietnamese, as citizens read them).
LEVELS = {"tinh": Level.PROVINCE, "xa": Level.COMMUNE}
SLUGS = {v: k for k, v in LEVELS.items()}


@cache_control(public=True, max_age=300)
def index(request):
    provinces = Unit.objects.current().provinces().order_by("name").only("name", "code")
    return render(request, "insights/public_index.html", {"provinces": provinces, "slug": SLUGS})


@cache_control(public=True, max_age=300)
def unit_page(request, level: str, code: int):
    if level not in LEVELS:
        raise Http404
    unit = get_object_or_404(
        Unit.objects.select_related("province"),
        dataset=Dataset.TWO_LEVEL,
        level=LEVELS[level],
        code=code,
    )
    today = timezone.localdate()
    s = Slice(Scope(everything=True), unit=unit)
    month = period_for(Kind.MONTH, today)
    year = period_for(Kind.YEAR, today)
    # Up to today only: the rest of the period has not happened yet.
    figures = [
        (month, indicators_for_slice(s, month.start, today)),
        (year, indicators_for_slice(s, year.start, today)),
    ]
    communes = (
        Unit.objects.filter(province=unit, level=Level.COMMUNE, dataset=Dataset.TWO_LEVEL)
        .order_by("name")
        .only("name", "code")
        if unit.level == Level.PROVINCE
        else None
    )
    return render(
        request,
        "insights/public_unit.html",
        {
            "unit": unit,
            "figures": figures,
            "today": today,
            "communes": communes,
            "province_slug": SLUGS[Level.PROVINCE],
            "commune_slug": SLUGS[Level.COMMUNE],
            "as_of": dt.datetime.now(tz=timezone.get_default_timezone()),
        },
    )
