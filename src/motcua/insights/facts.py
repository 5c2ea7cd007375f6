"""The daily facts as a function of the dossier events, incrementally and in bulk.

One SQL function (``_contributions``) turns the events of a set of dossiers into signed
contributions ``(day, dimensions, counters)``; the facts are their sums. Each event emits
its own contributions, computed from itself and the events before it (window functions
that only look backwards), so an event's contribution never changes once it is appended.
Both paths use the function:

* the event hook (``apply_event``) adds the contribution of the event just appended,
  inside the transaction that appends it (``apply_delta``);
* ``rebuild`` deletes and re-inserts the sum over all events (or over the days from a
  date on) in set-based passes.

They give the same facts as long as the function reads only the events and the dossier
columns that do not change after submission (unit, agencies, procedure, channel, fee).
That is what ``tests/insights/test_rebuild.py`` checks on 100,000 dossiers, and every
hand-computed scenario in ``tests/insights/test_scenarios.py``.

How each counter is defined (docs/indicators.md has the full text):

* flows are dated by the local day (Asia/Ho_Chi_Minh) of the event that causes them:
  ``receive`` → received (+ fee_bearing / paid_online from the dossier's fee), ``refuse``
  → refused, ``result_ready`` / ``reject`` (processing ended) → finished_{outcome}
  taken from the event's payload (the ledger's Decision 766 outcome), ``return``,
  ``withdraw`` / ``stop`` after receipt, ``apologize``;
* the officer of a contribution is the officer in charge: the last ``assign`` event's
  assignee, else the officer who received the dossier, else the event's actor;
* two stock deltas: ``open_delta`` is +1 while a received dossier is in progress (from
  receipt to the end of processing, withdrawal or stop) and ``late_delta`` +1 while it is
  in progress *and* late: from the day after its due date (RECEIVE's ``due_at``, or the
  one recomputed after a supplement or a calendar change), or from the second supplement
  request (Decision 766: > 1 supplement = late); while the applicant owes a supplement the
  dossier keeps the state it had on the day of the request (the wait is subtracted). Each
  event starts an "interval" with its officer and state; the delta of an interval is +1
  at its start (or the day it turns late, possibly in the future) and −1 at the next
  event, so the stock at the end of day D is the sum of the deltas dated ≤ D.
"""

# ruff: noqa: S608 — every SQL string here is built from constants and column names of this
# module; values always go through query parameters.
from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from motcua.dossiers.services import statements
from motcua.insights.models import COUNTERS, DERIVED, MONTHLY_KEY, TOTAL_KEY

# Actions whose events can change a counter or a stock. The others (submit, propose,
# approve, send back, hand over, consult, transfer, answer) start an interval identical to
# the previous one, so their delta is zero: the hook skips them (the rebuild does not,
# and tests compare the two).
FACT_ACTIONS = frozenset(
    {
        "receive",
        "refuse",
        "request_supplement",
        "complete_supplement",
        "assign",
        "result_ready",
        "reject",
        "return",
        "withdraw",
        "stop",
        "apologize",
        "deadline_moved",
    }
)
ONLINE_CHANNELS = ("online", "assisted")
DAILY_COLUMNS = (
    "day",
    "unit_id",
    "competent_agency_id",
    "procedure_id",
    "officer_id",
    "channel",
    *DERIVED,
)
DAILY_CONFLICT = ("day", "unit_id", "competent_agency_id", "procedure_id", "officer_id", "channel")


@dataclass(frozen=True)
class Dialect:
    """The few expressions that differ between SQLite and PostgreSQL."""

    vendor: str
    zone: str
    offset_hours: int

    @classmethod
    def current(cls) -> Dialect:
        zone = settings.TIME_ZONE
        offsets = {
            dt.datetime(2000, month, 1, tzinfo=ZoneInfo(zone)).utcoffset() for month in (1, 7)
        }
        if connection.vendor == "sqlite" and len(offsets) != 1:
            raise RuntimeError(
                f"The SQLite facts assume a fixed UTC offset; {zone} has daylight saving time."
            )
        (offset,) = offsets if len(offsets) == 1 else (next(iter(offsets)),)
        return cls(connection.vendor, zone, int(offset.total_seconds() // 3600))

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    # Days are handled as integers inside the SQL (days since 2000-01-01, local time):
    # the same arithmetic and comparisons on both databases, and cheap on SQLite.
    def local_day(self, expr: str) -> str:
        """The local day number of a stored UTC timestamp."""
        if self.pg:
            return f"((({expr}) AT TIME ZONE '{self.zone}')::date - DATE '2000-01-01')"
        return f"CAST(julianday({expr}, '{self.offset_hours:+d} hours') - {EPOCH_JD} AS INTEGER)"

    def to_date(self, number: str) -> str:
        """A day number back to a date."""
        if self.pg:
            return f"(DATE '2000-01-01' + ({number})::integer)"
        return f"date(({number}) + {EPOCH_JD})"

    def json_text(self, column: str, key: str) -> str:
        if self.pg:
            return f"({column} ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    def json_int(self, column: str, key: str) -> str:
        if self.pg:
            return f"({column} ->> '{key}')::bigint"
        return f"json_extract({column}, '$.{key}')"

    def json_day(self, column: str, key: str) -> str:
        """The local day number of an ISO timestamp stored in a JSON payload."""
        if self.pg:
            return f"{self.local_day(f'({column} ->> {chr(39)}{key}{chr(39)})::timestamptz')}"
        return (
            f"CAST(julianday(json_extract({column}, '$.{key}'), "
            f"'{self.offset_hours:+d} hours') - {EPOCH_JD} AS INTEGER)"
        )

    def greatest(self, a: str, b: str) -> str:
        # Both arguments are non-null where this is used.
        return f"GREATEST({a}, {b})" if self.pg else f"max({a}, {b})"

    def seconds(self, start: str, end: str) -> str:
        if self.pg:
            return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"
        return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400.0) AS INTEGER)"

    def month(self, expr: str) -> str:
        if self.pg:
            return f"date_trunc('month', {expr})::date"
        return f"date({expr}, 'start of month')"

    @property
    def total_date(self) -> str:
        """The date of the all-days rows of ``AgencyFact``."""
        return "DATE '0001-01-01'" if self.pg else "'0001-01-01'"

    def param_day(self, day: dt.date):
        return day if self.pg else day.isoformat()


