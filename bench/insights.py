"""Benchmark of the indicators on the province made by bench/insights_generate.py.

    PYTHONPATH=src python bench/insights.py [--runs 20] [--skip-rebuild] [--rebuild-workers 1 2]

Reads the PostgreSQL database ``motcua_bench_insights`` (run the generator first) and
measures, each over ``--runs`` warm runs (p50 / p95):

* the full indicator set (``selectors.indicators_for_slice``: flows, stocks, rates,
  Decision 766 groups, Circular 01/2018 scores) for the province over the last full
  year, over the current year to date, and for the busiest commune over the last full
  month;
* beside each, in the same run, a direct aggregate over the dossiers table: one pass
  with ``COUNT(*) FILTER (…)`` computing the flows and the stocks from the dossier rows
  alone (received, online, finished early / on time / late, returned, withdrawn,
  stopped, refused, fees, electronic results, processing time, carried over, in
  progress and late by the legal due date) — what a report would do without facts,
  and less than the facts give (no events: no supplement waiting, apologies or
  officer in charge);
* the province dashboard page (every table, the trend chart, the late lists) through
  Django's test client;
* the event hook: ``apply_event`` on 200 existing events of the facts' actions, in a
  transaction rolled back afterwards (the cost a transition pays for the facts);
* ``insights rebuild --from`` one year ago (the last 365 days of facts recomputed from
  the events), once per ``--rebuild-workers`` count (connections sharing the ranges),
  beside a direct daily ``GROUP BY`` of the same year's dossiers into a scratch table;
  the facts are compared before and after each (sums of every counter);
* the database size (``pg_database_size``) and the tables' sizes, and the peak RSS of
  this process.

Prints a markdown table and the same figures as JSON.
"""

# ruff: noqa: S608 (SQL built from fixed table and column names; values are parameters)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_BENCH_DB = "motcua_bench_insights"
HA_NOI = 1


def configure() -> None:
    workdir = ROOT / "var" / "bench-insights"
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "MOTCUA_DEMO": "1",
            "MOTCUA_VAR_DIR": str(workdir),
            "MOTCUA_TASK_BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "DATABASE_URL": f"{PG_SERVER}/{PG_BENCH_DB}",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
        }
    )


def timed(function, runs: int) -> dict:
    function()  # warm-up, not measured
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return {"p50_ms": statistics.median(samples), "p95_ms": p95, "runs": runs}


