"""The back office under load: the inbox of busy officers and the search by applicant name.

    PYTHONPATH=src .venv/bin/python bench/office_load.py [--db motcua_bench_office]
        [--users 50] [--duration 60] [--workers 4] [--samples 200] [--think 1 3] [--keep]

Needs the database made by bench/office_generate.py and locust (``.venv/bin/pip install
locust``; a bench tool, not a dependency of motcua). Three measurements:

1. **Server time, in process.** Django's test ``Client`` in this process, on the same
   database and the same production settings as the server, requests each page
   ``--samples`` times one after the other (after a warm-up) and times each request end to
   end (middleware, session, view, template, session save); ``CaptureQueriesContext``
   counts the queries of each page. The issue's 150 ms target is on this time.
2. **Under load.** ``motcua run --workers 4`` (gunicorn, as in production: DEBUG off,
   ``SECRET_KEY`` set, ``ALLOWED_HOSTS=127.0.0.1``, no TLS redirect since it is plain HTTP on
   loopback) on a free port of 127.0.0.1, and locust, headless, ``--users`` users spawned at
   once, each running its requests back to back for ``--duration`` seconds, once per
   scenario: (a) the inbox ``/office/?box=mine`` of the 50 officers (specialists) with the
   most open steps, half page 1, half a random page 2–10; (b) ``/office/search/?q=`` by a
   common applicant-name prefix (a family name, a family and middle name, or a whole name
   seen in the data; half typed without accents) by 50 officers: the 46 counter officers
   (36 of a commune, 10 of the provincial center) and 4 department specialists; (c) the
   floor: ``/healthz``, the same stack (gunicorn, every middleware) with a view that runs
   ``SELECT 1`` and returns a small JSON document, requested without a session cookie.
   Each scenario runs twice: as a closed loop (the server's saturation: the client-side
   time is then mostly the wait for a free worker), and with officers who read each page
   ``--think`` seconds (default 1–3, uniform) before the next request.
   Sessions are opened beforehand in the database (``SessionStore`` with the keys a login
   sets, the second factor marked as passed: these roles need none). Locust reports the
   client's view (which includes waiting for a free worker); gunicorn's access log, with
   the request time ``%(D)s`` added, gives each worker's own time for the same requests.
3. **Why, if a target is missed.** ``EXPLAIN (ANALYZE, BUFFERS)`` of every query the slow
   pages run, for the busiest officer and the most common prefix, written to
   ``var/bench-office/explain-*.txt``, with the indexes each plan uses.

Drops the database at the end unless ``--keep`` (bench/portal_load.py uses the same one:
run this one with ``--keep`` first). Prints markdown tables (docs/benchmarks.md) and JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from office_generate import (
    PG_BENCH_DB,
    PG_SERVER,
    ROOT,
    VAR_DIR,
    configure,
    database_exists,
    drop_database,
)

BIN = Path(sys.executable).parent
# Each locust user picks a random path of its scenario (with its name, for the table) and
# requests it, again and again, with no pause: a closed loop of ``users`` clients.
LOCUSTFILE = """
import itertools, json, os, random
from http.cookiejar import Cookie
from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(open(os.environ["BENCH_LOCUST_CONFIG"]).read())
COUNTER = itertools.count()


def cookie(name, value):
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
                  None, False, None, None, {})


class Client(FastHttpUser):
    # A closed loop (the next request as soon as the answer arrives) unless the run gives a
    # think time: [low, high] seconds, drawn uniformly, between a client's requests.
    wait_time = between(*CONFIG["wait"]) if CONFIG.get("wait") else constant(0)

    def on_start(self):
        sessions = CONFIG["sessions"]
        if sessions:
            key = sessions[next(COUNTER) % len(sessions)]
            self.client.cookiejar.set_cookie(cookie("sessionid", key))
        self.paths = CONFIG["paths"]

    @task
    def page(self):
        name, path = random.choice(self.paths)
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != CONFIG.get("expect", 200):
                response.failure(f"status {response.status_code}")
