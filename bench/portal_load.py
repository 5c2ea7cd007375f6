"""The citizen portal under load: the status lookup by QR link and the catalogue search.

    PYTHONPATH=src .venv/bin/python bench/portal_load.py [--db motcua_bench_office]
        [--users 200] [--duration 60] [--workers 4] [--samples 200] [--think 1 3]
        [--no-redis] [--keep]

Runs against the database of bench/office_generate.py (1,000,000 dossiers), with the
server and load tool of bench/office_load.py (``motcua run --workers 4`` on loopback,
production settings; locust, headless, ``--users`` clients), in two client models: a
closed loop (each client sends its next request as soon as it has the answer: the
server's saturation, where the latency is mostly the wait for a free worker) and clients
that think ``--think`` seconds (default 1–3, uniform) between requests, as a citizen
reading the page on a phone does:

* **status lookup** ``/tra-cuu/?ma=CODE&k=TOKEN``: the link printed as a QR code on every
  receipt, for 5,000 random real dossiers (every state but draft; a sample of the table),
  with the token computed by ``motcua.dossiers.public.status_token`` in this process with
  the server's ``SECRET_KEY``. Every request is a right one: a right QR lookup reads the
  per-address counter (one cache read) but never counts against it, so none may be
  refused with 429 (any non-200 answer is counted as a failure and shown);
* **catalogue search** ``/?q=WORD``: one word of a procedure name of the seed catalogue,
  half of them typed without accents ("khai", "kết", "hon");
* the **floor**: ``/healthz`` on the same server (``SELECT 1``, a small JSON answer).

The status lookup runs with the production default cache for rate limits, the database
cache (``MOTCUA_CACHE_URL`` empty), and again with Redis
(``MOTCUA_CACHE_URL=redis://127.0.0.1:6379/1``, needs ``pip install redis``) unless
``--no-redis``; each server gets its own floor run. Server time is measured in process as
in bench/office_load.py (test ``Client``, ``--samples`` requests per page, queries counted),
and under load from gunicorn's access log. Drops the database at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from office_generate import PG_BENCH_DB, VAR_DIR, configure, database_exists, drop_database
from office_load import (
    Server,
    load_table,
    machine_facts,
    run_locust,
    server_table,
    server_time,
)

REDIS_URL = "redis://127.0.0.1:6379/1"


def qr_paths(rng: random.Random, count: int = 5000) -> list[tuple[str, str]]:
    """Status links of ``count`` random submitted dossiers, as printed on the receipts."""
    from django.db import connection

    from motcua.dossiers.public import status_token

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM dossiers_dossier TABLESAMPLE SYSTEM (2) "
            "WHERE state <> 'draft' LIMIT %s",
            [count],
        )
        codes = [row[0] for row in cursor.fetchall()]
    rng.shuffle(codes)
    return [
        ("status lookup (QR)", "/tra-cuu/?" + urlencode({"ma": code, "k": status_token(code)}))
        for code in codes
    ]


def catalogue_paths() -> list[tuple[str, str]]:
    """One word of a procedure name per query, every other one without accents."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.text import normalize_vietnamese

    words = sorted(
        {
            word.strip(",.:;()").lower()
            for name in Procedure.objects.filter(is_active=True).values_list("name", flat=True)
            for word in name.split()
            if len(word.strip(",.:;()")) >= 2
        }
    )
    typed = [normalize_vietnamese(w) if i % 2 else w for i, w in enumerate(words)]
    return [("catalogue search", "/?" + urlencode({"q": w})) for w in typed]