EPOCH = dt.date(2000, 1, 1)
EPOCH_JD = 2451544.5  # SQLite's julianday('2000-01-01 00:00')


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


# Encodings that turn "the value of the latest row of a kind so far" into a running MAX
# over one window ordering (seq increases, so the largest key is the latest row).
ASSIGNEE_KEY = 1_000_000_000_000  # seq × 10^12 + user id
DAY_KEY = 100_000  # seq × 10^5 + day number (days since 2000-01-01)
RELEVANT = (*sorted(FACT_ACTIONS),)


def _contributions(
    x: Dialect, where: str, sign: int = 1, *, emit: str = "", levels: dict | None = None
) -> str:
    """SQL yielding the signed contributions of the events selected by ``where`` (over
    ``e``, a ``dossiers_dossierevent``): columns ``s, d, tday`` (a day number),
    ``tofficer`` and the counters.

    Only the events that can change a figure take part (those of ``FACT_ACTIONS``, and a
    hand-over, proposal, approval or answer that records a late step); the others start
    an interval identical to the previous one, so leaving them out changes no sum.

    Two window passes over one ordering (dossier, seq) compute each event's running
    state and the previous event's; a cross join with four "parts" then emits up to four
    contributions per event:
      1. at the event's day, under the officer in charge: the flows, +1 open if the
         interval it starts is in progress, +1 late if that interval is late from today;
      2. at the event's day, under the previous interval's officer: −1 open and −1 late
         (if the previous interval was late by today);
      3. at the previous interval's late day, if later than today: −1 late (cancels a
         late start that did not happen);
      4. at the day the new interval turns late, if later than today: +1 late.
    """
    payload = "e.payload"
    due = (
        f"CASE WHEN e.action = 'receive' THEN {x.json_day(payload, 'due_at')} "
        f"WHEN e.action = 'complete_supplement' THEN COALESCE("
        f"{x.json_day(payload, 'statistical_due_at')}, {x.json_day(payload, 'due_at')}) "
        f"WHEN e.action = 'deadline_moved' THEN {x.json_day(payload, 'new_due_at')} END"
    )
    # Only these actions record a step's (or an agency's) outcome in their payload.
    step_late = (
        "CASE WHEN e.action IN ('assign', 'hand_over', 'propose', 'approve', 'reject', "
        f"'return') THEN CASE WHEN {x.json_text(payload, 'step_outcome')} = 'late' "
        "THEN 1 ELSE 0 END "
        f"WHEN e.action = 'answer' THEN CASE WHEN {x.json_text(payload, 'outcome')} = 'late' "
        "THEN 1 ELSE 0 END ELSE 0 END"
    )
    relevant = ", ".join(f"'{a}'" for a in RELEVANT)
    e0 = f"""
        SELECT e.dossier_id AS d, e.seq AS seq, e.action AS action, e.actor_id AS actor,
               e.at AS at, {x.local_day("e.at")} AS dn,
               CASE WHEN e.action = 'assign' THEN {x.json_int(payload, "assignee")} END
                   AS assignee,
               {due} AS due_dn,
               CASE WHEN e.action IN ('result_ready', 'reject')
                    THEN {x.json_text(payload, "outcome")} END AS outcome,
               CASE WHEN e.action = 'result_ready'
                         AND COALESCE({x.json_text(payload, "result_file")}, '') <> ''
                    THEN 1 ELSE 0 END AS eres,
               {step_late} AS step_late
        FROM dossiers_dossierevent e
        WHERE ({where})
          AND (e.action IN ({relevant})
               OR (e.action IN ('hand_over', 'propose', 'approve', 'answer')
                   AND {step_late} = 1))
    """
    w = "PARTITION BY d ORDER BY seq ROWS UNBOUNDED PRECEDING"
    # The receipt's seq, per dossier: which supplements and closings count (after receipt).
    e1 = f"""
        SELECT e0.*, MAX(CASE WHEN action = 'receive' THEN seq END) OVER (PARTITION BY d)
                         AS rseq
        FROM ({e0}) e0
    """
    req = "action = 'request_supplement' AND seq > rseq"
    done = "action = 'complete_supplement' AND seq > rseq"
    closing = "action IN ('result_ready', 'reject', 'withdraw', 'stop') AND seq > rseq"

    def flag(condition: str) -> str:
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    # Running state after each row, and the previous row's (LAG ignores the frame, so
    # every function shares one window and one sort). The previous row's counts are the
    # running counts minus this row's own; its last request day equals this row's,
    # because a request never directly follows an outstanding one (the workflow goes
    # through a completion, a refusal, a withdrawal or a stop).
    e2 = f"""
        SELECT e1.*,
               MAX(CASE WHEN action = 'receive' THEN actor END) OVER w AS ractor,
               MAX(CASE WHEN action = 'receive' THEN at END) OVER w AS rat,
               MAX(CASE WHEN action = 'assign' THEN seq * {ASSIGNEE_KEY} + assignee END)
                   OVER w AS akey,
               MAX(CASE WHEN due_dn IS NOT NULL THEN seq * {DAY_KEY} + due_dn END)
                   OVER w AS dkey,
               SUM(CASE WHEN action = 'request_supplement' THEN 1 ELSE 0 END)
                   OVER w AS sup_all,
               MAX(step_late) OVER w AS unit_late_any,
               SUM({flag(req)}) OVER w AS sreq,
               SUM({flag(done)}) OVER w AS sdone,
               SUM({flag(closing)}) OVER w AS closed,
               MAX(CASE WHEN {req} THEN seq * {DAY_KEY} + dn END) OVER w AS qkey,
               MAX(CASE WHEN action = 'assign' THEN seq * {ASSIGNEE_KEY} + assignee END)
                   OVER b AS p_akey,
               MAX(CASE WHEN due_dn IS NOT NULL THEN seq * {DAY_KEY} + due_dn END)
                   OVER b AS p_dkey,
               LAG(seq) OVER w AS p_seq,
               LAG(actor) OVER w AS p_actor,
               LAG(dn) OVER w AS p_dn
        FROM ({e1}) e1
        WINDOW w AS ({w}),
               b AS (PARTITION BY d ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    """
    # The previous row's running values, from this row's.
    e2b = f"""
        SELECT e2.*,
               CASE WHEN action = 'receive' THEN NULL ELSE rseq END AS p_rseq,
               CASE WHEN action = 'receive' THEN NULL ELSE ractor END AS p_ractor,
               sreq - {flag(req)} AS p_sreq,
               sdone - {flag(done)} AS p_sdone,
               closed - {flag(closing)} AS p_closed,
               qkey AS p_qkey
        FROM ({e2}) e2
    """

    def state(prefix: str) -> tuple[str, str, str]:
        """(officer, open, late-from) of the interval after this (or the previous) row."""
        p = prefix
        seq, rseq = f"{p}seq", f"{p}rseq"
        officer = (
            f"COALESCE({p}akey %% {ASSIGNEE_KEY}, CASE WHEN {seq} >= {rseq} "
            f"THEN {p}ractor END, {p}actor)"
        )
        is_open = f"CASE WHEN {seq} >= {rseq} AND {p}closed = 0 THEN 1 ELSE 0 END"
        due_dn = f"({p}dkey %% {DAY_KEY})"
        late_from = f"""CASE WHEN {rseq} IS NULL OR {seq} < {rseq} OR {p}closed > 0 THEN NULL
                WHEN {p}sreq >= 2 THEN {p}dn
                WHEN {p}sreq > {p}sdone THEN
                    CASE WHEN ({p}qkey %% {DAY_KEY}) > {due_dn} THEN {p}dn END
                WHEN {p}dkey IS NULL THEN NULL
                ELSE {x.greatest(f"{p}dn", f"{due_dn} + 1")} END"""
        return officer, is_open, late_from

    officer, is_open, ls = state("")
    p_officer, p_open, p_ls = state("p_")
    # PostgreSQL: OFFSET 0 keeps e3 a subquery of its own, so each event's officer, open
    # flag and late day are computed once, not again in every part, filter and sum that
    # reads them (the planner would otherwise inline the expressions into each use).
    e3 = f"""
        SELECT d, seq, action, at, dn, outcome, eres, rseq, rat, sup_all, unit_late_any,
               {officer} AS officer, {is_open} AS open_, {ls} AS ls,
               {p_officer} AS p_officer,
               CASE WHEN p_seq IS NULL THEN 0 ELSE {p_open} END AS p_open,
               CASE WHEN p_seq IS NULL THEN NULL ELSE {p_ls} END AS p_ls
        FROM ({e2b}) e2
        {f"WHERE {emit}" if emit else ""}
        {"OFFSET 0" if x.pg else ""}
    """
    if levels is not None:
        levels.update(e0=e0, e1=e1, e2=e2, e3=e3)
    parts = "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4)"
    finished = "outcome IS NOT NULL"
    digitised = (
        f"CASE WHEN k = 1 AND {finished} AND (eres = 1 OR action = 'reject') AND EXISTS ("
        "SELECT 1 FROM dossiers_dossierdocument doc WHERE doc.dossier_id = ev.d "
        "AND doc.kind = 'component' AND doc.file <> '' AND doc.uploaded_at <= ev.at"
        ") THEN 1 ELSE 0 END"
    )

    def flow(condition: str) -> str:
        return f"CASE WHEN k = 1 AND {condition} THEN 1 ELSE 0 END"

    flows = {
        "received": flow("action = 'receive'"),
        "refused": flow("action = 'refuse'"),
        "finished_early": flow("outcome = 'early'"),
        "finished_on_time": flow("outcome = 'on_time'"),
        "finished_late": flow("outcome = 'late'"),
        "rejected": flow("action = 'reject'"),
        "returned": flow("action = 'return'"),
        "withdrawn": flow("action = 'withdraw' AND seq > rseq"),
        "stopped": flow("action = 'stop' AND seq > rseq"),
        "apologies": flow("action = 'apologize'"),
        "processing_seconds": (
            f"CASE WHEN k = 1 AND {finished} THEN {x.seconds('rat', 'at')} ELSE 0 END"
        ),
        # fee_bearing / paid_online are "received" weighted by the dossier's fee (below).
        "fee_bearing": "0",
        "paid_online": "0",
        "digitised": digitised,
        "electronic_result": flow(f"{finished} AND eres = 1"),
        "unit_late": flow(f"{finished} AND unit_late_any = 1"),
        "one_supplement": flow(f"{finished} AND sup_all = 1"),
        "more_supplements": flow(f"{finished} AND sup_all >= 2"),
        "open_delta": "CASE WHEN k = 1 THEN open_ WHEN k = 2 THEN -p_open ELSE 0 END",
        "late_delta": (
            "CASE WHEN k = 1 AND ls = dn THEN 1 "
            "WHEN k = 2 AND p_ls IS NOT NULL AND p_ls <= dn THEN -1 "
            "WHEN k = 3 AND p_ls IS NOT NULL AND p_ls > dn THEN -1 "
            "WHEN k = 4 AND ls IS NOT NULL AND ls > dn THEN 1 ELSE 0 END"
        ),
    }
    if tuple(flows) != COUNTERS:
        raise RuntimeError("The SQL counters are out of step with models.COUNTERS.")
    any_flow = (
        f"action IN ('receive', 'refuse', 'return', 'apologize', 'withdraw', 'stop') OR {finished}"
    )
    keep = (
        f"(k = 1 AND ({any_flow} OR open_ = 1 OR ls = dn)) "
        "OR (k = 2 AND (p_open = 1 OR (p_ls IS NOT NULL AND p_ls <= dn))) "
        "OR (k = 3 AND p_ls IS NOT NULL AND p_ls > dn) "
        "OR (k = 4 AND ls IS NOT NULL AND ls > dn)"
    )
    columns = ",\n".join(f"{sql} AS {name}" for name, sql in flows.items())
    return f"""
        SELECT {sign} AS s, ev.d AS d,
               CASE WHEN k <= 2 THEN dn WHEN k = 3 THEN p_ls ELSE ls END AS tday,
               CASE WHEN k IN (2, 3) THEN p_officer ELSE officer END AS tofficer,
               {columns}
        FROM ({e3}) ev CROSS JOIN {parts} parts
        WHERE {keep}
    """