"""


# -- machine, percentiles ---------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def machine_facts() -> str:
    import django
    import gunicorn
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    locust = subprocess.run(
        [str(BIN / "locust"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"Python {platform.python_version()}, Django {django.__version__}, gunicorn "
        f"{gunicorn.__version__} (sync workers), psycopg {psycopg.__version__}, PostgreSQL {pg} "
        f"(shared_buffers {buffers}, same machine), locust {locust[1] if len(locust) > 1 else '?'}"
        f"; {platform.machine()} × {os.cpu_count()} CPUs ({cpu_model()}), {memory:.0f} GiB, "
        "server, database and load generator on the same 2 cores"
    )


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


# -- sessions ---------------------------------------------------------------------------------


def open_session(user) -> str:
    """A logged-in session for ``user`` as ``office.views.auth.login_view`` leaves it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from motcua.office.auth import CLEARED_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[CLEARED_KEY] = user.pk
    session.create()
    return session.session_key


def busiest_officers(count: int) -> list[tuple[object, int]]:
    """The ``count`` specialists and counter officers with the most open steps."""
    from django.db.models import Count, Q

    from motcua.units.models import Role, User

    users = (
        User.objects.filter(roles__role__in=[Role.SPECIALIST, Role.COUNTER_OFFICER])
        .exclude(roles__role__in=[Role.LEADER, Role.ADMINISTRATOR])
        .annotate(
            open_steps=Count(
                "dossier_steps",
                filter=Q(
                    dossier_steps__finished_at__isnull=True,
                    dossier_steps__started_at__isnull=False,
                ),
            )
        )
        .order_by("-open_steps", "username")[:count]
    )
    return [(u, u.open_steps) for u in users]


def search_officers(count: int) -> list:
    """Counter officers (commune and provincial center) and some department specialists."""
    from motcua.units.models import AgencyKind, Role, User

    counters = list(
        User.objects.filter(roles__role=Role.COUNTER_OFFICER).order_by("username").distinct()
    )
    others = list(
        User.objects.filter(
            roles__role=Role.SPECIALIST, agency__kind=AgencyKind.DEPARTMENT
        ).order_by("username")
    )
    return (counters + others)[:count]


def scope_label(user) -> str:
    from motcua.units.access import scope_for

    return "province" if scope_for(user).province_ids else "commune"


# -- search terms -----------------------------------------------------------------------------


def search_terms(rng: random.Random, per_class: int = 30) -> dict[str, list[str]]:
    """Common applicant-name prefixes, by class, half of them without accents."""
    from django.db import connection

    from motcua.catalog.text import normalize_vietnamese

    with connection.cursor() as cursor:
        # A sample of real names (TABLESAMPLE: no scan of the whole table).
        cursor.execute(
            "SELECT applicant_name FROM dossiers_dossier TABLESAMPLE SYSTEM (1) "
            "WHERE applicant_kind = 'person' LIMIT 5000"
        )
        names = [row[0] for row in cursor.fetchall()]
    family, middle = {}, {}
    for name in names:
        words = name.split()
        family[words[0]] = family.get(words[0], 0) + 1
        key = " ".join(words[:2])
        middle[key] = middle.get(key, 0) + 1

    def common(counts: dict[str, int], n: int) -> list[str]:
        return [k for k, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:n]]

    classes = {
        "family name": common(family, 15) * 2,  # both spellings of each
        "family + middle name": common(middle, per_class),
        "whole name": rng.sample(names, per_class),
    }
    return {
        label: [normalize_vietnamese(t) if i % 2 else t for i, t in enumerate(terms)]
        for label, terms in classes.items()
    }


# -- in-process server time -------------------------------------------------------------------


