"""Helpers shared by the calendar tests (a plain module, so the tests need no conftest)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from motcua.calendar import LimitKind, TimeLimit, WorkCalendar, build_calendar

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CASES_FILE = Path("data") / "deadline-cases.csv"

# One calendar for the whole suite: receipts 2024-2030, plus build_calendar's margin year.
CALENDAR: WorkCalendar = build_calendar(range(2024, 2031))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A local (Asia/Ho_Chi_Minh) moment."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def utc64(moment: dt.datetime) -> np.datetime64:
    """An aware datetime as the UTC ``datetime64[s]`` that ``due_bulk`` takes."""
    return np.datetime64(moment.astimezone(dt.UTC).replace(tzinfo=None), "s")


def from_utc64(value: np.datetime64) -> dt.datetime:
    seconds = int(value.astype("datetime64[s]").astype(np.int64))
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).astimezone(ZONE)


def shared_dir() -> Path:
    """The project's ``shared`` folder: $MOTCUA_SHARED_DIR, else the checkout's sibling.

    CI clones the project with ``shared/`` beside it; a worktree elsewhere can set the
    variable. Missing data is an error, never a skip: the reference cases are the spec.
    """
    configured = os.environ.get("MOTCUA_SHARED_DIR")
    if configured:
        candidates = [Path(configured)]
    else:
        repo_root = Path(__file__).resolve().parents[2]
        candidates = [repo_root.parent / "shared"] + [
            parent / "shared" for parent in repo_root.parents
        ]
    for candidate in candidates:
        if (candidate / CASES_FILE).is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates[:3])
    raise FileNotFoundError(
        f"Cannot find {CASES_FILE} under the shared folder (looked in {searched}); "
        "set MOTCUA_SHARED_DIR to the folder that holds data/deadline-cases.csv."
    )


@dataclass(frozen=True)
class ReferenceCase:
    received: dt.datetime
    limit: TimeLimit
    due: dt.datetime
    note: str


def reference_cases() -> list[ReferenceCase]:
    """The rows of shared/data/deadline-cases.csv (received is local time)."""
    with (shared_dir() / CASES_FILE).open(encoding="utf-8", newline="") as handle:
        return [
            ReferenceCase(
                received=dt.datetime.fromisoformat(row["received"]).replace(tzinfo=ZONE),
                limit=TimeLimit(LimitKind(row["limit"]), int(row["n"])),
                due=dt.datetime.fromisoformat(row["due"]),
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        ]
