"""Dashboards of the indicators (``/office/insights/``): thin views over the selectors.

Every page starts from ``slice_for(request.user, …)``: a unit, agency or officer outside
the caller's scope is a 404. Pages show counts and rates, never applicants' personal data;
dossiers are listed by code.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Channel, Dossier
from motcua.insights import export, selectors
from motcua.insights.charts import Bar, stacked_bars
from motcua.insights.indicators import WEIGHTS, AgencyBand, Group
from motcua.insights.periods import Kind, PeriodError, period_for
from motcua.insights.selectors import Basis, Slice, slice_for
from motcua.units.access import scope_for
from motcua.units.models import Agency, Dataset, Level, Unit, User

PAGE_SIZE = 50
TOP_PROCEDURES = 15
LATE_PREVIEW = 10


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise PeriodError(text)


def _period(request):
    """The period asked for in the query string; this month when none or invalid."""
    today = timezone.localdate()
    error = ""
    try:
        period = period_for(
            request.GET.get("period") or Kind.MONTH,
            _date(request.GET.get("date")) or today,
            start=_date(request.GET.get("start")),
            end=_date(request.GET.get("end")),
        )
    except PeriodError:
        period = period_for(Kind.MONTH, today)
        error = _("The period asked for is not valid; showing this month.")
    return period, error


def _common(request) -> dict:
    channel = request.GET.get("channel") or None
    basis = request.GET.get("basis") or Basis.COMPETENT
    return {"channel": channel, "basis": basis}


# Where a row of a breakdown leads: its own page, and the parameter naming it.
ROW_PAGES = {
    "competent_unit": ("insights:unit", "unit"),
    "competent_agency": ("insights:agency", "agency"),
    "procedure": ("insights:procedure", "procedure"),
    "officer": ("insights:officer", "officer"),
}

GROUP_LABELS = {
    Group.PUBLICITY: gettext_lazy("Publicity and transparency"),
    Group.PROGRESS: gettext_lazy("Processing progress"),
    Group.ONLINE: gettext_lazy("Online public services"),
    Group.PAYMENT: gettext_lazy("Online payment"),
    Group.SATISFACTION: gettext_lazy("Satisfaction"),
    Group.DIGITISATION: gettext_lazy("Digitisation"),
}
BAND_LABELS = {
    AgencyBand.EXCELLENT: gettext_lazy("Excellent"),
    AgencyBand.GOOD: gettext_lazy("Good"),
    AgencyBand.FAIR: gettext_lazy("Fair"),
    AgencyBand.AVERAGE: gettext_lazy("Average"),
    AgencyBand.WEAK: gettext_lazy("Weak"),
}


def _decorate(request, rows, group: str, base: dict, page_unit: Unit | None = None):
    """Give each breakdown row the link to its page and the slice of its numbers."""
    view, param = ROW_PAGES[group]
    query = _query(request)
    scope = {k: v for k, v in base.items() if k in ("unit", "agency")}
    for row in rows:
        row.page_url = row.link_query = None
        if not row.key:
            continue
        if group == "competent_unit" and page_unit is not None and row.key == page_unit.pk:
            # The province's own agencies, apart from its communes.
            row.label = _("%(unit)s (provincial agencies)") % {"unit": row.label}
            row.link_query = {**query, "unit": row.key, "exact": 1}
            row.page_url = f"{reverse(view, args=[row.key])}?{urlencode(row.link_query)}"
            continue
        row.link_query = {**query, **base, param: row.key}
        extra = scope if group == "procedure" else {}
        row.page_url = f"{reverse(view, args=[row.key])}?{urlencode({**query, **extra})}"
    return rows


def _query(request, **extra) -> dict:
    """The query string parameters that define the slice and period, plus ``extra``."""
    keep = ("period", "date", "start", "end", "channel", "basis")
    params = {k: request.GET[k] for k in keep if request.GET.get(k)}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return params


def _context(request, s: Slice, period, error: str, base: dict, **extra) -> dict:
    """What every page needs: the period form, and ``link_query`` (the page's slice and
    period) from which every number links to the dossiers behind it."""
    link_query = {**_query(request), **base}
    total = extra.get("total")
    context = {
        "slice": s,
        "period": period,
        "period_error": error,
        "kinds": [(k.value, k) for k in Kind],
        "channels": Channel.choices,
        "query": _query(request),
        "query_string": urlencode(_query(request)),
        "hidden": sorted(base.items()),
        "link_query": link_query,
        "export_query": urlencode(link_query),
        "late_query": urlencode(
            {k: v for k, v in base.items() if k in ("unit", "agency", "exact")}
        ),
    }
    if total is not None:
        context["groups"] = [
            (GROUP_LABELS[g], total.scores_766.scores[g], WEIGHTS[g]) for g in Group
        ]
        context["agency_band"] = BAND_LABELS.get(total.agency_band, "")
    context.update(extra)
    return context


def _chart(points) -> str:
    bars = [
        Bar(
            label=f"{p.month:%m/%y}",
            segments=(
                (
                    "ok",
                    p.indicators.finished_early + p.indicators.finished_on_time,
                    _("Finished early or on time: %(n)s")
                    % {"n": p.indicators.finished_early + p.indicators.finished_on_time},
                ),
                (
                    "late",
                    p.indicators.finished_late,
                    _("Finished late: %(n)s") % {"n": p.indicators.finished_late},
                ),
            ),
            line=p.indicators.on_time_rate,
        )
        for p in points
    ]
    return stacked_bars(
        bars, title=_("Dossiers finished per month and on-time rate"), line_label=_("On-time rate")
    )


def _dossier_link(code: str) -> str | None:
    try:
        return reverse("office:dossier", args=[code])
    except NoReverseMatch:
        return None


@login_required
def index(request):
    """The caller's own unit: their province, else their first commune."""
    scope = scope_for(request.user)
    if scope.is_empty:
        raise Http404
    if scope.everything:
        provinces = Unit.objects.current().provinces().order_by("name")
        return render(request, "insights/choose.html", {"units": provinces})
    ids = sorted(scope.province_ids) or sorted(scope.commune_ids)
    return redirect("insights:unit", unit_id=ids[0])