def server_time(
    pages: dict[str, list[tuple[str, ...]]], samples: int, rng: random.Random
) -> dict[str, dict]:
    """``pages``: label → [(session key or "", path[, group])]. Each label is requested
    ``samples`` times (random pick), timed end to end in process, with percentiles per group
    too; queries counted on a separate pass."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Client] = {}

    def client_for(key: str) -> Client:
        if key not in clients:
            clients[key] = Client(SERVER_NAME="127.0.0.1")
            if key:
                clients[key].cookies["sessionid"] = key
        return clients[key]

    results = {}
    for label, choices in pages.items():
        for key, path, *_group in choices[:5]:  # warm-up: calendar, templates, connection
            client_for(key).get(path)
        queries = []
        for key, path, *_group in rng.sample(choices, min(10, len(choices))):
            with CaptureQueriesContext(connection) as captured:
                response = client_for(key).get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            queries.append(len(captured))
        times = []
        groups: dict[str, list[float]] = {}
        for _ in range(samples):
            key, path, *group = rng.choice(choices)
            client = client_for(key)
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            if group:
                groups.setdefault(group[0], []).append(times[-1])
        results[label] = {
            "groups": {
                g: {"n": len(t), "p50_ms": pct(t, 50), "p95_ms": pct(t, 95), "max_ms": max(t)}
                for g, t in sorted(groups.items())
            },
            "n": samples,
            "p50_ms": pct(times, 50),
            "p95_ms": pct(times, 95),
            "max_ms": max(times),
            "mean_ms": statistics.fmean(times),
            "queries": (min(queries), max(queries)),
        }
    return results


def captured_queries(key: str, path: str) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    client.cookies["sessionid"] = key
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return [q["sql"] for q in captured.captured_queries]


INDEX_RE = re.compile(
    r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)"
)


PROPOSED_INDEX = (
    "CREATE INDEX bench_applicant_search_like ON dossiers_dossier "
    "(applicant_search varchar_pattern_ops)"
)


def _plan_ms(sql: str, runs: int = 3) -> float:
    """Median planning + execution time of ``sql`` (EXPLAIN ANALYZE)."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]
            times.append(plan["Planning Time"] + plan["Execution Time"])
    return statistics.median(times)


def what_if(cases: dict[str, tuple[str, str]]) -> str:
    """The search's queries as they are, and with the proposed changes: a pattern-ops index
    on ``applicant_search`` (built in a transaction that is rolled back) and a count that
    stops at 1,001 rows; with PostgreSQL's JIT on (the default) and off."""
    from django.db import connection, transaction

    sqls = {}
    for label, (key, path) in cases.items():
        found = [q for q in captured_queries(key, path) if "applicant_search" in q]
        sqls[label] = (found[0], found[1])  # the paginator's count, then the page

    def capped(count_sql: str) -> str:
        body = count_sql.split('FROM "dossiers_dossier"', 1)[1]
        # The SQL Django generated for the page, wrapped: nothing from outside.
        return f'SELECT COUNT(*) FROM (SELECT 1 FROM "dossiers_dossier"{body} LIMIT 1001) s'  # noqa: S608

    lines = [
        "| variant | search | count | count ≤ 1,001 | page of 25 |",
        "| --- | --- | ---: | ---: | ---: |",
    ]

    def measure(variant: str) -> None:
        for label, (count, page) in sqls.items():
            lines.append(
                f"| {variant} | {label} | {_plan_ms(count):.1f} ms "
                f"| {_plan_ms(capped(count)):.1f} ms | {_plan_ms(page):.1f} ms |"
            )

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = on")
        measure("as is (JIT on, the default)")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        measure("as is, JIT off")
        with connection.cursor() as cursor:
            cursor.execute(PROPOSED_INDEX)
            cursor.execute("ANALYZE dossiers_dossier")
            cursor.execute("SET LOCAL jit = on")
        measure("+ varchar_pattern_ops index")
        transaction.set_rollback(True)
    return "\n".join(lines)