def _grouped(x: Dialect, contributions: str, *, having_nonzero: bool, day_from: bool) -> str:
    """Sum signed contributions per fact row, joining the dossier for its dimensions."""
    sums = []
    for name in COUNTERS:
        if name == "fee_bearing":
            sums.append("SUM(c.s * c.received * CASE WHEN x.fee_vnd > 0 THEN 1 ELSE 0 END)")
        elif name == "paid_online":
            sums.append(
                "SUM(c.s * c.received * CASE WHEN x.fee_vnd > 0 AND x.fee_paid_online "
                "THEN 1 ELSE 0 END)"
            )
        else:
            sums.append(f"SUM(c.s * c.{name})")
    select = ",\n".join(f"{expr} AS {name}" for expr, name in zip(sums, COUNTERS, strict=True))
    having = "HAVING " + " OR ".join(f"{expr} <> 0" for expr in sums) if having_nonzero else ""
    return f"""
        SELECT {x.to_date("c.tday")} AS day, x.unit_id AS unit_id,
               x.competent_agency_id AS competent_agency_id,
               x.procedure_id AS procedure_id, COALESCE(c.tofficer, 0) AS officer_id,
               x.channel AS channel, x.province_id AS province_id,
               x.competent_unit_id AS competent_unit_id,
               x.competent_province_id AS competent_province_id,
               {select}
        FROM ({contributions}) c JOIN dossiers_dossier x ON x.id = c.d
        {"WHERE c.tday >= %s" if day_from else ""}
        GROUP BY c.tday, x.unit_id, x.competent_agency_id, x.procedure_id, COALESCE(c.tofficer, 0),
                 x.channel, x.province_id, x.competent_unit_id, x.competent_province_id
        {having}
    """