def _unit(unit_id: int) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("province"), pk=unit_id, dataset=Dataset.TWO_LEVEL
    )


def _trail(unit: Unit | None = None, agency: Agency | None = None) -> list[tuple[str, str]]:
    """Breadcrumbs: province → commune → agency."""
    trail = []
    if agency is not None:
        unit = agency.unit
    if unit is not None:
        if unit.level != Level.PROVINCE and unit.province is not None:
            trail.append((unit.province.name, reverse("insights:unit", args=[unit.province_id])))
        trail.append((unit.name, reverse("insights:unit", args=[unit.pk])))
    if agency is not None:
        trail.append((agency.name, reverse("insights:agency", args=[agency.pk])))
    return trail


def _late_preview(s: Slice) -> dict:
    late, at_risk = selectors.late_and_at_risk(s)
    today = timezone.localdate()
    late_rows = list(late[:LATE_PREVIEW])
    risk_rows = list(at_risk[:LATE_PREVIEW])
    for d in late_rows:
        d.days_late = (today - timezone.localdate(d.due_at)).days
        d.link = _dossier_link(d.code)
    for d in risk_rows:
        d.link = _dossier_link(d.code)
    return {"late": late_rows, "at_risk": risk_rows}


def _int(request, name: str) -> int:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        raise Http404 from None


def _scoped_slice(request, **parts) -> tuple[Slice, dict]:
    """A slice from the ``unit`` / ``agency`` / ``exact`` query parameters plus ``parts``,
    and those parameters (to carry into links)."""
    unit = agency = None
    base: dict = {}
    if request.GET.get("agency"):
        agency = get_object_or_404(
            Agency.objects.select_related("unit", "unit__province"), pk=_int(request, "agency")
        )
        base["agency"] = agency.pk
    if request.GET.get("unit"):
        unit = _unit(_int(request, "unit"))
        base["unit"] = unit.pk
    exact = request.GET.get("exact") == "1"
    if exact:
        base["exact"] = 1
    s = slice_for(request.user, unit=unit, agency=agency, exact=exact, **_common(request), **parts)
    return s, base


@login_required
def unit_view(request, unit_id: int):
    unit = _unit(unit_id)
    exact = request.GET.get("exact") == "1"
    s = slice_for(request.user, unit=unit, exact=exact, **_common(request))
    base = {"unit": unit.pk, **({"exact": 1} if exact else {})}
    period, error = _period(request)
    start, end = period.start, period.end
    child_group = selectors.children_of(s)
    points = selectors.trend(s, end)
    children = selectors.breakdown(s, start, end, child_group)
    procedures = selectors.breakdown(s, start, end, "procedure")[:TOP_PROCEDURES]
    officers = (
        selectors.breakdown(s, start, end, "officer")
        if unit.level != Level.PROVINCE or exact
        else None
    )
    context = _context(
        request,
        s,
        period,
        error,
        base,
        unit=unit,
        trail=_trail(unit),
        total=selectors.indicators_for_slice(s, start, end),
        children=_decorate(request, children, child_group, base, page_unit=unit),
        child_group=child_group,
        procedures=_decorate(request, procedures, "procedure", base),
        officers=_decorate(request, officers, "officer", base) if officers is not None else None,
        trend=points,
        chart=_chart(points),
        **_late_preview(s),
    )
    return render(request, "insights/unit.html", context)


