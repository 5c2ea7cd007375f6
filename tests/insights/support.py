"""Helpers shared by the indicator tests: drivers of dossiers through the services under
the frozen clock, and the comparison of the incremental facts with a rebuild."""

import datetime as dt

from django.db import connection

from motcua.dossiers import services as s
from motcua.insights import facts
from motcua.insights.models import COUNTERS
from motcua.insights.selectors import indicators_for
from tests.dossiers.conftest import PDF

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def received(submit, staff, clock, when, **kw):
    clock.move_to(when)
    d = submit(**kw)
    return s.dossier_receive(dossier=d, user=staff.counter_a)


def assigned(submit, staff, clock, when, **kw):
    d = received(submit, staff, clock, when, **kw)
    return s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)


def finish(d, staff, clock, when):
    clock.move_to(when)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    return s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)


def figures(staff, start, end, *, unit=None, **kw):
    return indicators_for(staff.leader_a, unit=unit or staff.commune_a, start=start, end=end, **kw)


TABLES = {
    "insights_dailyfact": (
        "day",
        "unit_id",
        "competent_agency_id",
        "procedure_id",
        "officer_id",
        "channel",
        "province_id",
        "competent_unit_id",
        "competent_province_id",
        *COUNTERS,
    ),
    "insights_monthlyfact": (
        "month",
        "unit_id",
        "competent_agency_id",
        "procedure_id",
        "channel",
        "province_id",
        "competent_unit_id",
        "competent_province_id",
        *COUNTERS,
    ),
    "insights_opentotal": (
        "unit_id",
        "competent_agency_id",
        "procedure_id",
        "officer_id",
        "channel",
        "province_id",
        "competent_unit_id",
        "competent_province_id",
        "open_delta",
        "late_delta",
    ),
    "insights_agencyfact": (
        "grain",
        "date",
        "competent_agency_id",
        "channel",
        "competent_unit_id",
        "competent_province_id",
        *COUNTERS,
    ),
}
KEY_WIDTH = {
    "insights_dailyfact": 9,
    "insights_monthlyfact": 8,
    "insights_opentotal": 8,
    "insights_agencyfact": 6,
}


def snapshot() -> dict[str, dict[tuple, tuple]]:
    """Every table's non-zero rows, keyed by their dimensions."""
    result = {}
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608
            width = KEY_WIDTH[table]
            rows = {}
            for row in cursor.fetchall():
                key = tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row[:width])
                values = tuple(row[width:])
                if any(values):
                    assert key not in rows, f"duplicate key {key} in {table}"
                    rows[key] = values
            result[table] = rows
    return result


def diff(before, after, limit=5) -> list[str]:
    problems = []
    for table in TABLES:
        a, b = before[table], after[table]
        for key in sorted(set(a) | set(b), key=repr):
            if a.get(key) != b.get(key):
                problems.append(f"{table} {key}: incremental {a.get(key)} rebuilt {b.get(key)}")
                if len(problems) >= limit:
                    return problems
    return problems


def assert_rebuild_matches(start=None) -> dict:
    """Rebuild the facts (all, or from ``start``) and assert they equal the incremental
    ones; returns the snapshot."""
    before = snapshot()
    facts.rebuild(start=start)
    after = snapshot()
    problems = diff(before, after)
    assert not problems, "\n".join(problems)
    return after