# -- upserts ------------------------------------------------------------------------------------


def _on_conflict(table: str, conflict: Sequence[str], adds: Sequence[str]) -> str:
    update = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in adds)
    return f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {update}"


def _nonzero(columns: Sequence[str]) -> str:
    return " OR ".join(f"SUM({c}) <> 0" for c in columns)


AGENCY_COLUMNS = ("grain", "date", "competent_agency_id", "channel")
AGENCY_DERIVED = ("competent_unit_id", "competent_province_id")


def _agency_select(x: Dialect, *, days: str, months: str, month: str, totals: str) -> str:
    """``SELECT`` of the ``AgencyFact`` rows summed per competent agency and channel: the
    day grain from ``days``, the month grain from ``months`` (``month`` its first day)
    and the all-days stock from ``totals`` (each a table with its ``WHERE``)."""
    keys = "competent_agency_id, channel, competent_unit_id, competent_province_id"
    flows = ", ".join(COUNTERS)
    stock_only = ", ".join(
        "open_delta" if c == "open_delta" else "late_delta" if c == "late_delta" else "0"
        for c in COUNTERS
    )
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    return f"""
        SELECT grain, date, {keys}, {sums} FROM (
            SELECT 'd' AS grain, day AS date, {keys}, {flows} FROM {days}
            UNION ALL
            SELECT 'm', {month}, {keys}, {flows} FROM {months}
            UNION ALL
            SELECT 't', {x.total_date}, {keys}, {stock_only} FROM {totals}
        ) r
        GROUP BY grain, date, {keys}
        HAVING {_nonzero(COUNTERS)}
    """


def _agency_rollup(x: Dialect, source: str) -> str:
    """The ``AgencyFact`` rows of every grain from the daily fact rows of ``source``."""
    return _agency_select(x, days=source, months=source, month=x.month("day"), totals=source)


def _agency_rebuild_rollup(x: Dialect, *, full: bool) -> str:
    """The ``AgencyFact`` rows of a rebuild, each grain from the smallest table that holds
    it: days from the daily facts (``day >= %s``), months from the monthly facts just
    rebuilt (``month >= %s``, about a fifth of the rows) and the all-days stock from the
    open totals in a full rebuild (a few hundred rows), or else from the daily facts being
    replaced (``day >= %s``)."""
    return _agency_select(
        x,
        days="insights_dailyfact WHERE day >= %s",
        months="insights_monthlyfact WHERE month >= %s",
        month="month",
        totals="insights_opentotal" if full else "insights_dailyfact WHERE day >= %s",
    )