def redis_available() -> str:
    """Empty when Redis answers on 127.0.0.1:6379 and the client is installed; else why not."""
    try:
        import redis  # noqa: F401 (the cache backend imports it)
    except ImportError:
        return "the redis package is not installed (.venv/bin/pip install 'redis>=5,<7')"
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return "Redis did not answer PING"
    except OSError as error:
        return f"Redis is not reachable on 127.0.0.1:6379 ({error})"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=PG_BENCH_DB)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200, help="in-process requests per page")
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument(
        "--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("LOW", "HIGH"),
        help="think time between a client's requests in the paced runs, seconds",
    )  # fmt: skip
    parser.add_argument("--no-redis", action="store_true", help="skip the run with Redis")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()
    configure(options.db)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    if not database_exists(options.db):
        raise SystemExit(f"no database {options.db}: run bench/office_generate.py first")
    import django

    django.setup()
    try:
        report = measure(options, random.Random(options.seed))
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            drop_database(options.db)
    print(report)


def measure(options, rng: random.Random) -> str:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM dossiers_dossier")
        dossiers = cursor.fetchone()[0]
    status = qr_paths(rng)
    catalogue = catalogue_paths()
    floor = [("floor /healthz", "/healthz")]
    facts = machine_facts()

    # 1. Server time in process (the database cache, as configured by default).
    in_process = server_time(
        {
            "floor /healthz": [("", p) for _n, p in floor],
            "status lookup (QR), database cache": [("", p) for _n, p in status],
            "catalogue search": [("", p) for _n, p in catalogue],
        },
        options.samples,
        rng,
    )

    # 2. Under load: the default (database) cache, then Redis.
    workdir = Path(tempfile.mkdtemp(prefix="portal-load-", dir=VAR_DIR))
    runs: dict[str, dict] = {}
    why_no_redis = "skipped (--no-redis)" if options.no_redis else redis_available()
    servers = [("database cache", {"MOTCUA_CACHE_URL": ""})]
    if not why_no_redis:
        servers.append(("Redis cache", {"MOTCUA_CACHE_URL": REDIS_URL}))
    think = (options.think[0], options.think[1])
    for cache, env in servers:
        server = Server(options.db, options.workers, env)
        try:
            server.warm([p for _n, p in floor * 4 + status[:8] + catalogue[:8]])
            scenarios = [("floor /healthz", floor), ("status lookup (QR)", status)]
            if cache == "database cache":
                scenarios.append(("catalogue search", catalogue))
            # Closed loop: the saturation of the server. With a think time: citizens
            # reading the page they got before the next one, the load the target is for.
            models = [("closed loop", None)]
            if cache == "database cache":
                models.append((f"think time {think[0]:g}–{think[1]:g} s", think))
            for model, wait in models:
                results = {}
                for name, paths in scenarios:
                    tag = f"{cache.split()[0]}-{'paced' if wait else 'closed'}-{name.split()[0]}"
                    results[name] = run_locust(
                        server, tag, paths, sessions=[], users=options.users,
                        duration=options.duration, workdir=workdir, wait=wait,
                    )  # fmt: skip
                    time.sleep(2)
                runs[f"{cache}, {model}"] = results
        finally:
            server.stop()

    summary = {
        "dossiers": dossiers,
        "lookup_attempts_setting": settings.MOTCUA_LOOKUP_ATTEMPTS,
        "status_links": len(status),
        "catalogue_queries": len(catalogue),
        "in_process": in_process,
        "load": runs,
        "redis": why_no_redis or "measured",
    }
    (VAR_DIR / "portal-load.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    parts = [
        facts,
        f"{dossiers:,} dossiers; {len(status):,} status links; {len(catalogue)} catalogue "
        f"words; MOTCUA_LOOKUP_ATTEMPTS={settings.MOTCUA_LOOKUP_ATTEMPTS} (default)",
    ]
    for run, results in runs.items():
        parts += [
            f"Under load, {run}: {options.users} users, {options.duration} s per scenario, "
            f"{options.workers} gunicorn workers",
            load_table(results, "floor /healthz"),
        ]
    if why_no_redis:
        parts.append(f"Redis: {why_no_redis}")
    parts += [
        f"Server time in process, {options.samples} requests per page, one at a time",
        server_table(in_process, options.target_ms),
    ]
    return "\n\n".join(parts)


if __name__ == "__main__":
    main()
