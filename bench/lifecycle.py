"""Benchmark of the dossier lifecycle through the service layer: transitions per second.

    PYTHONPATH=src python bench/lifecycle.py [--n 300] [--warmup 20] [--db sqlite postgres]

Each lifecycle is nine service calls, each appending one event to the dossier's hash
chain: ``dossier_submit`` → ``dossier_receive`` → ``step_assign`` → ``step_hand_over``
(appraise → consult) → ``step_hand_over`` (consult → review) → ``dossier_propose_result``
(a 4 KB draft PDF; review → approve) → ``dossier_approve`` → ``dossier_mark_result_ready``
→ ``dossier_return``, on a seven-step process (receive, assign, appraise, consult, review,
approve, return), so three processing steps are traversed.

Every database runs in a subprocess of this script (``--child``) with its own throwaway
database: a temporary SQLite file, or a PostgreSQL database ``motcua_bench`` created and
dropped on 127.0.0.1:5432. Each child migrates, loads the administrative units, creates
the procedure, agency and officers, runs the warm-up (not measured), then measures:

* the lifecycles: every service call is timed; transitions/s is the number of calls
  divided by the wall time of the lifecycles;
* beside them, in the same process and on the same database, the raw insert rate: rows
  copied from a real event into a scratch table with the event table's columns and
  indexes,
  (a) ``cursor.execute`` of one INSERT in autocommit mode, i.e. one committed INSERT per
  transaction, and (b) ``Model.objects.create`` inside ``transaction.atomic()`` per row;
  nine of each after every lifecycle, so that both see the same load on the machine;
* queries per transition (``connection.execute_wrapper``), the share of a transition
  spent in SQL and in COMMIT, and the mean time of each statement by what it is, on a
  separate pass; on PostgreSQL, that pass again with ``synchronous_commit = off`` on this
  connection, to tell the COMMIT's wait for the WAL flush from the rest (a diagnosis: the
  services always commit durably);
* ``verify-chain`` over every event created (``call_command``, in process);
* the peak RSS of the child (``resource.getrusage``).

Slips are rendered by a background task after commit; the children set
``MOTCUA_TASK_BACKEND`` to Django's dummy backend so no PDF is rendered here (the worker
renders them off the request path). Prints a markdown table; the numbers go into
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_ADMIN_DB = "test"  # connected to for CREATE / DROP DATABASE
PG_BENCH_DB = "motcua_bench"
TASK_BACKEND = "django.tasks.backends.dummy.DummyBackend"
HUE = 46  # Thành phố Huế, province code in the two-level dataset
LIMIT_DAYS = 5
# The seven steps and their budgets in working hours; they add up to 5 days × 8 hours.
STEPS = (
    ("receive", "counter_officer", 1),
    ("assign", "head_of_department", 2),
    ("appraise", "specialist", 16),
    ("consult", "specialist", 8),
    ("review", "specialist", 8),
    ("approve", "leader", 4),
    ("return", "counter_officer", 1),
)
# A small but well-formed PDF of about 4 KB: the draft result uploaded with the proposal.
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    + b"% draft result, padding to a realistic size\n" * 90
    + b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
SERVICES = (
    "dossier_submit",
    "dossier_receive",
    "step_assign",
    "step_hand_over appraise→consult",
    "step_hand_over consult→review",
    "dossier_propose_result",
    "dossier_approve",
    "dossier_mark_result_ready",
    "dossier_return",
)


# -- child: one database -----------------------------------------------------------------


def configure(db: str, workdir: Path) -> None:
    """Point the settings at a throwaway database before Django is set up."""
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        url = f"{PG_SERVER}/{PG_BENCH_DB}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "MOTCUA_DEMO": "1",
            "MOTCUA_VAR_DIR": str(workdir),  # demo key and uploaded files stay in workdir
            "MOTCUA_TASK_BACKEND": TASK_BACKEND,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
        }
    )


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
        admin.execute(statement)


class Staff:
    """The procedure, the commune's agency and its officers (as tests/dossiers/conftest.py)."""

    def __init__(self) -> None:
        from motcua.catalog.models import Procedure, Process, ProcessStep
        from motcua.dossiers.services import Applicant
        from motcua.units.models import AgencyKind, Dataset, Level, Role, Unit
        from motcua.units.services import agency_create, officer_create, role_grant

        province = Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE, code=HUE)
        commune = Unit.objects.filter(province=province, level=Level.COMMUNE).order_by("code")[0]
        self.agency = agency_create(
            unit=commune,
            name=f"UBND {commune.name}",
            kind=AgencyKind.COMMUNE_OFFICE,
            identifier="000.01.30.H57",
        )

        def officer(username: str, full_name: str, role: str):
            user = officer_create(
                username=username, password=None, full_name=full_name, agency=self.agency
            )
            role_grant(user=user, role=Role(role), unit=commune)
            return user

        self.counter = officer("counter", "Trần Thị Thu Hà", Role.COUNTER_OFFICER)
        self.head = officer("head", "Lê Văn Minh", Role.HEAD_OF_DEPARTMENT)
        self.specialists = [
            officer(f"specialist{i}", f"Chuyên viên {name}", Role.SPECIALIST)
            for i, name in enumerate(("Hoàng Anh", "Ngọc Lan", "Quốc Bảo"), start=1)
        ]
        self.leader = officer("leader", "Phạm Quốc Hùng", Role.LEADER)
        self.procedure = Procedure.objects.create(
            code="1.001193",
            name="Đăng ký khai sinh",
            field="Hộ tịch",
            level="commune",
            competent_agency="Ủy ban nhân dân cấp xã",
            limit_kind="days",
            limit_amount=LIMIT_DAYS,
            limit_source="Luật Hộ tịch 2014, Điều 16",
            supplement_rule="restart",
            fee_vnd=0,
            result_type="Giấy khai sinh",
            online_level="full",
        )
        process = Process.objects.create(
            procedure=self.procedure, agency=None, name="Quy trình đăng ký khai sinh"
        )
        for order, (kind, role, hours) in enumerate(STEPS, start=1):
            ProcessStep.objects.create(
                process=process, order=order, kind=kind, role=role, budget_hours=hours
            )
        process.check_steps()
        self.applicant = Applicant(
            name="Nguyễn Thị Ngọc Ánh",
            id_number="046190001234",
            phone="0912345678",
            address="Số 12 đường Lê Lợi, phường Phú Xuân, thành phố Huế",
        )