DIRECT = """
SELECT
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s) AS received,
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s
                   AND channel IN ('online', 'assisted')) AS received_online,
  COUNT(*) FILTER (WHERE finished_at >= %(s)s AND finished_at < %(e)s
                   AND outcome = 'early') AS finished_early,
  COUNT(*) FILTER (WHERE finished_at >= %(s)s AND finished_at < %(e)s
                   AND outcome = 'on_time') AS finished_on_time,
  COUNT(*) FILTER (WHERE finished_at >= %(s)s AND finished_at < %(e)s
                   AND outcome = 'late') AS finished_late,
  COUNT(*) FILTER (WHERE returned_at >= %(s)s AND returned_at < %(e)s) AS returned,
  COUNT(*) FILTER (WHERE state = 'withdrawn' AND received_at IS NOT NULL
                   AND updated_at >= %(s)s AND updated_at < %(e)s) AS withdrawn,
  COUNT(*) FILTER (WHERE state = 'stopped' AND updated_at >= %(s)s
                   AND updated_at < %(e)s) AS stopped,
  COUNT(*) FILTER (WHERE state = 'refused' AND updated_at >= %(s)s
                   AND updated_at < %(e)s) AS refused,
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s
                   AND fee_vnd > 0) AS fee_bearing,
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND received_at < %(e)s
                   AND fee_vnd > 0 AND fee_paid_online) AS paid_online,
  COUNT(*) FILTER (WHERE finished_at >= %(s)s AND finished_at < %(e)s
                   AND result_file <> '') AS electronic_result,
  SUM(EXTRACT(EPOCH FROM finished_at - received_at))
      FILTER (WHERE finished_at >= %(s)s AND finished_at < %(e)s) AS processing_seconds,
  COUNT(*) FILTER (WHERE received_at < %(s)s AND (finished_at IS NULL OR finished_at >= %(s)s)
                   AND NOT (state IN ('withdrawn', 'stopped') AND updated_at < %(s)s))
      AS carried_over,
  COUNT(*) FILTER (WHERE received_at < %(e)s AND (finished_at IS NULL OR finished_at >= %(e)s)
                   AND NOT (state IN ('withdrawn', 'stopped') AND updated_at < %(e)s))
      AS in_progress,
  COUNT(*) FILTER (WHERE received_at < %(e)s AND (finished_at IS NULL OR finished_at >= %(e)s)
                   AND NOT (state IN ('withdrawn', 'stopped') AND updated_at < %(e)s)
                   AND due_at < %(e)s) AS in_progress_late
FROM dossiers_dossier WHERE {where}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument(
        "--rebuild-workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="run the one-year rebuild with each of these numbers of connections",
    )
    options = parser.parse_args()
    configure()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from motcua.insights.facts import rebuild
    from motcua.insights.models import COUNTERS, DailyFact
    from motcua.insights.periods import add_months, month_end, month_start
    from motcua.insights.selectors import Slice, indicators_for_slice
    from motcua.units.access import Scope
    from motcua.units.models import Dataset, Level, Role, Unit, User
    from motcua.units.services import role_grant

    # The pages link the app's own assets through the manifest storage, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    province = Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE, code=HA_NOI)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT competent_unit_id, SUM(received) FROM insights_monthlyfact "
            "WHERE competent_province_id = %s AND competent_unit_id <> %s "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [province.pk, province.pk],
        )
        commune_id, _ = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*), MIN(submitted_at), MAX(submitted_at) FROM dossiers_dossier"
        )
        dossiers, first, last = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM dossiers_dossierevent")
        (events,) = cursor.fetchone()
    commune = Unit.objects.get(pk=commune_id)
    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    last_month = add_months(month_start(today), -1)
    cases = [
        (
            f"province {province.name}, year {today.year - 1}",
            Slice(Scope(everything=True), unit=province),
            dt.date(today.year - 1, 1, 1),
            dt.date(today.year - 1, 12, 31),
            "competent_province_id = %(unit)s",
        ),
        (
            f"province {province.name}, {today.year} to date",
            Slice(Scope(everything=True), unit=province),
            dt.date(today.year, 1, 1),
            today,
            "competent_province_id = %(unit)s",
        ),
        (
            f"busiest commune ({commune.name}), {last_month:%m/%Y}",
            Slice(Scope(everything=True), unit=commune),
            last_month,
            month_end(last_month),
            "competent_unit_id = %(unit)s",
        ),
    ]
    rows = []
    for label, s, start, end, where in cases:
        facts_timing = timed(
            lambda s=s, start=start, end=end: indicators_for_slice(s, start, end), options.runs
        )
        result = indicators_for_slice(s, start, end)
        params = {
            "s": dt.datetime.combine(start, dt.time(), tzinfo=zone),
            "e": dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
            "unit": s.unit.pk,
        }
        sql = DIRECT.format(where=where)

        def direct(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()

        direct_timing = timed(direct, max(3, options.runs // 4))
        received_direct = direct()[0]
        rows.append(
            {
                "case": label,
                "facts": facts_timing,
                "direct": direct_timing,
                "ratio": direct_timing["p50_ms"] / facts_timing["p50_ms"],
                "received": result.received,
                "received_direct": received_direct,
                "on_time_rate": str(result.on_time_rate),
                "in_progress": result.in_progress,
            }
        )
        print(
            f"  {label}: facts p50 {facts_timing['p50_ms']:.1f} ms, "
            f"direct {direct_timing['p50_ms']:.0f} ms",
            file=sys.stderr,
            flush=True,
        )

    # The dashboard page of the province, as a provincial leader sees it.
    leader, _ = User.objects.get_or_create(
        username="bench_leader", defaults={"agency_id": None, "first_name": "Lãnh đạo"}
    )
    if leader.agency_id is None:
        from motcua.units.models import Agency

        leader.agency = Agency.objects.filter(unit=province).first()
        leader.save()
    role_grant(user=leader, role=Role.LEADER, unit=province)
    client = Client()
    client.force_login(leader)
    url = reverse("insights:unit", args=[province.pk]) + f"?period=year&date={today.year - 1}-06-01"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    page_timing = timed(page, max(5, options.runs // 4))

    # The event hook: one event's contribution and upserts, as in a transition (in a
    # transaction rolled back at the end, so the facts are left as they were).
    from django.db import transaction

    from motcua.dossiers.models import DossierEvent
    from motcua.insights.facts import FACT_ACTIONS, apply_event

    sample = list(
        DossierEvent.objects.filter(
            action__in=sorted(FACT_ACTIONS),
            dossier_id__in=list(range(dossiers // 2, dossiers // 2 + 400)),
        ).only("dossier_id", "seq", "action")[:200]
    )
    hook_samples = []
    with transaction.atomic():
        for event in sample:
            began = time.perf_counter()
            apply_event(None, event)
            hook_samples.append((time.perf_counter() - began) * 1000)
        transaction.set_rollback(True)
    hook_samples.sort()
    hook_timing = {
        "p50_ms": statistics.median(hook_samples),
        "p95_ms": hook_samples[round(0.95 * len(hook_samples)) - 1],
        "runs": len(hook_samples),
    }

    rebuild_result = None
    if not options.skip_rebuild:
        since = today - dt.timedelta(days=365)
        sums = ", ".join(f"SUM({c})" for c in COUNTERS)

        def checksum():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*), {sums} FROM insights_dailyfact WHERE day >= %s", [since]
                )
                return cursor.fetchone()

        before = checksum()
        runs = []
        for workers in options.rebuild_workers:
            began = time.perf_counter()
            report = rebuild(start=since, chunk=500_000, workers=workers)
            runs.append(
                {
                    "workers": workers,
                    "seconds": time.perf_counter() - began,
                    "identical": checksum() == before,
                }
            )
        rebuild_s = runs[0]["seconds"]
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_direct_daily")
            cursor.execute(
                "CREATE TEMP TABLE bench_direct_daily AS "
                "SELECT (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, unit_id, "
                "competent_agency_id, procedure_id, channel, COUNT(*) AS received, "
                "COUNT(*) FILTER (WHERE outcome = 'late') AS late, "
                "COUNT(*) FILTER (WHERE finished_at IS NOT NULL) AS finished "
                "FROM dossiers_dossier WHERE received_at >= %s GROUP BY 1, 2, 3, 4, 5",
                [dt.datetime.combine(since, dt.time(), tzinfo=zone)],
            )
            cursor.execute("DROP TABLE bench_direct_daily")
        direct_s = time.perf_counter() - began
        rebuild_result = {
            "from": since.isoformat(),
            "seconds": rebuild_s,
            "runs": runs,
            "direct_group_by_seconds": direct_s,
            "identical": all(run["identical"] for run in runs),
            "daily_rows_from": before[0],
            "passes": len(report.chunks),
        }

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
        tables = {}
        for table in (
            "dossiers_dossier",
            "dossiers_dossierevent",
            "dossiers_dossierdocument",
            "insights_dailyfact",
            "insights_monthlyfact",
            "insights_opentotal",
            "insights_agencyfact",
        ):
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            tables[table] = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        (pg_version,) = cursor.fetchone()
    result = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()} × {os.cpu_count()} CPUs, {pg_version.split(',')[0]}",
        "dossiers": dossiers,
        "events": events,
        "submitted_from": first.isoformat() if first else None,
        "submitted_to": last.isoformat() if last else None,
        "daily_fact_rows": DailyFact.objects.count(),
        "cases": rows,
        "dashboard_page": page_timing,
        "event_hook": hook_timing,
        "rebuild": rebuild_result,
        "database_bytes": size,
        "table_bytes": tables,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result, indent=2, default=str))
    print()
    print("| figure | facts p50 | facts p95 | direct aggregate p50 | direct / facts |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| full indicator set, {row['case']} | {row['facts']['p50_ms']:.1f} ms | "
            f"{row['facts']['p95_ms']:.1f} ms | {row['direct']['p50_ms']:,.0f} ms | "
            f"{row['ratio']:,.0f}× |"
        )
    print(
        f"| province dashboard page (all tables) | {page_timing['p50_ms']:.0f} ms | "
        f"{page_timing['p95_ms']:.0f} ms | | |"
    )
    print(
        f"| event hook: one event's delta and upserts | {hook_timing['p50_ms']:.1f} ms | "
        f"{hook_timing['p95_ms']:.1f} ms | | |"
    )
    if rebuild_result:
        for run in rebuild_result["runs"]:
            print(
                f"| `insights rebuild --from {rebuild_result['from']} --workers "
                f"{run['workers']}` | {run['seconds']:.1f} s | | "
                f"{rebuild_result['direct_group_by_seconds']:.1f} s "
                f"(daily GROUP BY) | identical: {run['identical']} |"
            )
    print(
        f"\ndatabase {size / 2**30:.2f} GiB; "
        + ", ".join(f"{k} {v / 2**30:.2f} GiB" for k, v in tables.items())
    )


if __name__ == "__main__":
    main()
