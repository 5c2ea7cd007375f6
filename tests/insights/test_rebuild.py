"""``insights rebuild`` reproduces the incrementally maintained facts exactly, at scale.

100,000 dossiers (about 700,000 events) are generated with the benchmark's simulation
(bench/insights_generate.py) and inserted in bulk; their facts are then built
*incrementally* — event 1 of every dossier, then event 2, … — through the same delta and
upsert functions the event hook calls inside each transaction (``facts.apply_round`` is
``apply_event`` for many dossiers at once). Then the facts are rebuilt from the events,
all of them and from a date, and every row of the three fact tables must be identical.
"""

import datetime as dt
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.insights_generate import (
    build_universe,
    generate,
    insert_copy,
    insert_executemany,
    without_secondary_indexes,
)
from motcua.insights import facts
from motcua.insights.models import DailyFact
from tests.insights.support import diff, snapshot

N = 100_000
HUE = 46


def _sink():
    """COPY on PostgreSQL (executemany costs a round trip per row there)."""
    if connection.vendor == "postgresql":
        return lambda batch: insert_copy(batch, connection.connection)
    return insert_executemany


@pytest.fixture
def generated(units):
    universe = build_universe(province_code=HUE, communes=20, procedures=25, prefix="T")
    now = dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC)
    began = time.monotonic()
    with without_secondary_indexes():
        generate(
            universe,
            N,
            start=dt.date(2024, 9, 1),
            end=dt.date(2026, 3, 20),
            now=now,
            batch=50_000,
            sink=_sink(),
        )
    generated_in = time.monotonic() - began
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(seq) FROM dossiers_dossierevent")
        events, max_seq = cursor.fetchone()
    return universe, events, max_seq, generated_in


def test_rebuild_reproduces_the_incremental_facts_of_100000_dossiers(generated, capsys):
    _universe, events, max_seq, generated_in = generated
    assert events > 6 * N
    began = time.monotonic()
    for seq in range(1, max_seq + 1):
        facts.apply_round(seq)
    incremental_in = time.monotonic() - began
    incremental = snapshot()
    assert len(incremental["insights_dailyfact"]) > 10_000
    # Every counter is exercised by the generated data.
    totals = {
        name: sum(row[i] for row in incremental["insights_monthlyfact"].values())
        for i, name in enumerate(
            (
                "received",
                "refused",
                "finished_early",
                "finished_on_time",
                "finished_late",
                "rejected",
                "returned",
                "withdrawn",
                "stopped",
                "apologies",
            )
        )
    }
    assert all(totals.values()), totals

    began = time.monotonic()
    facts.rebuild(chunk=40_000)
    rebuilt_in = time.monotonic() - began
    problems = diff(incremental, snapshot())
    assert not problems, "\n".join(problems)

    # From a date: only the days from it on are recomputed; the result is the same.
    call_command("insights", "rebuild", "--from", "2025-12-15")
    problems = diff(incremental, snapshot())
    assert not problems, "\n".join(problems)
    with capsys.disabled():
        print(
            f"\n{N:,} dossiers, {events:,} events: generated in {generated_in:.1f} s, "
            f"incremental facts in {incremental_in:.1f} s ({max_seq} rounds), "
            f"rebuild in {rebuilt_in:.1f} s, {DailyFact.objects.count():,} daily rows"
        )


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_shared_by_several_connections_gives_the_same_rows(units):
    """``workers`` > 1 (PostgreSQL): each connection reads the rebuilding transaction's
    snapshot and sums its share of the ranges into a scratch table; the rows are those
    of one connection, and no scratch table is left behind, even when a worker fails."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the workers are other connections to the server")
    universe = build_universe(province_code=HUE, communes=6, procedures=8, prefix="W")
    now = dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC)
    generate(
        universe,
        4_000,
        start=dt.date(2025, 9, 1),
        end=dt.date(2026, 3, 20),
        now=now,
        batch=2_000,
        sink=_sink(),
    )

    def scratch_tables() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE 'insights_rebuild_%'"
            )
            return [name for (name,) in cursor.fetchall()]

    facts.rebuild(chunk=700)
    alone = snapshot()
    assert len(alone["insights_dailyfact"]) > 1_000
    report = facts.rebuild(chunk=700, workers=3)
    assert len(report.chunks) == 6
    problems = diff(alone, snapshot())
    assert not problems, "\n".join(problems)
    assert scratch_tables() == []

    facts.rebuild(start=dt.date(2026, 1, 5), chunk=700)
    alone = snapshot()
    call_command("insights", "rebuild", "--from", "05/01/2026", "--chunk", "700", "--workers", "2")
    problems = diff(alone, snapshot())
    assert not problems, "\n".join(problems)

    # A worker that fails: the rebuild fails whole, the old facts stay, nothing is left.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE dossiers_dossierevent RENAME COLUMN payload TO payload_x")
    try:
        with pytest.raises(Exception, match="payload"):
            facts.rebuild(chunk=700, workers=2)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE dossiers_dossierevent RENAME COLUMN payload_x TO payload")
    assert not diff(alone, snapshot())
    assert scratch_tables() == []


def test_the_rebuild_command_refuses_fewer_than_one_worker(db):
    with pytest.raises(CommandError, match="workers"):
        call_command("insights", "rebuild", "--workers", "0")


def test_the_merge_cuts_the_days_at_month_starts_into_even_parts():
    months = [dt.date(2026, m, 1) for m in range(1, 7)]
    even = list(zip(months, [10] * 6, strict=True))
    assert facts._month_cuts(even, 2) == [dt.date(2026, 4, 1)]
    assert facts._month_cuts(even, 3) == [dt.date(2026, 3, 1), dt.date(2026, 5, 1)]
    # One busy month closes the first part; the months after it make the second.
    busy = list(zip(months, [1, 1, 100, 1, 1, 1], strict=True))
    assert facts._month_cuts(busy, 2) == [dt.date(2026, 4, 1)]
    # Fewer months than parts, or none: fewer parts.
    assert facts._month_cuts(even[:1], 4) == []
    assert facts._month_cuts([], 2) == []
    assert facts._month_cuts(even[:2], 4) == [dt.date(2026, 2, 1)]