def explain(label: str, key: str, path: str) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of every query of ``path`` that reads the dossier tables."""
    from django.db import connection

    out = []
    report = [f"# {label}: {path}\n"]
    for sql in captured_queries(key, path):
        if "dossiers_" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
        ms = next(
            (float(line.split(":")[1].split()[0]) for line in plan if "Execution Time" in line),
            float("nan"),
        )
        indexes = sorted({m for line in plan for m in INDEX_RE.findall(line)})
        seq = sorted(
            {line.split("Seq Scan on ")[1].split()[0] for line in plan if "Seq Scan" in line}
        )
        out.append({"sql": sql, "ms": ms, "indexes": indexes, "seq_scans": seq, "plan": plan})
        report += ["", sql, "", *plan, ""]
    safe = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    (VAR_DIR / f"explain-{safe}.txt").write_text("\n".join(report))
    return out


# -- the server and the load tool -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``motcua run`` (gunicorn) on loopback, with the request time in its access log."""

    def __init__(self, database: str, workers: int, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = VAR_DIR / f"gunicorn-{self.port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"{PG_SERVER}/{database}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_CMD_ARGS": "--access-logformat '%(s)s %(D)s %(U)s'",
            "PYTHONPATH": str(ROOT / "src"),
            **(extra_env or {}),
        }
        self.handle = self.log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "motcua"), "run", "--bind", f"127.0.0.1:{self.port}", "--workers",
             str(workers)],
            env=env, stdout=self.handle, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped: see {self.log}")
            with contextlib.suppress(OSError):
                if self.get("/healthz", timeout=2) == 200:
                    return
            time.sleep(0.5)
        self.stop()
        raise SystemExit("the server did not answer /healthz within 180 s")

    def mark(self) -> int:
        self.handle.flush()
        return self.log.stat().st_size

    def times_since(self, offset: int) -> list[float]:
        """Worker times (ms) of the requests logged after ``offset``."""
        with self.log.open("rb") as f:
            f.seek(offset)
            lines = f.read().decode(errors="replace").splitlines()
        times = []
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
                times.append(int(parts[1]) / 1000)
        return times

    def get(self, path: str, session: str = "", timeout: float = 30) -> int:
        """One GET on loopback; returns the status."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Cookie": f"sessionid={session}"} if session else {}
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def warm(self, paths: list[str], session: str = "") -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                self.get(path, session)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.handle.close()


def run_locust(
    server: Server,
    name: str,
    paths: list[tuple[str, str]],
    *,
    sessions: list[str],
    users: int,
    duration: int,
    workdir: Path,
    wait: tuple[float, float] | None = None,
) -> dict:
    """One headless locust run; returns the client's numbers and the workers' times.
    ``wait``: the think time between a client's requests (none: a closed loop)."""
    config = workdir / f"{name}.json"
    config.write_text(json.dumps({"sessions": sessions, "paths": paths, "wait": wait}))
    locustfile = workdir / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    prefix = workdir / name
    offset = server.mark()
    command = [
        str(BIN / "locust"), "-f", str(locustfile), "--headless", "-u", str(users), "-r",
        str(users), "-t", f"{duration}s", "--csv", str(prefix), "--host", server.url,
        "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_LOCUST_CONFIG": str(config)}
    # Bounded: locust stops itself after ``duration``; the timeout is a safety net.
    with (workdir / f"{name}.log").open("w") as log:
        subprocess.run(
            command, env=env, check=False, timeout=duration + 120, stdout=log, stderr=log
        )
    worker_ms = server.times_since(offset)
    rows = {}
    with (workdir / f"{name}_stats.csv").open() as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "mean_ms": float(row["Average Response Time"]),
            }
    total = rows.pop("Aggregated")
    return {
        "client": total,
        "by_name": rows,
        "worker": {
            "n": len(worker_ms),
            "p50_ms": pct(worker_ms, 50),
            "p95_ms": pct(worker_ms, 95),
            "p99_ms": pct(worker_ms, 99),
        },
    }


# -- report -----------------------------------------------------------------------------------


