"""Benchmark of the deadline engine: one million due moments at once.

    PYTHONPATH=src python bench/deadlines.py [--n 1000000] [--loop-sample 10000]

Random receipts (seeded) at any second of 2024-2030 with limits of 1-30 working days are
run through ``WorkCalendar.due_bulk`` and compared with

* ``numpy.busday_offset`` on the same input, date-only, with the calendar's days off as
  ``holidays=``: the speed floor (it cannot represent a worked Saturday, office hours or
  the boundary rule, so its answers differ; it is only timed);
* a plain per-dossier loop over the ``holidays`` package's ``get_nth_working_day``, the
  loop a user would write without the engine (date-only too); timed on a sample and
  extrapolated to the full count;
* the engine's own one-at-a-time ``WorkCalendar.due``, on a sample, which must give
  exactly the same moments as ``due_bulk``.

Prints a markdown table; the numbers go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import holidays
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua.calendar import LimitKind, TimeLimit, WorkCalendar, build_calendar

YEARS = range(2024, 2031)
OFFSET = np.timedelta64(7, "h")  # Asia/Ho_Chi_Minh, UTC+7 all year


@dataclass
class Row:
    name: str
    what: str
    seconds: float  # for the full count (extrapolated when sample < count)
    peak_bytes: int | None
    note: str = ""


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def peak_memory(function: Callable[[], Any]) -> int:
    """Peak bytes allocated while ``function`` runs (numpy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def receipts(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    first = np.datetime64("2024-01-01T00:00:00", "s") - OFFSET
    last = np.datetime64("2031-01-01T00:00:00", "s") - OFFSET
    seconds = rng.integers(first.astype(np.int64), last.astype(np.int64), count)
    amounts = rng.integers(1, 31, count)
    return seconds.view("datetime64[s]"), amounts


def verify(
    calendar: WorkCalendar,
    received: np.ndarray,
    amounts: np.ndarray,
    due: np.ndarray,
    sample: int,
    seed: int,
) -> tuple[int, int, float]:
    """How many of ``sample`` random rows ``due()`` computes exactly as ``due_bulk``."""
    rng = np.random.default_rng(seed + 1)
    rows = rng.choice(received.size, size=min(sample, received.size), replace=False)
    zone = calendar.zone
    equal = 0
    started = time.perf_counter()
    for row in rows.tolist():
        moment = dt.datetime.fromtimestamp(int(received[row].astype(np.int64)), tz=zone)
        expected = calendar.due(moment, TimeLimit(LimitKind.WORKING_DAYS, int(amounts[row])))
        equal += int(expected.timestamp()) == int(due[row].astype(np.int64))
    return equal, rows.size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--loop-sample", type=int, default=10_000)
    parser.add_argument("--verify-sample", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20_240_311)
    args = parser.parse_args()
    count = args.n

    started = time.perf_counter()
    calendar = build_calendar(YEARS)
    calendar.due_bulk(np.array(["2024-03-11T02:00"], dtype="datetime64[s]"), "days", 1)
    build_seconds = time.perf_counter() - started

    received, amounts = receipts(count, args.seed)
    kind = LimitKind.WORKING_DAYS
    rows: list[Row] = []

    bulk_seconds, due = timed(lambda: calendar.due_bulk(received, kind, amounts), args.repeat)
    rows.append(
        Row(
            "`WorkCalendar.due_bulk`",
            "due moment (date + time), worked Saturdays, office hours",
            bulk_seconds,
            peak_memory(lambda: calendar.due_bulk(received, kind, amounts)),
        )
    )

    rng = np.random.default_rng(args.seed + 2)
    mixed_kinds = rng.integers(0, 4, count).astype(np.int8)
    mixed_amounts = np.where(mixed_kinds == LimitKind.SAME_DAY.code, 0, amounts)
    mixed_seconds, _ = timed(
        lambda: calendar.due_bulk(received, mixed_kinds, mixed_amounts), args.repeat
    )
    rows.append(
        Row(
            "`WorkCalendar.due_bulk`, four kinds mixed",
            "same, kinds given per dossier as codes",
            mixed_seconds,
            peak_memory(lambda: calendar.due_bulk(received, mixed_kinds, mixed_amounts)),
        )
    )

    # The floor: date-only, with the local receipt dates prepared outside the timing.
    dates = (received + OFFSET).astype("datetime64[D]")
    weekdays_off = sorted(d for d in calendar.days_off if d.weekday() < 5)
    busdays = np.busdaycalendar(
        weekmask="1111100", holidays=np.array(weekdays_off, dtype="datetime64[D]")
    )
    busday_seconds, _ = timed(
        lambda: np.busday_offset(dates, amounts, roll="forward", busdaycal=busdays), args.repeat
    )
    rows.append(
        Row(
            "`numpy.busday_offset` (floor)",
            "due date only; cannot work a Saturday",
            busday_seconds,
            peak_memory(
                lambda: np.busday_offset(dates, amounts, roll="forward", busdaycal=busdays)
            ),
        )
    )

    # The plain loop a user would write with the holidays package, on a sample.
    vietnam = holidays.country_holidays("VN", years=range(2024, 2032))
    sample = min(args.loop_sample, count)
    sample_dates = [d.item() for d in dates[:sample]]
    sample_amounts = amounts[:sample].tolist()

    def plain_loop() -> list[dt.date]:
        return [
            vietnam.get_nth_working_day(day, n)
            for day, n in zip(sample_dates, sample_amounts, strict=True)
        ]

    loop_seconds, _ = timed(plain_loop, 1)
    rows.append(
        Row(
            "plain loop over `holidays` `get_nth_working_day`",
            "due date only",
            loop_seconds * count / sample,
            None,
            f"timed on {sample:,}, extrapolated ×{count / sample:g}",
        )
    )

    equal, checked, scalar_seconds = verify(
        calendar, received, amounts, due, args.verify_sample, args.seed
    )
    rows.append(
        Row(
            "one-at-a-time `WorkCalendar.due`",
            "due moment (reference implementation)",
            scalar_seconds * count / checked,
            None,
            f"timed on {checked:,}, extrapolated ×{count / checked:g}",
        )
    )

    print(f"### {count:,} due moments, receipts 2024-2030, 1-30 working days, seed {args.seed}")
    print()
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, holidays "
        f"{holidays.__version__}, {platform.machine()} × {os.cpu_count()} CPUs; median of "
        f"{args.repeat} runs; calendar build {build_seconds * 1000:.0f} ms."
    )
    print()
    print("| method | computes | wall time | per dossier | peak memory | vs `due_bulk` | note |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        memory = "" if row.peak_bytes is None else f"{row.peak_bytes / 2**20:.0f} MiB"
        ratio = row.seconds / bulk_seconds
        print(
            f"| {row.name} | {row.what} | {row.seconds:.3f} s | "
            f"{row.seconds / count * 1e9:,.0f} ns | {memory} | {ratio:.2f}× | {row.note} |"
        )
    print()
    floor_ratio = bulk_seconds / busday_seconds
    loop_ratio = rows[3].seconds / bulk_seconds
    print(
        f"- `due_bulk` / `busday_offset`: **{floor_ratio:.2f}×** (target ≤ 2×): "
        f"{'met' if floor_ratio <= 2 else 'MISSED'}"
    )
    print(
        f"- plain loop / `due_bulk`: **{loop_ratio:,.0f}×** (target ≥ 100×): "
        f"{'met' if loop_ratio >= 100 else 'MISSED'}"
    )
    print(
        f"- `due()` = `due_bulk` on {checked:,} random rows: **{equal:,} / {checked:,} identical**"
    )
    if equal != checked:
        sys.exit("due() and due_bulk() disagree")


if __name__ == "__main__":
    main()