def lifecycle(
    staff: Staff,
    timings: list[float],
    per_service: dict[str, list[float]],
    before: Callable[[str], None] | None = None,
) -> None:
    """One dossier from submission to return: nine service calls, nine events.

    Each call's time goes to ``timings`` and ``per_service``; ``before`` hears the name of
    the call about to start (the query-counting pass uses it)."""
    from motcua.dossiers import services as s
    from motcua.dossiers.models import Channel, State

    first, second, third = staff.specialists
    calls: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
        (
            "dossier_submit",
            s.dossier_submit,
            {
                "procedure": staff.procedure,
                "receiving_agency": staff.agency,
                "applicant": staff.applicant,
                "channel": Channel.COUNTER,
                "user": staff.counter,
            },
        ),
        ("dossier_receive", s.dossier_receive, {"user": staff.counter}),
        ("step_assign", s.step_assign, {"user": staff.head, "assignee": first}),
        ("step_hand_over appraise→consult", s.step_hand_over, {"user": first, "to_user": second}),
        ("step_hand_over consult→review", s.step_hand_over, {"user": second, "to_user": third}),
        (
            "dossier_propose_result",
            s.dossier_propose_result,
            {"user": third, "file_name": "du-thao-ket-qua.pdf", "content": PDF},
        ),
        ("dossier_approve", s.dossier_approve, {"user": staff.leader}),
        ("dossier_mark_result_ready", s.dossier_mark_result_ready, {"user": staff.counter}),
        ("dossier_return", s.dossier_return, {"user": staff.counter}),
    ]
    dossier = None
    for name, service, arguments in calls:
        if dossier is not None:
            arguments = {"dossier": dossier, **arguments}
        if before is not None:
            before(name)
        started = time.perf_counter()
        dossier = service(**arguments)
        elapsed = time.perf_counter() - started
        timings.append(elapsed)
        per_service[name].append(elapsed)
    if dossier.state != State.RETURNED or dossier.event_count != len(calls):
        raise SystemExit(f"lifecycle ended in {dossier.state} with {dossier.event_count} events")