def _agency_insert(select: str, *, ordered: bool = False) -> str:
    """``ordered``: in the order of the unique key (for many rows, see ``_rebuild``)."""
    columns = (*AGENCY_COLUMNS, *AGENCY_DERIVED, *COUNTERS)
    order = f"ORDER BY {', '.join(AGENCY_COLUMNS)} " if ordered else ""
    return (
        f"INSERT INTO insights_agencyfact ({', '.join(columns)}) "
        f"SELECT * FROM ({select}) a WHERE 1 = 1 {order}"
        + _on_conflict("insights_agencyfact", AGENCY_COLUMNS, COUNTERS)
    )


def _add_statements(x: Dialect, source: str) -> tuple[str, str, str, str]:
    """The ``INSERT … SELECT … ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x`` that add
    daily fact rows read from ``source`` (a table or a CTE with the columns of
    ``_grouped``) to the daily, monthly, total and agency tables."""
    daily_columns = (*DAILY_COLUMNS, *COUNTERS)
    daily = (
        f"INSERT INTO insights_dailyfact ({', '.join(daily_columns)}) "
        f"SELECT {', '.join(daily_columns)} FROM {source} WHERE 1 = 1 "
        + _on_conflict("insights_dailyfact", DAILY_CONFLICT, COUNTERS)
    )
    group = ("unit_id", "competent_agency_id", "procedure_id", "channel", *DERIVED)
    monthly = (
        f"INSERT INTO insights_monthlyfact ({', '.join((*MONTHLY_KEY, *DERIVED, *COUNTERS))}) "
        f"SELECT {x.month('day')}, {', '.join(group)}, "
        f"{', '.join(f'SUM({c})' for c in COUNTERS)} FROM {source} "
        f"GROUP BY {x.month('day')}, {', '.join(group)} HAVING {_nonzero(COUNTERS)} "
        + _on_conflict("insights_monthlyfact", MONTHLY_KEY, COUNTERS)
    )
    stock = ("open_delta", "late_delta")
    totals_group = ", ".join((*TOTAL_KEY, *DERIVED))
    totals = (
        f"INSERT INTO insights_opentotal ({totals_group}, open_delta, late_delta) "
        f"SELECT {totals_group}, SUM(open_delta), SUM(late_delta) FROM {source} "
        f"GROUP BY {totals_group} HAVING {_nonzero(stock)} "
        + _on_conflict("insights_opentotal", TOTAL_KEY, stock)
    )
    return daily, monthly, totals, _agency_insert(_agency_rollup(x, source))


def _pg_statement(x: Dialect, where: str, emit: str) -> str:
    delta = _grouped(x, _contributions(x, where, emit=emit), having_nonzero=True, day_from=False)
    daily, monthly, totals, agency = _add_statements(x, "delta")
    return (
        f"WITH delta AS MATERIALIZED ({delta}), daily AS ({daily}), "
        f"monthly AS ({monthly}), totals AS ({totals}) {agency}"
    )


def apply_delta(where: str, params: list, emit: str, emit_params: list) -> None:
    """Add to the facts the contributions emitted by the events selected by ``emit``
    (the events of their dossiers selected by ``where`` give the running state).

    The one write path of the incremental facts: the event hook calls it for one event,
    the generators for event n of many dossiers at once. PostgreSQL: one statement (the
    delta in a CTE feeding four data-modifying CTEs); SQLite: the delta into a
    connection-local temporary table, then four ``INSERT … SELECT``.
    """
    x = Dialect.current()
    with connection.cursor() as cursor:
        if x.pg:
            cursor.execute(_pg_statement(x, where, emit), [*params, *emit_params])
            return
        delta = _grouped(
            x, _contributions(x, where, emit=emit), having_nonzero=True, day_from=False
        )
        cursor.execute("DROP TABLE IF EXISTS temp.delta")
        cursor.execute(f"CREATE TEMP TABLE delta AS {delta}", [*params, *emit_params])
        for statement in _add_statements(x, "delta"):
            cursor.execute(statement)
        cursor.execute("DROP TABLE temp.delta")


# The hook's statement goes through the transitions' cursor (dossiers/services/
# statements.py), prepared once per PostgreSQL connection: planning it costs about five
# times its execution on one dossier (measured: 5.7 ms against 1 ms), and its text never
# changes.
_WHERE_ONE = "e.dossier_id = %s AND e.seq <= %s"


def _apply_one(dossier_id: int, seq: int) -> None:
    x = Dialect.current()
    if not x.pg:
        apply_delta(_WHERE_ONE, [dossier_id, seq], "seq = %s", [seq])
        return
    statement = statements.compiled(
        ("insights event",), lambda: _pg_statement(x, _WHERE_ONE, "seq = %s")
    )
    with statements.open_cursor() as cursor:
        statements.execute(cursor, statement, [dossier_id, seq, seq])


def apply_event(dossier, event) -> None:
    """The event hook (``register_event_hook``): add the contribution of ``event``.

    Runs inside the transaction that appends the event, after the event row and the
    dossier row are written (the facts read only the event rows and the dossier's
    submission-time columns). Events that cannot change a figure are skipped (their
    contribution is zero).
    """
    if event.action not in FACT_ACTIONS:
        return
    _apply_one(event.dossier_id, event.seq)


def apply_round(seq: int, *, dossier_ids: tuple[int, int] | None = None) -> None:
    """Apply event number ``seq`` of every dossier whose event ``seq`` the hook would
    apply, as one set: the same contribution and upsert as the hook, for many dossiers
    at once (the test and bench generators use it to build facts incrementally)."""
    actions = ", ".join(f"'{a}'" for a in sorted(FACT_ACTIONS))
    where = (
        "e.seq <= %s AND e.dossier_id IN (SELECT dossier_id FROM dossiers_dossierevent "
        f"WHERE seq = %s AND action IN ({actions})"
        + (" AND dossier_id BETWEEN %s AND %s" if dossier_ids else "")
        + ")"
    )
    apply_delta(where, [seq, seq, *(dossier_ids or ())], "seq = %s", [seq])


