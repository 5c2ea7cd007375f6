"""Reads of the indicators, always scoped to what the caller may see (STYLE.md 7, 12).

``indicators_for`` is the entry point: the full ``IndicatorSet`` for a slice (unit,
agency, procedure, officer, channel) and a period. Breakdowns (per commune, agency,
procedure, officer, channel), the monthly trend, the ranking and the dossiers behind a
number use the same aggregation.

How a period is summed (docs/indicators.md, "Facts"): whole months come from
``MonthlyFact`` and the partial months at either end from ``DailyFact``; when an officer is
asked for, everything comes from ``DailyFact`` (the monthly rows carry no officer). Stocks:
``in_progress(E) = Σ OpenTotal.open − Σ open_delta dated after E`` and
``carried_over = in_progress(start − 1 day)``, so the query reads only the rows dated on
or after the period's start, never the whole history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Channel, DeadlineStatus, Dossier, State
from motcua.insights import facts
from motcua.insights.indicators import Counts, IndicatorSet
from motcua.insights.models import (
    COUNTERS,
    AgencyFact,
    DailyFact,
    Grain,
    MonthlyFact,
    OpenTotal,
)
from motcua.insights.periods import add_months, month_end, month_start, split_months
from motcua.units.access import Scope, scope_for
from motcua.units.models import Agency, Level, Unit, User

# A unit is ranked only with at least this many dossiers handled (carried over + received)
# in the period: a commune with three dossiers, all on time, is not "the best".
MIN_RANKING_SAMPLE = 30

ONLINE = list(facts.ONLINE_CHANNELS)
FLOWS = tuple(c for c in COUNTERS if c not in {"open_delta", "late_delta"})


class Basis:
    # Which unit a dossier counts for: the one deciding it (default: timeliness is its
    # responsibility) or the one that received it (a desk's intake figures).
    COMPETENT = "competent"
    RECEIVING = "receiving"


@dataclass(frozen=True)
class Slice:
    """What the figures are about, already checked against the caller's scope."""

    scope: Scope
    unit: Unit | None = None
    agency: Agency | None = None
    procedure: Procedure | None = None
    officer: User | None = None
    channel: str | None = None
    basis: str = Basis.COMPETENT
    # A province's own agencies only (not its communes): the province's row in its
    # breakdown by unit.
    exact: bool = False

    def _unit_q(self, unit_col: str, province_col: str) -> Q:
        if self.unit is None:
            return Q()
        if self.unit.level == Level.PROVINCE and not self.exact:
            return Q(**{province_col: self.unit.pk})
        return Q(**{unit_col: self.unit.pk})

    def q(self) -> Q:
        """The filter on the fact tables (officer excluded: only some tables carry it)."""
        receiving = self.basis == Basis.RECEIVING
        unit_col = "unit_id" if receiving else "competent_unit_id"
        province_col = "province_id" if receiving else "competent_province_id"
        q = self.scope.q(unit_col, province_path=province_col) & self._unit_q(
            unit_col, province_col
        )
        if self.agency is not None:
            q &= Q(competent_agency_id=self.agency.pk)
        if self.procedure is not None:
            q &= Q(procedure_id=self.procedure.pk)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def dossier_q(self) -> Q:
        """The same slice over the dossiers table."""
        receiving = self.basis == Basis.RECEIVING
        unit_col = "unit_id" if receiving else "competent_unit_id"
        province_col = "province_id" if receiving else "competent_province_id"
        q = self.scope.q(unit_col, province_path=province_col) & self._unit_q(
            unit_col, province_col
        )
        if self.agency is not None:
            q &= Q(competent_agency_id=self.agency.pk)
        if self.procedure is not None:
            q &= Q(procedure_id=self.procedure.pk)
        if self.channel:
            q &= Q(channel=self.channel)
        return q