def load_table(results: dict[str, dict], floor: str) -> str:
    base = results[floor]["client"]
    lines = [
        "| scenario | requests | failures | req/s | p50 | p95 | p99 | req/s vs floor "
        "| p95 vs floor | worker p50 | worker p95 | worker p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        c, w = r["client"], r["worker"]
        lines.append(
            f"| {name} | {c['requests']:,} | {c['failures']:,} | {c['rps']:.1f} "
            f"| {c['p50_ms']:.0f} ms | {c['p95_ms']:.0f} ms | {c['p99_ms']:.0f} ms "
            f"| {c['rps'] / base['rps']:.2f}× | {c['p95_ms'] / base['p95_ms']:.1f}× "
            f"| {w['p50_ms']:.1f} ms | {w['p95_ms']:.1f} ms | {w['p99_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def server_table(results: dict[str, dict], target_ms: float) -> str:
    lines = [
        "| page | requests | p50 | p95 | max | queries | p95 target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, r in results.items():
        q = r["queries"]
        queries = f"{q[0]}" if q[0] == q[1] else f"{q[0]}–{q[1]}"
        verdict = "" if label.startswith("floor") else (
            "met" if r["p95_ms"] < target_ms else "**missed**"
        )  # fmt: skip
        lines.append(
            f"| {label} | {r['n']} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
            f"| {r['max_ms']:.1f} ms | {queries} | {verdict} |"
        )
        for group, g in r.get("groups", {}).items():
            lines.append(
                f"| ↳ {group} | {g['n']} | {g['p50_ms']:.1f} ms | {g['p95_ms']:.1f} ms "
                f"| {g['max_ms']:.1f} ms | | |"
            )
    return "\n".join(lines)


def explain_summary(plans: dict[str, list[dict]]) -> str:
    lines = ["| page | query | execution | indexes used | sequential scans |",
             "| --- | --- | ---: | --- | --- |"]  # fmt: skip
    for label, queries in plans.items():
        for q in queries:
            head = " ".join(q["sql"].split())[:90].replace("|", "\\|")
            lines.append(
                f"| {label} | `{head}…` | {q['ms']:.1f} ms | {', '.join(q['indexes']) or '—'} "
                f"| {', '.join(q['seq_scans']) or '—'} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=PG_BENCH_DB)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200, help="in-process requests per page")
    parser.add_argument("--target-ms", type=float, default=150.0)
    parser.add_argument(
        "--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("LOW", "HIGH"),
        help="think time between an officer's requests in the paced runs, seconds",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--what-if", action="store_true",
        help="also time the search's queries as generated before the index and count cap",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=3)
    options = parser.parse_args()
    if not shutil.which(str(BIN / "locust")):
        raise SystemExit("locust is missing: .venv/bin/pip install locust")
    configure(options.db)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    if not database_exists(options.db):
        raise SystemExit(f"no database {options.db}: run bench/office_generate.py first")
    import django

    django.setup()
    rng = random.Random(options.seed)
    try:
        report = measure(options, rng)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            drop_database(options.db)
    print(report)


def measure(options, rng: random.Random) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM dossiers_dossier")
        dossiers = cursor.fetchone()[0]
    busy = busiest_officers(options.users)
    inbox_sessions = [open_session(u) for u, _n in busy]
    searchers = search_officers(options.users)
    search_sessions = [open_session(u) for u in searchers]
    open_counts = [n for _u, n in busy]
    terms = search_terms(rng)
    all_terms = [t for ts in terms.values() for t in ts]
    inbox_paths = [("inbox page 1", "/office/?box=mine")] * 9 + [
        ("inbox page 2–10", f"/office/?box=mine&page={p}") for p in range(2, 11)
    ]
    search_paths = [("search", f"/office/search/?q={quote(t)}") for t in all_terms]
    floor_paths = [("floor /healthz", "/healthz")]
    facts = machine_facts()

    # 1. Server time in process, one request at a time.
    province_searchers = [k for u, k in zip(searchers, search_sessions, strict=True)
                          if scope_label(u) == "province"]  # fmt: skip
    commune_searchers = [k for u, k in zip(searchers, search_sessions, strict=True)
                         if scope_label(u) == "commune"]  # fmt: skip
    pages = {
        "floor /healthz": [("", "/healthz")],
        f"inbox page 1, busiest officer ({open_counts[0]:,} open steps)": [
            (inbox_sessions[0], "/office/?box=mine")
        ],
        "inbox page 1, 50 officers": [(k, "/office/?box=mine") for k in inbox_sessions],
        "inbox page 2–10, 50 officers": [
            (k, f"/office/?box=mine&page={p}") for k in inbox_sessions for p in range(2, 11)
        ],
    }
    pages["search by name, 50 officers"] = [
        (k, f"/office/search/?q={quote(t)}", f"{label}, {scope} officer")
        for label, ts in terms.items()
        for scope, keys in (("commune", commune_searchers), ("province", province_searchers))
        for k in keys[:10]
        for t in ts
    ]
    in_process = server_time(pages, options.samples, rng)

    # 2. Under load.
    workdir = Path(tempfile.mkdtemp(prefix="office-load-", dir=VAR_DIR))
    server = Server(options.db, options.workers)
    try:
        server.warm(["/healthz"] * 8)
        for key in inbox_sessions[:8]:
            server.warm(["/office/?box=mine", "/office/search/?q=nguyen"], key)
        # Closed loop (the server's saturation), then officers who read each page for
        # ``--think`` seconds before the next click.
        load, paced = {}, {}
        think = (options.think[0], options.think[1])
        for results, wait in ((load, None), (paced, think)):
            for name, paths, sessions in (
                ("floor /healthz", floor_paths, []),
                ("inbox (page 1 and 2–10)", inbox_paths, inbox_sessions),
                ("search by name", search_paths, search_sessions),
            ):
                tag = f"{'paced' if wait else 'closed'}-{name.split()[0]}"
                results[name] = run_locust(
                    server, tag, paths, sessions=sessions, users=options.users,
                    duration=options.duration, workdir=workdir, wait=wait,
                )  # fmt: skip
                time.sleep(2)
    finally:
        server.stop()

    # 3. Plans of the slow pages.
    slow = {k: v for k, v in in_process.items() if not k.startswith("floor")}
    missed = [k for k, v in slow.items() if v["p95_ms"] >= options.target_ms]
    plans = {
        "inbox, busiest officer": explain(
            "inbox busiest", inbox_sessions[0], "/office/?box=mine&page=2"
        ),
        "search 'nguyen', province officer": explain(
            "search nguyen province", province_searchers[0], "/office/search/?q=nguyen"
        ),
        "search whole name, province officer": explain(
            "search whole name province",
            province_searchers[0],
            f"/office/search/?q={quote(terms['whole name'][1])}",
        ),
    }
    # The proposals it measured (a pattern-ops index, a count capped at 1,001) are now in
    # the product, so the comparison runs only on request.
    proposal = (
        "(not run; --what-if)"
        if not options.what_if
        else what_if(
            {
                f"{scope} officer, {label} ({ts[0]})": (
                    keys[0],
                    f"/office/search/?q={quote(ts[0])}",
                )
                for label, ts in terms.items()
                for scope, keys in (
                    ("commune", commune_searchers),
                    ("province", province_searchers),
                )
            }
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    summary = {
        "dossiers": dossiers,
        "database_bytes": size,
        "inbox_officers_open_steps_min_median_max": [
            min(open_counts), int(statistics.median(open_counts)), max(open_counts)
        ],
        "search_officers_scopes": {
            "province": len(province_searchers), "commune": len(commune_searchers)
        },
        "terms": terms,
        "in_process": in_process,
        "load": load,
        "load_with_think_time": paced,
        "missed": missed,
        "explain": {k: [{**q, "plan": None} for q in v] for k, v in plans.items()},
        "gunicorn_log": str(server.log),
    }  # fmt: skip
    (VAR_DIR / "office-load.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return "\n\n".join(
        [
            facts,
            f"{dossiers:,} dossiers, database {size / 2**30:.1f} GiB; inbox officers' open "
            f"steps min/median/max {summary['inbox_officers_open_steps_min_median_max']}; "
            f"search officers {summary['search_officers_scopes']}",
            f"Under load, closed loop: {options.users} users, {options.duration} s per "
            f"scenario, {options.workers} gunicorn workers",
            load_table(load, "floor /healthz"),
            f"Under load, think time {think[0]:g}–{think[1]:g} s: {options.users} users, "
            f"{options.duration} s per scenario, {options.workers} gunicorn workers",
            load_table(paced, "floor /healthz"),
            f"Server time in process, {options.samples} requests per page, one at a time",
            server_table(in_process, options.target_ms),
            "Plans (EXPLAIN ANALYZE, one run, after the load)",
            explain_summary(plans),
            "What if (search queries, median of 3 EXPLAIN ANALYZE, index rolled back)",
            proposal,
            json.dumps({k: v for k, v in summary.items() if k not in ("explain",)}, indent=1,
                       ensure_ascii=False)[:4000],
        ]
    )  # fmt: skip


if __name__ == "__main__":
    main()