# -- rebuild --------------------------------------------------------------------------------------


@dataclass
class RebuildReport:
    start: dt.date | None
    dossiers: int = 0
    daily_rows: int = 0
    monthly_rows: int = 0
    chunks: list[tuple[int, int]] = field(default_factory=list)
    #: Seconds spent in each phase, in order: "daily" (summing the events; with workers,
    #: their scratch tables), "merge" (workers only), "monthly", "totals", "agencies".
    phases: dict[str, float] = field(default_factory=dict)


_OPEN_STATES = (
    "received",
    "supplement_requested",
    "processing",
    "consulting",
    "transferred",
    "awaiting_approval",
    "approved",
)


def rebuild(
    *, start: dt.date | None = None, chunk: int = 250_000, progress=None, workers: int = 1
) -> RebuildReport:
    """Recompute the facts from the events: all of them, or the days from ``start`` on.

    Set-based: for each range of dossier ids one ``INSERT … SELECT`` sums F over the
    events of the dossiers that can contribute to a day ≥ ``start`` (those with an event on
    or after it — the row's ``updated_at`` is the time of its last event — and those still
    in progress), then the monthly and total tables are derived from the daily rows by
    ``GROUP BY``, and so are the agencies' roll-ups. One transaction: readers see the old
    facts or the new ones.

    ``workers`` > 1 (PostgreSQL): the ranges are shared out to that many connections,
    each reading the rebuilding transaction's own snapshot (``pg_export_snapshot``) and
    summing its ranges into an unlogged scratch table; then each sums the scratch rows of
    one run of months into a table of its own, and the transaction adds those into the
    daily facts and drops the tables. The same rows as one worker, with the window queries
    and the sums spread over the server's cores; the inserts are not shared, so it pays
    only when the window work spans many ranges (a full rebuild), not for a rebuild from a
    recent date (ADR 6).
    """
    x = Dialect.current()
    report = RebuildReport(start)
    scratch: list[str] = []
    try:
        return _rebuild(x, report, start, chunk, progress, workers, scratch)
    except BaseException:
        # The workers committed their tables; the failed transaction has let go of them.
        if scratch:
            _in_other_connection(
                lambda cursor: cursor.execute(f"DROP TABLE IF EXISTS {', '.join(scratch)}")
            )
        raise


def _in_other_connection(work):
    """Run ``work(cursor)`` on a connection of its own (a thread's), in one transaction."""

    def run():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                return work(cursor)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _month_cuts(counts: list[tuple[dt.date, int]], parts: int) -> list[dt.date]:
    """Month starts that cut months counted as ``(month, rows)``, in order, into at most
    ``parts`` runs of about equal rows (fewer when there are fewer months)."""
    total = sum(rows for _month, rows in counts)
    cuts: list[dt.date] = []
    seen = 0
    for month, rows in counts:
        if seen and seen * parts >= total * (len(cuts) + 1) and len(cuts) < parts - 1:
            cuts.append(month)
        seen += rows
    return cuts