def slice_for(
    user,
    *,
    unit: Unit | None = None,
    agency: Agency | None = None,
    procedure: Procedure | None = None,
    officer: User | None = None,
    channel: str | None = None,
    basis: str = Basis.COMPETENT,
    exact: bool = False,
) -> Slice:
    """Check every part of the slice against the caller's scope: 404 outside it."""
    scope = scope_for(user)
    if scope.is_empty:
        raise Http404
    if unit is not None and not scope.covers(unit):
        raise Http404
    if agency is not None:
        if not scope.covers(agency.unit):
            raise Http404
        if unit is not None and not _within(agency.unit, unit):
            raise Http404
    if officer is not None and (officer.agency_id is None or not scope.covers(officer.agency.unit)):
        raise Http404
    if channel and channel not in Channel.values:
        raise Http404
    if basis not in (Basis.COMPETENT, Basis.RECEIVING):
        raise Http404
    return Slice(scope, unit, agency, procedure, officer, channel or None, basis, exact)


def _within(inner: Unit, outer: Unit) -> bool:
    return inner.pk == outer.pk or (outer.level == Level.PROVINCE and inner.province_id == outer.pk)


# -- aggregation --------------------------------------------------------------------------------


def _sum_when(condition: Q | None, expression) -> Sum:
    if condition is None:
        return Sum(Value(0))
    return Sum(
        Case(When(condition, then=expression), default=Value(0)), output_field=IntegerField()
    )


# Aggregate aliases carry a prefix: an alias equal to a column name would shadow the
# column for the expressions after it.
P = "a_"


def _annotations(in_period: Q, after: Q | None) -> dict:
    """Sums of the flows and of the open delta over the rows ``in_period`` (``Q()``: all
    rows; then plain sums), and of the stock deltas over the rows ``after``."""

    def when(condition: Q, name: str):
        return Sum(name) if condition == Q() else _sum_when(condition, F(name))

    sums = {P + name: when(in_period, name) for name in FLOWS}
    sums[P + "received_online"] = _sum_when(in_period & Q(channel__in=ONLINE), F("received"))
    sums[P + "in_open"] = when(in_period, "open_delta")
    if after is not None:
        sums[P + "after_open"] = _sum_when(after, F("open_delta"))
        sums[P + "after_late"] = _sum_when(after, F("late_delta"))
    return sums


GROUPS = {
    "competent_unit": "competent_unit_id",
    "unit": "unit_id",
    "competent_agency": "competent_agency_id",
    "procedure": "procedure_id",
    "officer": "officer_id",
    "channel": "channel",
}


def _rows(queryset, group: str | None, annotations: dict):
    if group is None:
        return [queryset.aggregate(**annotations)]
    column = GROUPS[group]
    return list(queryset.values(column).order_by().annotate(**annotations))


def _coarse(s: Slice, group: str | None) -> bool:
    """Whether ``AgencyFact`` (per competent agency and channel) can answer: no procedure,
    no officer, counted for the deciding unit, grouped by nothing finer than an agency."""
    return (
        s.procedure is None
        and s.officer is None
        and s.basis == Basis.COMPETENT
        and group in (None, "competent_unit", "competent_agency", "channel")
    )