@login_required
def agency_view(request, agency_id: int):
    agency = get_object_or_404(
        Agency.objects.select_related("unit", "unit__province"), pk=agency_id
    )
    s = slice_for(request.user, agency=agency, **_common(request))
    base = {"agency": agency.pk}
    period, error = _period(request)
    start, end = period.start, period.end
    points = selectors.trend(s, end)
    context = _context(
        request,
        s,
        period,
        error,
        base,
        agency=agency,
        trail=_trail(agency=agency),
        total=selectors.indicators_for_slice(s, start, end),
        procedures=_decorate(
            request, selectors.breakdown(s, start, end, "procedure"), "procedure", base
        ),
        officers=_decorate(request, selectors.breakdown(s, start, end, "officer"), "officer", base),
        trend=points,
        chart=_chart(points),
        **_late_preview(s),
    )
    return render(request, "insights/agency.html", context)


@login_required
def procedure_view(request, procedure_id: int):
    procedure = get_object_or_404(Procedure, pk=procedure_id)
    s, base = _scoped_slice(request, procedure=procedure)
    base["procedure"] = procedure.pk
    period, error = _period(request)
    start, end = period.start, period.end
    points = selectors.trend(s, end)
    units = (
        selectors.breakdown(s, start, end, "competent_unit")
        if s.agency is None and (s.unit is None or s.unit.level == Level.PROVINCE)
        else None
    )
    context = _context(
        request,
        s,
        period,
        error,
        base,
        procedure=procedure,
        trail=_trail(s.unit, s.agency),
        total=selectors.indicators_for_slice(s, start, end),
        units=_decorate(request, units, "competent_unit", base) if units is not None else None,
        officers=_decorate(request, selectors.breakdown(s, start, end, "officer"), "officer", base),
        trend=points,
        chart=_chart(points),
    )
    return render(request, "insights/procedure.html", context)


@login_required
def officer_view(request, officer_id: int):
    officer = get_object_or_404(
        User.objects.select_related("agency", "agency__unit", "agency__unit__province"),
        pk=officer_id,
    )
    s = slice_for(request.user, officer=officer, **_common(request))
    base = {"officer": officer.pk}
    period, error = _period(request)
    start, end = period.start, period.end
    points = selectors.trend(s, end)
    context = _context(
        request,
        s,
        period,
        error,
        base,
        officer=officer,
        trail=_trail(agency=officer.agency),
        total=selectors.indicators_for_slice(s, start, end),
        procedures=_decorate(
            request, selectors.breakdown(s, start, end, "procedure"), "procedure", base
        ),
        trend=points,
        chart=_chart(points),
    )
    return render(request, "insights/officer.html", context)


@login_required
def dossiers_view(request):
    """The dossiers behind a number: same slice, period and metric as the figure."""
    officer = procedure = None
    if request.GET.get("officer"):
        officer = get_object_or_404(
            User.objects.select_related("agency", "agency__unit"), pk=_int(request, "officer")
        )
    if request.GET.get("procedure"):
        procedure = get_object_or_404(Procedure, pk=_int(request, "procedure"))
    s, base = _scoped_slice(request, officer=officer, procedure=procedure)
    if officer is not None:
        base["officer"] = officer.pk
    if procedure is not None:
        base["procedure"] = procedure.pk
    period, error = _period(request)
    metric = request.GET.get("metric", "received")
    if metric not in selectors.METRICS:
        raise Http404
    base["metric"] = metric
    ids = selectors.dossiers_behind(s, metric, period.start, period.end)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    dossiers = list(
        Dossier.objects.filter(pk__in=list(page.object_list))
        .select_related("procedure", "competent_agency")
        .only(
            "code",
            "state",
            "channel",
            "received_at",
            "due_at",
            "finished_at",
            "outcome",
            "procedure__code",
            "procedure__name",
            "competent_agency__name",
        )
        .order_by("received_at", "pk")
    )
    for d in dossiers:
        d.link = _dossier_link(d.code)
    context = _context(
        request,
        s,
        period,
        error,
        base,
        metric=metric,
        metric_label=METRIC_LABELS[metric],
        dossiers=dossiers,
        page=page,
        total_count=len(ids),
        page_query=urlencode({**_query(request), **base}),
        trail=_trail(s.unit, s.agency),
    )
    return render(request, "insights/dossiers.html", context)