def _rebuild(x, report, start, chunk, progress, workers, scratch) -> RebuildReport:
    daily_cols = ", ".join((*DAILY_COLUMNS, *COUNTERS))
    began = time.monotonic()

    def phase(name: str) -> None:
        nonlocal began
        now = time.monotonic()
        report.phases[name] = round(now - began, 3)
        began = now

    with transaction.atomic(), connection.cursor() as cursor:
        if x.pg:
            # The merge and the roll-ups sort millions of rows in a full rebuild: room to
            # sort in memory for this transaction only (the server default is 4 MB).
            cursor.execute("SET LOCAL work_mem = '256MB'")
        if start is None:
            for table in (
                "insights_dailyfact",
                "insights_monthlyfact",
                "insights_opentotal",
                "insights_agencyfact",
            ):
                cursor.execute(f"DELETE FROM {table}")
            candidates = "1 = 1"
            candidate_params: list = []
        else:
            # Take the days being replaced out of the totals, then drop them.
            cursor.execute(
                f"""INSERT INTO insights_opentotal ({", ".join((*TOTAL_KEY, *DERIVED))},
                        open_delta, late_delta)
                    SELECT {", ".join((*TOTAL_KEY, *DERIVED))},
                           -SUM(open_delta), -SUM(late_delta)
                    FROM insights_dailyfact WHERE day >= %s
                    GROUP BY {", ".join((*TOTAL_KEY, *DERIVED))}
                    ON CONFLICT ({", ".join(TOTAL_KEY)}) DO UPDATE SET
                        open_delta = insights_opentotal.open_delta + excluded.open_delta,
                        late_delta = insights_opentotal.late_delta + excluded.late_delta""",
                [x.param_day(start)],
            )
            # The same for the agencies' all-days rows; their day and month rows go.
            stock_only = ", ".join(
                f"-SUM({c})" if c in ("open_delta", "late_delta") else "0" for c in COUNTERS
            )
            cursor.execute(
                _agency_insert(
                    f"SELECT 't', {x.total_date}, competent_agency_id, channel, "
                    f"competent_unit_id, competent_province_id, {stock_only} "
                    "FROM insights_dailyfact WHERE day >= %s GROUP BY competent_agency_id, "
                    "channel, competent_unit_id, competent_province_id"
                ),
                [x.param_day(start)],
            )
            cursor.execute(
                "DELETE FROM insights_agencyfact WHERE (grain = 'd' AND date >= %s) "
                "OR (grain = 'm' AND date >= %s)",
                [x.param_day(start), x.param_day(start.replace(day=1))],
            )
            cursor.execute("DELETE FROM insights_dailyfact WHERE day >= %s", [x.param_day(start)])
            cursor.execute(
                "DELETE FROM insights_monthlyfact WHERE month >= %s",
                [x.param_day(start.replace(day=1))],
            )
            since = dt.datetime.combine(start, dt.time(), tzinfo=ZoneInfo(x.zone))
            candidates = (
                "(x.updated_at >= %s OR (x.received_at IS NOT NULL AND x.finished_at IS NULL "
                f"AND x.state IN ({', '.join(repr(s) for s in _OPEN_STATES)})))"
            )
            candidate_params = [
                since if x.pg else since.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
            ]
        cursor.execute("SELECT MIN(id), MAX(id) FROM dossiers_dossier")
        low, high = cursor.fetchone()
        ranges = (
            [(first, min(first + chunk - 1, high)) for first in range(low, high + 1, chunk)]
            if low is not None
            else []
        )

        def grouped(first: int, last: int) -> tuple[str, list]:
            where = (
                "e.dossier_id BETWEEN %s AND %s AND e.dossier_id IN (SELECT x.id FROM "
                f"dossiers_dossier x WHERE x.id BETWEEN %s AND %s AND {candidates})"
            )
            params = [first, last, first, last, *candidate_params]
            contributions = _contributions(x, where, 1)
            select = _grouped(x, contributions, having_nonzero=True, day_from=start is not None)
            return select, params + ([day_number(start)] if start is not None else [])

        # Rows are inserted in the order of the unique key they are checked against, so
        # that consecutive inserts touch the same or the next leaf page of that index (in
        # a merge, always the rightmost one) instead of a random page of an index many
        # times larger than the shared buffers.
        ordered = ", ".join((*DAILY_CONFLICT, *DERIVED))
        if x.pg and workers > 1 and len(ranges) > 1:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            if not re.fullmatch(r"[0-9A-F-]+", snapshot):
                raise RuntimeError(f"unexpected snapshot name {snapshot!r}")
            tag = secrets.token_hex(4)
            shares = [ranges[i::workers] for i in range(min(workers, len(ranges)))]
            scratch.extend(f"insights_rebuild_{tag}_{i}" for i in range(len(shares)))

            def work(cursor, table, share):
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute(
                    f"CREATE UNLOGGED TABLE {table} AS SELECT {daily_cols} "
                    "FROM insights_dailyfact WITH NO DATA"
                )
                for first, last in share:
                    select, params = grouped(first, last)
                    cursor.execute(f"INSERT INTO {table} ({daily_cols}) {select}", params)
                    if progress is not None:
                        progress(first, last, high)

            with ThreadPoolExecutor(max_workers=len(shares)) as pool:
                done = [
                    pool.submit(_in_other_connection, partial(work, table=table, share=share))
                    for table, share in zip(scratch, shares, strict=True)
                ]
                for future in done:
                    future.result()
            phase("daily")
            # The sums are shared out too: the days are cut at month starts into as many
            # parts as connections, about even in rows, and each connection sums the
            # scratch rows of its part into a table of its own. The day leads the key, so
            # no key spans two parts, and the parts in day order are in key order.
            union = " UNION ALL ".join(f"SELECT * FROM {table}" for table in scratch)
            cursor.execute(
                f"SELECT {x.month('day')}, COUNT(*) FROM {scratch[0]} GROUP BY 1 ORDER BY 1"
            )
            cuts = _month_cuts(cursor.fetchall(), len(shares))
            parts = [f"insights_rebuild_{tag}_m{i}" for i in range(len(cuts) + 1)]
            scratch.extend(parts)
            sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTERS)
            keys = ", ".join(DAILY_COLUMNS)

            def merge(cursor, table, low, high):
                cursor.execute("SET LOCAL work_mem = '256MB'")
                # The parts already share the cores out.
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                where = " AND ".join(
                    [*(["day >= %s"] if low else []), *(["day < %s"] if high else [])]
                )
                cursor.execute(
                    f"CREATE UNLOGGED TABLE {table} AS SELECT {keys}, {sums} FROM ({union}) s "
                    f"WHERE {where or '1 = 1'} GROUP BY {ordered} ORDER BY {ordered}",
                    [day for day in (low, high) if day],
                )

            bounds = [None, *cuts, None]
            with ThreadPoolExecutor(max_workers=len(parts)) as pool:
                done = [
                    pool.submit(
                        _in_other_connection,
                        partial(merge, table=table, low=bounds[i], high=bounds[i + 1]),
                    )
                    for i, table in enumerate(parts)
                ]
                for future in done:
                    future.result()
            phase("sums")
            # No ON CONFLICT: the days rebuilt were deleted above in this transaction and
            # each part has one row per key, so no row can meet an existing one, and the
            # plain insert skips the speculative-insertion check of every row.
            cursor.execute(
                f"INSERT INTO insights_dailyfact ({daily_cols}) "
                + " UNION ALL ".join(f"SELECT {daily_cols} FROM {table}" for table in parts)
            )
            cursor.execute(f"DROP TABLE {', '.join(scratch)}")
            scratch.clear()
            report.chunks.extend(ranges)
            phase("merge")
        else:
            # Successive ranges of dossiers add to the same keys: these inserts upsert.
            conflict = ", ".join(DAILY_CONFLICT)
            update = ", ".join(f"{c} = insights_dailyfact.{c} + excluded.{c}" for c in COUNTERS)
            for first, last in ranges:
                select, params = grouped(first, last)
                cursor.execute(
                    f"INSERT INTO insights_dailyfact ({daily_cols}) "
                    f"SELECT * FROM ({select}) g WHERE 1 = 1 ORDER BY {ordered} "
                    f"ON CONFLICT ({conflict}) DO UPDATE SET {update}",
                    params,
                )
                report.chunks.append((first, last))
                if progress is not None:
                    progress(first, last, high)
            phase("daily")
        month_from = start.replace(day=1) if start is not None else dt.date(1, 1, 1)
        monthly_cols = ", ".join((*MONTHLY_KEY, *DERIVED, *COUNTERS))
        sums = ", ".join(f"SUM({c})" for c in COUNTERS)
        group = ", ".join(("unit_id", "competent_agency_id", "procedure_id", "channel", *DERIVED))
        cursor.execute(
            f"INSERT INTO insights_monthlyfact ({monthly_cols}) "
            f"SELECT {x.month('day')}, {group}, {sums} FROM insights_dailyfact "
            f"WHERE day >= %s GROUP BY {x.month('day')}, {group} "
            f"ORDER BY {x.month('day')}, {group}",
            [x.param_day(month_from)],
        )
        phase("monthly")
        total_cols = ", ".join((*TOTAL_KEY, *DERIVED))
        cursor.execute(
            f"""INSERT INTO insights_opentotal ({total_cols}, open_delta, late_delta)
                SELECT {total_cols}, SUM(open_delta), SUM(late_delta)
                FROM insights_dailyfact WHERE day >= %s GROUP BY {total_cols}
                HAVING SUM(open_delta) <> 0 OR SUM(late_delta) <> 0
                ON CONFLICT ({", ".join(TOTAL_KEY)}) DO UPDATE SET
                    open_delta = insights_opentotal.open_delta + excluded.open_delta,
                    late_delta = insights_opentotal.late_delta + excluded.late_delta""",
            [x.param_day(start) if start is not None else x.param_day(dt.date(1, 1, 1))],
        )
        cursor.execute("DELETE FROM insights_opentotal WHERE open_delta = 0 AND late_delta = 0")
        phase("totals")
        first_day = x.param_day(start if start is not None else dt.date(1, 1, 1))
        cursor.execute(
            _agency_insert(_agency_rebuild_rollup(x, full=start is None), ordered=True),
            [first_day, x.param_day(month_from), *([first_day] if start is not None else [])],
        )
        cursor.execute(
            "DELETE FROM insights_agencyfact WHERE grain = 't' "
            "AND open_delta = 0 AND late_delta = 0"
        )
        phase("agencies")
        cursor.execute("SELECT COUNT(*) FROM insights_dailyfact")
        report.daily_rows = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM insights_monthlyfact")
        report.monthly_rows = cursor.fetchone()[0]
    return report