def scratch_model():
    """The columns and indexes of ``dossiers_dossierevent`` (the foreign keys' indexes
    included) without the foreign key constraints: the baseline needs no dossier rows."""
    from django.db import connection, models

    class ScratchEvent(models.Model):
        dossier_id = models.BigIntegerField(db_index=True)
        seq = models.PositiveIntegerField()
        at = models.DateTimeField()
        actor_id = models.BigIntegerField(null=True, db_index=True)
        actor_name = models.CharField(max_length=200, blank=True)
        unit_id = models.BigIntegerField(null=True, db_index=True)
        action = models.CharField(max_length=24)
        from_state = models.CharField(max_length=24, blank=True)
        to_state = models.CharField(max_length=24)
        payload = models.JSONField(default=dict)
        prev_hash = models.CharField(max_length=64)
        hash = models.CharField(max_length=64)

        class Meta:
            app_label = "bench"
            db_table = "bench_scratch_event"
            constraints = [
                models.UniqueConstraint(fields=["dossier_id", "seq"], name="bench_scratch_seq")
            ]

        def __str__(self) -> str:
            return f"{self.dossier_id}#{self.seq}"

    with connection.schema_editor() as editor:
        editor.create_model(ScratchEvent)
    return ScratchEvent


def typical_event() -> dict[str, Any]:
    """The columns of a real hand-over event of the run, to give the scratch rows its width."""
    from motcua.dossiers.models import Action, DossierEvent

    event = DossierEvent.objects.filter(action=Action.HAND_OVER).order_by("pk").first()
    return {
        "at": event.at,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "unit_id": event.unit_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


class Baseline:
    """One committed INSERT per transaction into the scratch table, two ways."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.model = scratch_model()
        self.row = row
        self.next_key = 0
        self.raw: list[float] = []
        self.orm: list[float] = []

    def measure(self, count: int) -> None:
        from django.db import connection, transaction

        table = self.model._meta.db_table
        columns = ["dossier_id", "seq", *self.row]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (fixed names)
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        # The values as the ORM would send them: JSON text, the backend's datetime format.
        adapted = {
            **self.row,
            "payload": json.dumps(self.row["payload"], ensure_ascii=False),
            "at": connection.ops.adapt_datetimefield_value(self.row["at"]),
        }
        values = list(adapted.values())
        # (a) the driver's floor: autocommit, so each INSERT is its own committed transaction.
        with connection.cursor() as cursor:
            for _ in range(count):
                self.next_key += 1
                started = time.perf_counter()
                cursor.execute(sql, [self.next_key, 1, *values])
                self.raw.append(time.perf_counter() - started)
        # (b) the path a transition takes: the ORM inside transaction.atomic().
        for _ in range(count):
            self.next_key += 1
            started = time.perf_counter()
            with transaction.atomic():
                self.model.objects.create(dossier_id=self.next_key, seq=1, **self.row)
            self.orm.append(time.perf_counter() - started)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "count": len(ordered),
        "total": sum(ordered),
        "mean": statistics.fmean(ordered),
        "p50": ordered[len(ordered) // 2],
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
    }


def statement_label(sql: str) -> str:
    """A short name for a statement: its verb and table (the event statement, which also
    updates the dossier and what rides with it, and the indicator facts' statements by
    what they are)."""
    words = sql.replace('"', "").split()
    upper = [word.upper() for word in words]
    verb = upper[0]
    if verb == "WITH" and "dossiers_dossierevent" in words[:8]:
        return "event INSERT + dossier UPDATE (one statement)"
    if verb == "WITH" and words[1] == "delta":
        return "indicator facts (one statement)"
    if any(w in {"delta", "temp.delta"} or w.startswith("insights_") for w in words[:8]):
        # SQLite: the delta in a temporary table, then one statement per facts table.
        return "indicator facts (SQLite: its statements)"
    if verb == "UPDATE":
        return f"UPDATE {words[1]}"
    for index, word in enumerate(upper):
        if word in {"FROM", "INTO"} and index + 1 < len(words):
            suffix = " FOR UPDATE" if "UPDATE" in upper[-3:] else ""
            return f"{verb} {words[index + 1]}{suffix}"
    return verb


@contextmanager
def timed_commits(connection, record: Callable[[float], None]):
    """Hand ``record`` the seconds of every COMMIT of ``connection`` inside the block."""
    original_commit = connection._commit

    def timed_commit():
        started = time.perf_counter()
        try:
            return original_commit()
        finally:
            record(time.perf_counter() - started)

    connection._commit = timed_commit
    try:
        yield
    finally:
        del connection._commit


def count_queries(staff: Staff, lifecycles: int) -> dict[str, Any]:
    """Queries, SQL time and COMMIT time per service, on a pass of its own; the time of
    each statement; on PostgreSQL, a second pass timing COMMIT without waiting for the WAL
    flush (``synchronous_commit = off`` for this connection, a diagnosis only: the product
    always commits durably)."""
    from django.db import connections

    connection = connections["default"]
    current = {"name": ""}
    statements: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = defaultdict(int)
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sql_seconds: dict[str, float] = defaultdict(float)
    commit_seconds: dict[str, float] = defaultdict(float)
    commits: dict[str, int] = defaultdict(int)

    def wrapper(execute, sql, params, many, context):
        name = current["name"]
        kind = sql.split(None, 1)[0].upper()
        kinds[name][kind] += 1
        # SQLite's BEGIN IMMEDIATE passes through here, psycopg's implicit BEGIN does not:
        # count the statements of the transaction itself on both.
        queries[name] += kind != "BEGIN"
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            sql_seconds[name] += elapsed
            statements[statement_label(sql)].append(elapsed)

    def commit_timed(seconds: float) -> None:
        commit_seconds[current["name"]] += seconds
        commits[current["name"]] += 1
        statements["COMMIT"].append(seconds)

    per_service: dict[str, list[float]] = defaultdict(list)

    def announce(name: str) -> None:
        current["name"] = name

    with timed_commits(connection, commit_timed), connection.execute_wrapper(wrapper):
        for _ in range(lifecycles):
            lifecycle(staff, [], per_service, before=announce)
    transitions = lifecycles * len(SERVICES)
    total = sum(per_service[name][i] for name in SERVICES for i in range(lifecycles))
    asynchronous = None
    if connection.vendor == "postgresql":
        asynchronous = asynchronous_commit(staff, lifecycles)
    return {
        "statements": {
            label: {"per_transition": len(times) / transitions, "mean": statistics.fmean(times)}
            for label, times in sorted(statements.items(), key=lambda item: -sum(item[1]))
        },
        "asynchronous_commit": asynchronous,
        "lifecycles": lifecycles,
        "per_transition": sum(queries[n] for n in SERVICES) / transitions,
        "sql_share": sum(sql_seconds[n] for n in SERVICES) / total,
        "commit_share": sum(commit_seconds[n] for n in SERVICES) / total,
        "commits_per_transition": sum(commits[n] for n in SERVICES) / transitions,
        # What the database round trips alone take per transition, driver included.
        "database_seconds": sum(sql_seconds[n] + commit_seconds[n] for n in SERVICES) / transitions,
        "per_service": {
            name: {
                "queries": queries[name] / lifecycles,
                "kinds": {k: v / lifecycles for k, v in sorted(kinds[name].items())},
                "mean": statistics.fmean(per_service[name]),
            }
            for name in SERVICES
        },
    }


def asynchronous_commit(staff: Staff, lifecycles: int) -> float:
    """The mean COMMIT of a pass with ``synchronous_commit = off`` on this connection."""
    from django.db import connection

    seconds: list[float] = []
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        with timed_commits(connection, seconds.append):
            for _ in range(lifecycles):
                lifecycle(staff, [], defaultdict(list))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    return statistics.fmean(seconds)


def database_facts(db: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            (version,) = cursor.fetchone()
            cursor.execute("PRAGMA journal_mode")
            (journal,) = cursor.fetchone()
            cursor.execute("PRAGMA synchronous")
            (synchronous,) = cursor.fetchone()
            names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
            return f"SQLite {version} (journal_mode={journal}, synchronous={names[synchronous]})"
        settings = {}
        for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers"):
            cursor.execute(f"SHOW {name}")
            (settings[name],) = cursor.fetchone()
        return (
            f"PostgreSQL {settings['server_version'].split()[0]} over TCP on 127.0.0.1 "
            f"(fsync={settings['fsync']}, synchronous_commit={settings['synchronous_commit']}, "
            f"shared_buffers={settings['shared_buffers']})"
        )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    from motcua.dossiers.models import DossierEvent
    from motcua.units.loading import load_units

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_units()
    staff = Staff()
    setup_seconds = time.perf_counter() - started
    log(f"{args.db}: set up in {setup_seconds:.1f} s; warm-up of {args.warmup} lifecycles")

    per_service: dict[str, list[float]] = defaultdict(list)
    for _ in range(max(args.warmup, 1)):
        lifecycle(staff, [], per_service)
    rss_after_setup = peak_rss_mib()

    baseline = Baseline(typical_event())
    baseline.measure(len(SERVICES))  # warm-up of the baseline, discarded
    baseline.raw.clear()
    baseline.orm.clear()

    log(f"{args.db}: {args.n} lifecycles")
    timings: list[float] = []
    per_service = defaultdict(list)
    wall = 0.0
    load_before = os.getloadavg()
    cpu = 0.0
    for _ in range(args.n):
        started, started_cpu = time.perf_counter(), time.process_time()
        lifecycle(staff, timings, per_service)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        # The baseline is interleaved, as many inserts as transitions, so that both see
        # the same machine when other work comes and goes.
        baseline.measure(len(SERVICES))
    load_after = os.getloadavg()

    queries = count_queries(staff, args.count_n)

    events = DossierEvent.objects.count()
    started = time.perf_counter()
    call_command("verify_chain", stdout=io.StringIO())
    verify_seconds = time.perf_counter() - started

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile_n):
            lifecycle(staff, [], defaultdict(list))
        profiler.disable()
        # The raw statistics too, for pstats' callers and callees.
        profiler.dump_stats(f"{args.profile}.prof")
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        Path(args.profile).write_text(stream.getvalue())
        log(f"{args.db}: profile of {args.profile_n} lifecycles written to {args.profile}")

    return {
        "db": args.db,
        "facts": database_facts(args.db),
        "django": django.__version__,
        "setup_seconds": setup_seconds,
        "lifecycles": args.n,
        "warmup": args.warmup,
        "transitions": len(timings),
        "wall": wall,
        "cpu": cpu,
        "load": [load_before[0], load_after[0]],
        "transition": summary(timings),
        "per_service": {name: summary(per_service[name]) for name in SERVICES},
        "raw": summary(baseline.raw),
        "orm": summary(baseline.orm),
        "queries": queries,
        "events": events,
        "verify_seconds": verify_seconds,
        "rss_after_setup": rss_after_setup,
        "rss_peak": peak_rss_mib(),
    }


def child(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    configure(args.db, workdir)
    if args.db == "postgres":
        # Without FORCE: a database left by a crashed run goes, one in use by a run still
        # going makes this one fail instead of killing it.
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
    try:
        result = run_child(args)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.db == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- parent: one subprocess per database, one table ----------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def report(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    print(
        f"### {args.n} lifecycles × {len(SERVICES)} transitions per database, "
        f"warm-up of {args.warmup} excluded"
    )
    print()
    print(
        f"Python {platform.python_version()}, Django {results[0]['django']}, "
        f"{platform.machine()} × {os.cpu_count()} CPUs ({cpu_model()}), "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM."
    )
    for result in results:
        low, high = result["load"]
        print(
            f"{names[result['db']]}: {result['facts']}; load average {low:.1f} → {high:.1f} "
            "during the run."
        )
    print()
    print("| database | what | operations | wall time | per second | mean | p50 | p95 | vs raw |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        name = names[result["db"]]
        rate = result["transitions"] / result["wall"]
        rows = [
            ("lifecycle transitions (service calls)", result["transition"], result["wall"]),
            ("raw: `cursor.execute` INSERT, autocommit", result["raw"], None),
            ("ORM: `objects.create` in `atomic()`", result["orm"], None),
        ]
        raw_rate = result["raw"]["count"] / result["raw"]["total"]
        for what, stats, wall in rows:
            wall = stats["total"] if wall is None else wall
            per_second = stats["count"] / wall
            ratio = per_second / raw_rate
            print(
                f"| {name} | {what} | {stats['count']:,} | {wall:.2f} s | "
                f"{per_second:,.0f} | {ms(stats['mean'])} | {ms(stats['p50'])} | "
                f"{ms(stats['p95'])} | {ratio:.3f}× |"
            )
        result["rate"] = rate
        result["raw_rate"] = raw_rate
        result["orm_rate"] = result["orm"]["count"] / result["orm"]["total"]
    print()
    print(
        "| database | queries / transition | COMMITs / transition | time in SQL | "
        "time in COMMIT | rest (Python) | CPU of this process | peak RSS (after setup) | "
        "verify-chain |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        q = result["queries"]
        verify_rate = result["events"] / result["verify_seconds"]
        print(
            f"| {names[result['db']]} | {q['per_transition']:.1f} | "
            f"{q['commits_per_transition']:.2f} | {q['sql_share']:.0%} | "
            f"{q['commit_share']:.0%} | {1 - q['sql_share'] - q['commit_share']:.0%} | "
            f"{ms(result['cpu'] / result['transitions'])} per transition | "
            f"{result['rss_peak']:.0f} MiB "
            f"({result['rss_after_setup']:.0f} MiB) | {result['events']:,} events in "
            f"{result['verify_seconds']:.2f} s, {verify_rate:,.0f}/s |"
        )
    print()
    header = " | ".join(f"{names[r['db']]} mean | queries" for r in results)
    print(f"| service | {header} |")
    print("| --- |" + " ---: | ---: |" * len(results))
    for service in SERVICES:
        cells = " | ".join(
            f"{ms(r['per_service'][service]['mean'])} | "
            f"{r['queries']['per_service'][service]['queries']:.0f}"
            for r in results
        )
        print(f"| `{service}` | {cells} |")
    print()
    for result in results:
        name = names[result["db"]]
        print(
            f"- {name}: **{result['rate']:,.0f} transitions/s**; transitions/s ÷ raw "
            f"inserts/s = **{result['rate'] / result['raw_rate']:.3f}** "
            f"(÷ ORM inserts/s = {result['rate'] / result['orm_rate']:.3f})"
        )
    for result in results:
        name = names[result["db"]]
        database = result["queries"]["database_seconds"]
        print(
            f"- {name}: the statements and the COMMIT alone take {database * 1000:.2f} ms a "
            f"transition (counting pass, driver included): at most {1 / database:,.0f} "
            "transitions/s were the rest of the service free"
        )
    for result in results:
        name = names[result["db"]]
        asynchronous = result["queries"]["asynchronous_commit"]
        if asynchronous is not None:
            durable = result["queries"]["statements"]["COMMIT"]["mean"]
            print(
                f"- {name}: a COMMIT takes {ms(durable)}; {ms(asynchronous)} on a pass with "
                "`synchronous_commit = off` (diagnosis only): waiting for the WAL flush is "
                f"{ms(max(durable - asynchronous, 0))} of every transition"
            )
    print()
    print("| database | statement | per transition | mean | per transition, total |")
    print("| --- | --- | ---: | ---: | ---: |")
    for result in results:
        for label, row in result["queries"]["statements"].items():
            print(
                f"| {names[result['db']]} | {label} | {row['per_transition']:.2f} | "
                f"{ms(row['mean'])} | {ms(row['mean'] * row['per_transition'])} |"
            )
    print()
    for result in results:
        if result["db"] == "postgres":
            met = "met" if result["rate"] >= args.target else "MISSED"
            print(f"- PostgreSQL target ≥ {args.target} transitions/s: {met}")


def parent(args: argparse.Namespace) -> None:
    results = []
    for db in args.db:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            "--db",
            db,
            "--n",
            str(args.n),
            "--warmup",
            str(args.warmup),
            "--count-n",
            str(args.count_n),
        ]
        if args.profile:
            command += ["--profile", f"{args.profile}.{db}.txt", "--profile-n", str(args.profile_n)]
        log(f"running {db}")
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    report(args, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="measured lifecycles per database")
    parser.add_argument("--warmup", type=int, default=20, help="lifecycles run before timing")
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"]
    )
    parser.add_argument(
        "--count-n", type=int, default=20, help="lifecycles of the query-counting pass"
    )
    parser.add_argument("--profile", help="write a cProfile summary to PROFILE.<db>.txt")
    parser.add_argument("--profile-n", type=int, default=100)
    parser.add_argument("--target", type=int, default=500, help="PostgreSQL transitions/s")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.db = args.db[0] if isinstance(args.db, list) else args.db
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