def aggregate(
    s: Slice, start: dt.date, end: dt.date, *, group: str | None = None
) -> dict[object, Counts]:
    """``Counts`` for the slice over ``start..end`` (inclusive local dates), per group.

    Four queries (two when an officer is involved): the days of the partial months at the
    ends, the whole months inside the period (flows), the whole months after it (stock
    deltas only), and the stock totals. ``in_open`` (the open deltas dated in the period)
    and ``after_*`` (dated after ``end``) turn the totals into the stocks at either end of
    the period. Without a procedure or an officer the agencies' roll-up (``AgencyFact``)
    answers, else the daily, monthly and total facts.
    """
    q = s.q()
    by_officer = s.officer is not None or group == "officer"
    if s.officer is not None:
        q &= Q(officer_id=s.officer.pk)
    if _coarse(s, group):
        days = AgencyFact.objects.filter(q, grain=Grain.DAY)
        months = AgencyFact.objects.filter(q, grain=Grain.MONTH)
        totals_source = AgencyFact.objects.filter(q, grain=Grain.TOTAL)
        day, month = "date", "date"
    else:
        days = DailyFact.objects.filter(q)
        # The monthly rows carry no officer: by officer, everything from the daily rows.
        months = None if by_officer else MonthlyFact.objects.filter(q)
        totals_source = OpenTotal.objects.filter(q)
        day, month = "day", "month"

    def on(field, lookup, value) -> Q:
        return Q(**{f"{field}__{lookup}": value})

    sources: list = []
    if months is None:
        sources.append(
            _rows(
                days.filter(on(day, "gte", start)),
                group,
                _annotations(on(day, "lte", end), on(day, "gt", end)),
            )
        )
    else:
        first, last = split_months(start, end)
        tail_month = month_start(end)
        # The partial months at either end, as ranges an index can serve.
        if first is None:
            partial = on(day, "gte", start) & on(day, "lte", month_end(end))
        else:
            partial = on(day, "gt", month_end(last)) & on(day, "lte", month_end(end))
            if start < first:
                partial |= on(day, "gte", start) & on(day, "lt", first)
        sources.append(
            _rows(
                days.filter(partial),
                group,
                _annotations(on(day, "lte", end), on(day, "gt", end)),
            )
        )
        if first is not None:
            # Whole months inside the period: flows only, plain sums.
            sources.append(
                _rows(
                    months.filter(on(month, "gte", first), on(month, "lte", last)),
                    group,
                    _annotations(Q(), None),
                )
            )
        # Whole months after the period: only the stock deltas (for the stocks at its end).
        sources.append(
            _rows(
                months.filter(on(month, "gt", tail_month)),
                group,
                {P + "after_open": Sum("open_delta"), P + "after_late": Sum("late_delta")},
            )
        )
    totals = _rows(
        totals_source,
        group,
        {P + "open_total": Sum("open_delta"), P + "late_total": Sum("late_delta")},
    )
    column = GROUPS.get(group) if group else None
    merged: dict[object, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rows in [*sources, totals]:
        for row in rows:
            key = row.get(column) if column else None
            target = merged[key]
            for name, value in row.items():
                if name != column and value:
                    target[name.removeprefix(P)] += value
    result: dict[object, Counts] = {}
    for key, values in merged.items():
        flows = {name: values.get(name, 0) for name in FLOWS}
        open_total, late_total = values.get("open_total", 0), values.get("late_total", 0)
        counts = Counts(
            **flows,
            received_online=values.get("received_online", 0),
            carried_over=open_total - values.get("in_open", 0) - values.get("after_open", 0),
            in_progress=open_total - values.get("after_open", 0),
            in_progress_late=late_total - values.get("after_late", 0),
        )
        if counts != Counts():
            result[key] = counts
    return result


def indicators_for(
    user,
    *,
    unit: Unit | None = None,
    agency: Agency | None = None,
    procedure: Procedure | None = None,
    officer: User | None = None,
    channel: str | None = None,
    start: dt.date,
    end: dt.date,
    basis: str = Basis.COMPETENT,
) -> IndicatorSet:
    """The full indicator set for what ``user`` may see of the slice, over ``start..end``.

    Raises ``Http404`` when a unit, agency or officer outside the caller's scope is asked
    for (an outsider cannot learn that it exists).
    """
    s = slice_for(
        user,
        unit=unit,
        agency=agency,
        procedure=procedure,
        officer=officer,
        channel=channel,
        basis=basis,
    )
    return indicators_for_slice(s, start, end)


def indicators_for_slice(s: Slice, start: dt.date, end: dt.date) -> IndicatorSet:
    counts = aggregate(s, start, end).get(None, Counts())
    return IndicatorSet.from_counts(counts)


@dataclass
class Row:
    key: object
    label: str
    indicators: IndicatorSet
    obj: object = None
    rank: int | None = None


def _labels(group: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if group in ("competent_unit", "unit"):
        objs = Unit.objects.in_bulk(keys)
        return {k: (o.name, o) for k, o in objs.items()}
    if group == "competent_agency":
        objs = Agency.objects.in_bulk(keys)
        return {k: (o.name, o) for k, o in objs.items()}
    if group == "procedure":
        objs = Procedure.objects.only("code", "name").in_bulk(keys)
        return {k: (f"{o.code} — {o.name}", o) for k, o in objs.items()}
    if group == "officer":
        objs = User.objects.only("first_name", "last_name", "username").in_bulk(
            [k for k in keys if k]
        )
        return {k: (o.get_full_name() or o.username, o) for k, o in objs.items()}
    if group == "channel":
        return {k: (str(Channel(k).label), None) for k in keys if k in Channel.values}
    return {}


def breakdown(s: Slice, start: dt.date, end: dt.date, group: str) -> list[Row]:
    """One row per value of ``group`` (unit, agency, procedure, officer, channel)."""
    counts = aggregate(s, start, end, group=group)
    labels = _labels(group, counts)
    rows = []
    for key, c in counts.items():
        label, obj = labels.get(key, (str(key) if key else "—", None))
        if group == "officer" and not key:
            label = str(_("(not assigned)"))
        rows.append(Row(key, label, IndicatorSet.from_counts(c), obj))
    return sorted(rows, key=lambda r: (-r.indicators.handled, r.label))


def ranking(s: Slice, start: dt.date, end: dt.date, *, minimum: int = MIN_RANKING_SAMPLE):
    """Units of the slice ranked by the Decision 766 score (on its measured groups), then
    the on-time rate; units with fewer than ``minimum`` dossiers handled are listed
    unranked."""
    rows = breakdown(s, start, end, "competent_unit")
    ranked = [r for r in rows if r.indicators.handled >= minimum]
    small = [r for r in rows if r.indicators.handled < minimum]

    def score(r: Row):
        i = r.indicators
        return (
            -(i.scores_766.normalised or 0),
            -(i.on_time_rate or 0),
            -i.handled,
            r.label,
        )

    ranked.sort(key=score)
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return ranked, sorted(small, key=lambda r: r.label)


@dataclass
class TrendPoint:
    month: dt.date
    indicators: IndicatorSet


def trend(s: Slice, end: dt.date, months: int = 12) -> list[TrendPoint]:
    """The monthly series of the ``months`` months ending with ``end``'s month: flows of
    each month and the stocks at each month's end (two queries)."""
    first = add_months(month_start(end), -(months - 1))
    q = s.q()
    totals_source = OpenTotal.objects.filter(q)
    if _coarse(s, None):
        queryset = (
            AgencyFact.objects.filter(q, grain=Grain.MONTH, date__gte=first)
            .annotate(m=F("date"))
            .values("m")
            .order_by()
        )
        totals_source = AgencyFact.objects.filter(q, grain=Grain.TOTAL)
    elif s.officer is not None:
        q &= Q(officer_id=s.officer.pk)
        totals_source = OpenTotal.objects.filter(q)
        queryset = (
            DailyFact.objects.filter(q, day__gte=first)
            .annotate(m=TruncMonth("day"))
            .values("m")
            .order_by()
        )
    else:
        queryset = (
            MonthlyFact.objects.filter(q, month__gte=first).annotate(m=F("month")).values("m")
        ).order_by()
    sums = {P + name: Sum(name) for name in (*FLOWS, "open_delta", "late_delta")}
    sums[P + "received_online"] = _sum_when(Q(channel__in=ONLINE), F("received"))
    per_month = {
        (row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]): {
            k.removeprefix(P): v for k, v in row.items()
        }
        for row in queryset.annotate(**sums)
    }
    totals = totals_source.aggregate(o=Sum("open_delta"), la=Sum("late_delta"))
    points = []
    open_total, late_total = totals["o"] or 0, totals["la"] or 0
    for i in range(months):
        m = add_months(first, i)
        row = per_month.get(m, {})
        later_open = sum((per_month[k]["open_delta"] or 0) for k in per_month if k > m)
        later_late = sum((per_month[k]["late_delta"] or 0) for k in per_month if k > m)
        from_m_open = later_open + (row.get("open_delta") or 0)
        counts = Counts(
            **{name: row.get(name) or 0 for name in FLOWS},
            received_online=row.get("received_online") or 0,
            carried_over=open_total - from_m_open,
            in_progress=open_total - later_open,
            in_progress_late=late_total - later_late,
        )
        points.append(TrendPoint(m, IndicatorSet.from_counts(counts)))
    return points


# -- lists of dossiers ----------------------------------------------------------------------------

METRICS = (
    "received",
    "received_online",
    "carried_over",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "in_progress",
    "in_progress_on_time",
    "in_progress_late",
    "returned",
    "withdrawn",
    "stopped",
    "refused",
    "rejected",
    "apologies",
    "fee_bearing",
    "paid_online",
    "digitised",
    "electronic_result",
)


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )


def dossiers_behind(s: Slice, metric: str, start: dt.date, end: dt.date) -> list[int]:
    """The ids of the dossiers counted in ``metric`` for the slice and period, computed
    with the same function as the facts (so the list always matches the number)."""
    if metric not in METRICS:
        raise Http404
    low, high = _local_bounds(start, end)
    candidates = Dossier.objects.filter(s.dossier_q()).filter(
        # Active in or after the period (the row's updated_at is its last event's time),
        # or still in progress, and submitted before its end.
        Q(updated_at__gte=low if metric != "carried_over" else low - dt.timedelta(days=1))
        | Q(received_at__isnull=False, finished_at__isnull=True),
        submitted_at__lt=high,
    )
    ids = list(candidates.values_list("pk", flat=True).order_by("pk"))
    if not ids:
        return []
    officer = s.officer.pk if s.officer is not None else None
    return facts.dossiers_with(ids, metric, start, end, officer=officer)


IN_PROGRESS_STATES = [
    State.RECEIVED,
    State.PROCESSING,
    State.CONSULTING,
    State.TRANSFERRED,
    State.AWAITING_APPROVAL,
    State.APPROVED,
]


def late_and_at_risk(s: Slice, *, now: dt.datetime | None = None):
    """Dossiers in progress that are past their due moment, or flagged at risk, most
    urgent first (the operational list: the legal due date in force, apology included)."""
    now = now or timezone.now()
    base = (
        Dossier.objects.filter(s.dossier_q())
        # The states of a dossier in progress with a due date: listed so that the
        # (state, due_at) index serves the query.
        .filter(state__in=IN_PROGRESS_STATES, finished_at__isnull=True, due_at__isnull=False)
        .select_related("procedure", "competent_agency")
        .only(
            "code",
            "state",
            "due_at",
            "received_at",
            "deadline_status",
            "channel",
            "procedure__code",
            "procedure__name",
            "competent_agency__name",
        )
    )
    late = base.filter(due_at__lt=now).order_by("due_at", "pk")
    at_risk = base.filter(due_at__gte=now, deadline_status=DeadlineStatus.AT_RISK).order_by(
        "due_at", "pk"
    )
    return late, at_risk


def children_of(s: Slice) -> str:
    """The natural drill-down below a unit: communes (and the province's own agencies)
    below a province, agencies below a commune."""
    if s.unit is not None and s.unit.level == Level.PROVINCE and not s.exact:
        return "competent_unit"
    return "competent_agency"