# -- the dossiers behind a number -------------------------------------------------------------

_FLOW_METRICS = {
    "received": "c.received",
    "received_online": (
        f"c.received * CASE WHEN x.channel IN {tuple(ONLINE_CHANNELS)!r} THEN 1 ELSE 0 END"
    ),
    "finished": "(c.finished_early + c.finished_on_time + c.finished_late)",
    "finished_early": "c.finished_early",
    "finished_on_time": "c.finished_on_time",
    "finished_late": "c.finished_late",
    "returned": "c.returned",
    "withdrawn": "c.withdrawn",
    "stopped": "c.stopped",
    "refused": "c.refused",
    "rejected": "c.rejected",
    "apologies": "c.apologies",
    "fee_bearing": "c.received * CASE WHEN x.fee_vnd > 0 THEN 1 ELSE 0 END",
    "paid_online": ("c.received * CASE WHEN x.fee_vnd > 0 AND x.fee_paid_online THEN 1 ELSE 0 END"),
    "digitised": "c.digitised",
    "electronic_result": "c.electronic_result",
}


def dossiers_with(
    ids: list[int], metric: str, start: dt.date, end: dt.date, *, officer: int | None = None
) -> list[int]:
    """Which of the dossiers ``ids`` count in ``metric`` over ``start..end`` (under
    ``officer`` when given): F summed per dossier, exactly as the facts sum it."""
    x = Dialect.current()
    s, e = day_number(start), day_number(end)
    if metric in _FLOW_METRICS:
        value = (
            "SUM(CASE WHEN c.tday >= %s AND c.tday <= %s "
            f"THEN c.s * {_FLOW_METRICS[metric]} ELSE 0 END)"
        )
        value_params = [s, e]
    elif metric == "carried_over":
        value = "SUM(CASE WHEN c.tday < %s THEN c.s * c.open_delta ELSE 0 END)"
        value_params = [s]
    elif metric == "in_progress":
        value = "SUM(CASE WHEN c.tday <= %s THEN c.s * c.open_delta ELSE 0 END)"
        value_params = [e]
    elif metric == "in_progress_late":
        value = "SUM(CASE WHEN c.tday <= %s THEN c.s * c.late_delta ELSE 0 END)"
        value_params = [e]
    elif metric == "in_progress_on_time":
        value = "SUM(CASE WHEN c.tday <= %s THEN c.s * (c.open_delta - c.late_delta) ELSE 0 END)"
        value_params = [e]
    else:
        raise ValueError(f"Unknown metric {metric!r}.")
    found: dict[int, int] = defaultdict(int)
    batch = 2000
    with connection.cursor() as cursor:
        for first in range(0, len(ids), batch):
            chunk = ids[first : first + batch]
            where = f"e.dossier_id IN ({', '.join(['%s'] * len(chunk))})"
            sql = (
                f"SELECT c.d, COALESCE(c.tofficer, 0), {value} "
                f"FROM ({_contributions(x, where, 1)}) c JOIN dossiers_dossier x ON x.id = c.d "
                "GROUP BY c.d, COALESCE(c.tofficer, 0)"
            )
            cursor.execute(sql, [*value_params, *chunk])
            for dossier, who, amount in cursor.fetchall():
                if amount and (officer is None or who == officer):
                    found[dossier] += amount
    return sorted(d for d, amount in found.items() if amount > 0)