@login_required
def late_view(request):
    s, base = _scoped_slice(request)
    period, error = _period(request)
    late, at_risk = selectors.late_and_at_risk(s)
    which = "at_risk" if request.GET.get("list") == "at_risk" else "late"
    base["list"] = which
    page = Paginator(at_risk if which == "at_risk" else late, PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for d in page.object_list:
        d.days_late = (today - timezone.localdate(d.due_at)).days
        d.link = _dossier_link(d.code)
    context = _context(
        request,
        s,
        period,
        error,
        base,
        page=page,
        which=which,
        trail=_trail(s.unit, s.agency),
        page_query=urlencode(base),
    )
    return render(request, "insights/late.html", context)


@login_required
def ranking_view(request, unit_id: int):
    unit = _unit(unit_id)
    if unit.level != Level.PROVINCE:
        raise Http404
    s = slice_for(request.user, unit=unit, **_common(request))
    base = {"unit": unit.pk}
    period, error = _period(request)
    ranked, small = selectors.ranking(s, period.start, period.end)
    _decorate(request, ranked + small, "competent_unit", base, page_unit=unit)
    context = _context(
        request,
        s,
        period,
        error,
        base,
        unit=unit,
        trail=_trail(unit),
        ranked=ranked,
        small=small,
        minimum=selectors.MIN_RANKING_SAMPLE,
    )
    return render(request, "insights/ranking.html", context)


@login_required
def export_view(request):
    """Every table of the dashboard as one workbook, one sheet per table."""
    s, _base = _scoped_slice(request)
    period, _error = _period(request)
    start, end = period.start, period.end
    if s.agency is not None:
        name = s.agency.name
    elif s.unit is not None:
        name = s.unit.name
    else:
        raise Http404
    child_group = "procedure" if s.agency is not None else selectors.children_of(s)
    children = selectors.breakdown(s, start, end, child_group)
    procedures = selectors.breakdown(s, start, end, "procedure")
    officers = (
        selectors.breakdown(s, start, end, "officer")
        if selectors.children_of(s) == "competent_agency"
        else []
    )
    points = selectors.trend(s, end)
    late, _at_risk = selectors.late_and_at_risk(s)
    today = timezone.localdate()
    late_rows = [
        (
            d.code,
            d.procedure.name,
            d.competent_agency.name,
            timezone.localdate(d.received_at) if d.received_at else None,
            timezone.localdate(d.due_at),
            (today - timezone.localdate(d.due_at)).days,
        )
        for d in late[:10_000]
    ]
    content = export.workbook(
        unit_name=name,
        start=start,
        end=end,
        total=selectors.indicators_for_slice(s, start, end),
        children=[(r.label, r.indicators) for r in children],
        procedures=[
            (r.obj.code if r.obj else "", r.obj.name if r.obj else r.label, r.indicators)
            for r in procedures
        ],
        officers=[(r.label, r.indicators) for r in officers],
        trend=[(p.month, p.indicators) for p in points],
        late=late_rows,
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"chi-tieu-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


METRIC_LABELS = {
    "received": gettext_lazy("Received"),
    "received_online": gettext_lazy("Received online"),
    "carried_over": gettext_lazy("Carried over"),
    "finished": gettext_lazy("Finished"),
    "finished_early": gettext_lazy("Finished early"),
    "finished_on_time": gettext_lazy("Finished on time"),
    "finished_late": gettext_lazy("Finished late"),
    "in_progress": gettext_lazy("In progress"),
    "in_progress_on_time": gettext_lazy("In progress, on time"),
    "in_progress_late": gettext_lazy("In progress, late"),
    "returned": gettext_lazy("Returned"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "stopped": gettext_lazy("Stopped"),
    "refused": gettext_lazy("Refused at intake"),
    "rejected": gettext_lazy("Rejected on the merits"),
    "apologies": gettext_lazy("Apologies issued"),
    "fee_bearing": gettext_lazy("Fee-bearing"),
    "paid_online": gettext_lazy("Paid online"),
    "digitised": gettext_lazy("Digitised"),
    "electronic_result": gettext_lazy("Electronic result"),
}
