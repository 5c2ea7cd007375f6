"""Generate a province's dossiers and events in bulk, for the indicator benchmark and tests.

    PYTHONPATH=src python bench/insights_generate.py --n 1000000 [--years 5] [--keep]

Creates (and drops first) the PostgreSQL database ``motcua_bench_insights`` on
127.0.0.1:5432, migrates it, loads the administrative units, sets up one province (Hà Nội,
126 communes in the two-level model) with a commune office per commune, provincial
departments and a service center, officers and a catalogue of procedures, then writes
``--n`` dossiers over ``--years`` years ending now with ``COPY``, and computes their facts
with ``motcua insights rebuild``. Prints the timings as JSON (docs/benchmarks.md).

The simulation is vectorised with numpy and shared with the test suite
(tests/insights/test_rebuild.py inserts 100,000 dossiers on SQLite with ``executemany``):

* submissions on working days (Vietnamese holidays from the ``holidays`` package) between
  07:30 and 16:30, volume growing 10% a year; procedures drawn from a Zipf-like mix
  (certification and civil status dominate), 25% of them provincial (decided by a
  department, received at the provincial center or, under Decree 118/2025, at any
  commune desk);
* channels per commune around 65% online, 8% assisted by a digital helper, 25% at the
  counter, 2% by post; fees on 40% of procedures, paid online by 75% of online
  applicants;
* lifecycles: 83% straight through (submit, receive, assign, propose, approve, result,
  return), 6% one supplement after receipt, 1% two, 2% refused at intake, 1.5% withdrawn,
  0.3% stopped, 3% transferred to another agency and answered, 3% reassigned, 0.5% a
  deadline moved by a calendar change; each commune has its own late propensity (mean
  about 6%), a late result gets an apology in 60% of cases;
* events after "now" are cut: the dossiers of the last weeks are still in progress.

Event hashes are placeholders (64 zeros): the chain is not verified here and computing
70 million SHA-256 would only slow the generator down; the row sizes are realistic. The
bulk load writes them as the columns' defaults (``SERVER_FILLED``) rather than in the
``COPY`` text.
"""

# ruff: noqa: S608 (SQL built from fixed table and column names; values are parameters)
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import queue
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_ADMIN_DB = "test"
PG_BENCH_DB = "motcua_bench_insights"
HA_NOI = 1
OFFSET = np.timedelta64(7 * 3600, "s")  # Asia/Ho_Chi_Minh is UTC+7 all year
ZERO_HASH = "0" * 64
DOSSIER_TABLES = ("dossiers_dossier", "dossiers_dossierevent", "dossiers_dossierdocument")

ACTIONS = (
    "submit",
    "receive",
    "refuse",
    "request_supplement",
    "complete_supplement",
    "assign",
    "propose",
    "approve",
    "result_ready",
    "reject",
    "return",
    "withdraw",
    "stop",
    "apologize",
    "transfer",
    "answer",
    "deadline_moved",
)
A = {name: i for i, name in enumerate(ACTIONS)}
CHANNELS = ("online", "assisted", "counter", "postal")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Đức Huy", "Thu Lan")


@dataclass
class Universe:
    """The ids the generated rows point at (set up once per database)."""

    province: int
    commune_units: np.ndarray  # unit id per commune
    commune_agencies: np.ndarray  # commune office agency id per commune
    center: int  # provincial service center agency id
    departments: np.ndarray  # provincial department agency ids
    agency_unit: dict[int, int]
    agency_identifier: dict[int, str]
    counters: dict[int, np.ndarray]  # receiving agency → counter officers
    specialists: dict[int, np.ndarray]  # competent agency → specialists
    leaders: dict[int, int]
    procedures: np.ndarray
    procedure_limit: np.ndarray  # working days
    procedure_fee: np.ndarray
    procedure_provincial: np.ndarray  # bool
    procedure_department: np.ndarray  # index into departments
    procedure_weight: np.ndarray


def build_universe(
    *, province_code: int = HA_NOI, communes: int | None = None, procedures: int = 60, prefix="B"
) -> Universe:
    """Agencies, officers and procedures for one province (Django ORM; idempotent)."""
    from motcua.catalog.models import Procedure
    from motcua.units.models import AgencyKind, Dataset, Level, Role, Unit, User
    from motcua.units.services import agency_create, role_grant

    province = Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE, code=province_code)
    units = list(
        Unit.objects.filter(province=province, level=Level.COMMUNE).order_by("code")[:communes]
    )
    rng = np.random.default_rng(7)
    agency_unit: dict[int, int] = {}
    identifier: dict[int, str] = {}
    counters: dict[int, np.ndarray] = {}
    specialists: dict[int, np.ndarray] = {}
    leaders: dict[int, int] = {}

    def officers(agency, unit, role, count, tag):
        ids = []
        for i in range(count):
            user, _created = User.objects.get_or_create(
                username=f"{prefix}{tag}{agency.pk}_{i}",
                defaults={
                    "first_name": GIVEN[i % len(GIVEN)],
                    "last_name": FAMILY[i % 10],
                    "agency": agency,
                },
            )
            role_grant(user=user, role=role, unit=unit)
            ids.append(user.pk)
        return np.array(ids, dtype=np.int64)

    def agency(unit, name, kind, ident):
        a = agency_create(unit=unit, name=name, kind=kind, identifier=ident)
        agency_unit[a.pk] = unit.pk
        identifier[a.pk] = ident
        return a

    commune_agencies = []
    for n, unit in enumerate(units):
        a = agency(unit, f"UBND {unit.name}", AgencyKind.COMMUNE_OFFICE, f"{prefix}.{n:03d}.H01")
        commune_agencies.append(a.pk)
        counters[a.pk] = officers(a, unit, Role.COUNTER_OFFICER, 2, "c")
        specialists[a.pk] = officers(a, unit, Role.SPECIALIST, 4, "s")
        leaders[a.pk] = int(officers(a, unit, Role.LEADER, 1, "l")[0])
    center = agency(
        province,
        "Trung tâm Phục vụ hành chính công",
        AgencyKind.SERVICE_CENTER,
        f"{prefix}.000.C01",
    )
    counters[center.pk] = officers(center, province, Role.COUNTER_OFFICER, 12, "c")
    departments = []
    for n, name in enumerate(
        (
            "Sở Tư pháp",
            "Sở Xây dựng",
            "Sở Nông nghiệp và Môi trường",
            "Sở Công Thương",
            "Sở Y tế",
            "Sở Giáo dục và Đào tạo",
            "Sở Tài chính",
            "Sở Nội vụ",
        )
    ):
        a = agency(province, name, AgencyKind.DEPARTMENT, f"{prefix}.{n:03d}.S01")
        departments.append(a.pk)
        specialists[a.pk] = officers(a, province, Role.SPECIALIST, 10, "s")
        leaders[a.pk] = int(officers(a, province, Role.LEADER, 1, "l")[0])
    limits = np.array([1, 2, 3, 3, 5, 5, 7, 10, 15, 20])
    procs, limit, fee, provincial, dept = [], [], [], [], []
    for i in range(procedures):
        is_provincial = i % 4 == 3
        days = int(limits[rng.integers(len(limits))]) if i > 1 else (1 if i == 0 else 3)
        amount = int(rng.choice([0, 0, 0, 10_000, 20_000, 50_000, 100_000]))
        p, _created = Procedure.objects.get_or_create(
            code=f"{prefix}.{i:06d}",
            defaults={
                "name": f"Thủ tục {i} ({'cấp tỉnh' if is_provincial else 'cấp xã'})",
                "field": "Hộ tịch" if i % 3 == 0 else "Chứng thực" if i % 3 == 1 else "Đất đai",
                "level": "province" if is_provincial else "commune",
                "competent_agency": "Sở" if is_provincial else "UBND cấp xã",
                "limit_kind": "days",
                "limit_amount": days,
                "limit_source": "Văn bản quy định",
                "fee_vnd": amount,
                "result_type": "Quyết định",
                "online_level": "full" if i % 2 == 0 else "partial",
            },
        )
        procs.append(p.pk)
        limit.append(p.limit_amount)
        fee.append(p.fee_vnd)
        provincial.append(p.level == "province")
        dept.append(i % len(departments))
    weight = 1.0 / np.arange(1, procedures + 1) ** 1.1  # Zipf-like: a few dominate
    return Universe(
        province=province.pk,
        commune_units=np.array([u.pk for u in units], dtype=np.int64),
        commune_agencies=np.array(commune_agencies, dtype=np.int64),
        center=center.pk,
        departments=np.array(departments, dtype=np.int64),
        agency_unit=agency_unit,
        agency_identifier=identifier,
        counters=counters,
        specialists=specialists,
        leaders=leaders,
        procedures=np.array(procs, dtype=np.int64),
        procedure_limit=np.array(limit, dtype=np.int64),
        procedure_fee=np.array(fee, dtype=np.int64),
        procedure_provincial=np.array(provincial, dtype=bool),
        procedure_department=np.array(dept, dtype=np.int64),
        procedure_weight=weight / weight.sum(),
    )


# -- the simulation -------------------------------------------------------------------------------


def _holidays(first: int, last: int) -> np.ndarray:
    import holidays

    days = holidays.VN(years=range(first, last + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def _pick(rng, pools: dict[int, np.ndarray], keys: np.ndarray) -> np.ndarray:
    """One random element of ``pools[key]`` per key."""
    out = np.empty(len(keys), dtype=np.int64)
    for key in np.unique(keys):
        where = np.nonzero(keys == key)[0]
        pool = pools[int(key)]
        out[where] = pool[rng.integers(len(pool), size=len(where))]
    return out


def _iso(seconds: np.ndarray) -> np.ndarray:
    """UTC datetime64[s] → ISO 8601 strings as the hash chain writes them."""
    text = np.datetime_as_string(seconds.astype("datetime64[us]"), unit="us")
    return np.char.add(text, "+00:00")


@dataclass
class Batch:
    """The rows of a slice, column by column (in the order of ``DOSSIER_COLUMNS``,
    ``EVENT_COLUMNS`` and ``DOCUMENT_COLUMNS``): the simulation makes columns, and COPY
    text is encoded a column at a time."""

    dossiers: list[list]
    events: list[list]
    documents: list[list]
    next_id: int

    @staticmethod
    def rows(columns: list[list]) -> list[tuple]:
        return list(zip(*columns, strict=True))


def simulate(
    u: Universe,
    n: int,
    *,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    seed: int,
    first_id: int,
    code_serial: dict | None = None,
) -> Batch:
    """``n`` dossiers submitted between ``start`` and ``end`` (exclusive), cut at ``now``.

    Returns rows as tuples in the column order of ``DOSSIER_COLUMNS`` / ``EVENT_COLUMNS``
    / ``DOCUMENT_COLUMNS``.
    """
    rng = np.random.default_rng(seed)
    hol = _holidays(start.year - 1, end.year + 2)

    def busday(day, offset):
        return np.busday_offset(day, offset, roll="forward", holidays=hol)

    # Submission days: working days, weighted by 10% yearly growth.
    days = np.arange(np.datetime64(start), np.datetime64(end), dtype="datetime64[D]")
    days = days[np.is_busday(days, holidays=hol)]
    growth = 1.1 ** ((days - days[0]).astype(np.int64) / 365.0)
    sub_day = np.sort(rng.choice(days, size=n, p=growth / growth.sum()))
    sub_sec = (27_000 + rng.integers(0, 9 * 3600, size=n)).astype("timedelta64[s]")
    submitted = sub_day.astype("datetime64[s]") + sub_sec - OFFSET  # UTC

    # Where, what, how.
    commune = rng.integers(len(u.commune_units), size=n)
    proc = rng.choice(len(u.procedures), size=n, p=u.procedure_weight)
    provincial = u.procedure_provincial[proc]
    at_center = provincial & (rng.random(n) < 0.6)
    receiving = np.where(at_center, u.center, u.commune_agencies[commune])
    competent = np.where(
        provincial, u.departments[u.procedure_department[proc]], u.commune_agencies[commune]
    )
    online_bias = (rng.random(len(u.commune_units)) - 0.5) * 0.3
    r = rng.random(n) - online_bias[commune]
    channel = np.select([r < 0.65, r < 0.73, r < 0.98], [0, 1, 2], 3)
    limit = u.procedure_limit[proc]
    fee = u.procedure_fee[proc]
    paid_online = (fee > 0) & np.where(channel <= 1, rng.random(n) < 0.75, rng.random(n) < 0.1)
    counter = _pick(rng, u.counters, receiving)
    specialist = _pick(rng, u.specialists, competent)
    other_specialist = _pick(rng, u.specialists, competent)
    leader = np.array([u.leaders[int(a)] for a in competent], dtype=np.int64)

    # Lifecycle kinds.
    kinds = (
        "straight",
        "one_supp",
        "two_supp",
        "refused",
        "withdrawn",
        "stopped",
        "transfer",
        "reassign",
        "moved",
    )
    probs = np.array([0.83, 0.06, 0.01, 0.02, 0.015, 0.003, 0.03, 0.03, 0.005])
    kind = rng.choice(len(kinds), size=n, p=probs / probs.sum())

    # Receipt: at once at the counter or by post; within 0–1 working day online.
    wait = np.where(channel <= 1, rng.integers(0, 2, size=n), 0)
    recv_day = busday(sub_day, wait)
    recv_sec = np.where(
        wait > 0,
        27_000 + rng.integers(0, 8 * 3600, size=n),
        sub_sec.astype(np.int64) + rng.integers(60, 1800, size=n),
    )
    recv_sec = np.minimum(recv_sec, 17 * 3600 - 60).astype(np.int64).astype("timedelta64[s]")
    received = recv_day.astype("datetime64[s]") + recv_sec - OFFSET
    due_day = busday(recv_day, limit)
    due = due_day.astype("datetime64[s]") + recv_sec - OFFSET

    # Processing time: a share of the limit; late per commune propensity (mean ~6%).
    late_p = rng.beta(2, 30, size=len(u.commune_units))[commune]
    is_late = rng.random(n) < late_p
    used = np.where(
        is_late,
        limit + 1 + rng.integers(0, np.maximum(limit, 2)),
        np.floor(rng.random(n) * (limit + 1)).astype(np.int64),
    )
    # Supplements (after receipt): requested within the first days, completed 1–5 days on.
    supp = np.where(kind == 1, 1, np.where(kind == 2, 2, 0))
    req1_day = busday(recv_day, rng.integers(0, 3, size=n))
    done1_day = busday(req1_day, rng.integers(1, 6, size=n))
    req2_day = busday(done1_day, rng.integers(0, 2, size=n))
    done2_day = busday(req2_day, rng.integers(1, 4, size=n))
    last_done = np.where(supp == 2, done2_day, done1_day)
    restart_due_day = busday(last_done, limit)
    wait_days = np.busday_count(req1_day, done1_day, holidays=hol) + np.where(
        supp == 2, np.busday_count(req2_day, done2_day, holidays=hol), 0
    )
    stat_due_day = busday(due_day, np.where(supp > 0, wait_days, 0))
    base_day = np.where(supp > 0, last_done, recv_day)
    finish_day = busday(base_day, np.where(supp > 0, np.minimum(used, limit + 3), used))
    finish_sec = (27_000 + rng.integers(0, 9 * 3600, size=n)).astype("timedelta64[s]")
    finished = finish_day.astype("datetime64[s]") + finish_sec - OFFSET
    finished = np.maximum(finished, received + np.timedelta64(600, "s"))
    fin_local_day = (finished + OFFSET).astype("datetime64[D]")
    compare_day = np.where(supp > 0, stat_due_day, due_day)
    outcome = np.where(
        supp >= 2,
        2,
        np.where(fin_local_day < compare_day, 0, np.where(fin_local_day == compare_day, 1, 2)),
    )
    rejected = rng.random(n) < 0.01
    eres = rng.random(n) < 0.85
    digitised = rng.random(n) < 0.7
    apology = (outcome == 2) & (rng.random(n) < 0.6)

    # Events, per kind: (action, from, to, moment, actor, payload) columns built below.
    ev_d, ev_at, ev_act, ev_actor, ev_from, ev_to, ev_payload = [], [], [], [], [], [], []
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    iso = {
        "due": _iso(due),
        "finished": _iso(finished),
        "restart": _iso(restart_due_day.astype("datetime64[s]") + recv_sec - OFFSET),
        "apology_due": _iso(finished + np.timedelta64(3 * 86400, "s")),
        "moved_due": _iso(due + np.timedelta64(86400, "s")),
    }

    def add(mask, action, frm, to, moment, actor, payload):
        idx = np.nonzero(mask)[0]
        if not len(idx):
            return
        ev_d.append(idx)
        ev_at.append(moment[idx] if moment.shape else np.full(len(idx), moment))
        ev_act.append(np.full(len(idx), A[action]))
        ev_actor.append(actor[idx])
        ev_from.append(np.full(len(idx), frm, dtype=object))
        ev_to.append(np.full(len(idx), to, dtype=object))
        ev_payload.append(payload(idx))

    every = np.ones(n, dtype=bool)
    second = np.timedelta64(1, "s")
    applicant_actor = np.where(channel <= 1, 0, counter)  # 0 = the citizen (no user row)
    add(
        every,
        "submit",
        "draft",
        "submitted",
        submitted,
        applicant_actor,
        lambda i: [
            f'{{"channel": "{CHANNELS[c]}", "code": "{ids[k]}"}}'
            for k, c in zip(i, channel[i], strict=True)
        ],
    )
    refused = kind == 3
    add(
        refused,
        "refuse",
        "submitted",
        "refused",
        received,
        counter,
        lambda i: ['{"reason": "Không thuộc thẩm quyền"}'] * len(i),
    )
    got = ~refused
    add(
        got,
        "receive",
        "submitted",
        "received",
        received,
        counter,
        lambda i: [
            f'{{"calendar_version": "bench", "due_at": "{iso["due"][k]}", "limit": "{limit[k]} working days", "rule": "decree-118-2025"}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    moved = got & (kind == 8)
    add(
        moved,
        "deadline_moved",
        "received",
        "received",
        received + 60 * second,
        counter,
        lambda i: [
            f'{{"new_due_at": "{iso["moved_due"][k]}", "old_due_at": "{iso["due"][k]}"}}' for k in i
        ],
    )
    assign_at = received + 120 * second
    add(
        got,
        "assign",
        "received",
        "processing",
        assign_at,
        counter,
        lambda i: [
            f'{{"assignee": {specialist[k]}, "assignee_name": "Chuyên viên", "to_kind": "appraise", "to_step": 3}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    # Supplements.
    req1 = req1_day.astype("datetime64[s]") + np.timedelta64(14 * 3600, "s") - OFFSET
    req1 = np.maximum(req1, assign_at + 60 * second)
    done1 = done1_day.astype("datetime64[s]") + np.timedelta64(9 * 3600, "s") - OFFSET
    done1 = np.maximum(done1, req1 + 60 * second)
    req2 = np.maximum(
        req2_day.astype("datetime64[s]") + np.timedelta64(15 * 3600, "s") - OFFSET,
        done1 + 60 * second,
    )
    done2 = np.maximum(
        done2_day.astype("datetime64[s]") + np.timedelta64(10 * 3600, "s") - OFFSET,
        req2 + 60 * second,
    )
    items = '{"guidance": "", "items": [{"name": "Bản sao giấy tờ", "reason": "Không rõ"}]}'
    s1 = got & (supp >= 1)
    add(
        s1,
        "request_supplement",
        "processing",
        "supplement_requested",
        req1,
        specialist,
        lambda i: [items] * len(i),
    )
    add(
        s1,
        "complete_supplement",
        "supplement_requested",
        "processing",
        done1,
        counter,
        lambda i: [
            f'{{"due_at": "{iso["restart"][k] if supp[k] == 1 else iso["due"][k]}", "note": "", "supplements": 1}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    s2 = got & (supp >= 2)
    add(
        s2,
        "request_supplement",
        "processing",
        "supplement_requested",
        req2,
        specialist,
        lambda i: [items] * len(i),
    )
    add(
        s2,
        "complete_supplement",
        "supplement_requested",
        "processing",
        done2,
        counter,
        lambda i: [f'{{"due_at": "{iso["restart"][k]}", "note": "", "supplements": 2}}' for k in i],
    )
    after_supp = np.where(supp == 2, done2, np.where(supp == 1, done1, assign_at))
    # Withdrawn / stopped part-way.
    midway = np.maximum(after_supp + (finished - after_supp) // 2, after_supp + 30 * second)
    wd = got & (kind == 4)
    add(
        wd,
        "withdraw",
        "processing",
        "withdrawn",
        midway,
        counter,
        lambda i: ['{"reason": "Công dân xin rút"}'] * len(i),
    )
    st = got & (kind == 5)
    add(
        st,
        "stop",
        "processing",
        "stopped",
        midway,
        leader,
        lambda i: ['{"reason": "Dừng theo yêu cầu"}'] * len(i),
    )
    going = got & (kind != 4) & (kind != 5)
    # Transfer to another agency and its answer; reassignment.
    tr = going & (kind == 6)
    other_agency = np.where(provincial, u.commune_agencies[commune], u.center)
    t_at = after_supp + 300 * second
    add(
        tr,
        "transfer",
        "processing",
        "transferred",
        t_at,
        specialist,
        lambda i: [
            f'{{"due_at": "{iso["due"][k]}", "request": 0, "task": "Xác minh", "to_agency": {other_agency[k]}}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    answer_at = np.maximum(t_at + 3600 * second, midway)
    add(
        tr,
        "answer",
        "transferred",
        "processing",
        answer_at,
        counter,
        lambda i: [
            f'{{"answer": "Đã xác minh", "outcome": "{"late" if is_late[k] else "on_time"}", "request": 0}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    ra = going & (kind == 7)
    add(
        ra,
        "assign",
        "processing",
        "processing",
        midway,
        leader,
        lambda i: [
            f'{{"assignee": {other_specialist[k]}, "assignee_name": "Chuyên viên", "to_kind": "appraise", "to_step": 3}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    propose_at = finished - 1800 * second
    propose_at = np.maximum(
        propose_at, np.maximum(after_supp, np.where(tr, answer_at, after_supp)) + 60 * second
    )
    propose_at = np.where(kind == 7, np.maximum(propose_at, midway + 60 * second), propose_at)
    approve_at = propose_at + 600 * second
    fin_at = np.maximum(finished, approve_at + 60 * second)
    iso["finished"] = _iso(fin_at)
    step_late = is_late | (rng.random(n) < 0.03)
    owner = np.where(kind == 7, other_specialist, specialist)
    add(
        going,
        "propose",
        "processing",
        "awaiting_approval",
        propose_at,
        owner,
        lambda i: [
            f'{{"from_kind": "appraise", "from_step": 3, "note": "", "step_outcome": "{"late" if step_late[k] else "on_time"}", "to_kind": "approve", "to_step": 4}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    ok = going & ~rejected
    add(
        ok,
        "approve",
        "awaiting_approval",
        "approved",
        approve_at,
        leader,
        lambda i: ['{"note": ""}'] * len(i),
    )
    outcome_text = np.array(["early", "on_time", "late"])[outcome]

    def result_payload(i):
        return [
            f'{{"finished_at": "{iso["finished"][k]}", "outcome": "{outcome_text[k]}"'
            + (f', "result_file": "results/2025/01/kq-{ids[k]}.pdf"}}' if eres[k] else "}")
            for k in i
        ]

    add(ok, "result_ready", "approved", "result_ready", fin_at, counter, result_payload)
    rj = going & rejected
    add(
        rj,
        "reject",
        "awaiting_approval",
        "rejected",
        fin_at,
        leader,
        lambda i: [
            f'{{"finished_at": "{iso["finished"][k]}", "outcome": "{outcome_text[k]}", "reason": "Không đủ điều kiện"}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    ap = going & apology
    apology_at = fin_at + 1800 * second
    add(
        ap,
        "apologize",
        "result_ready",
        "result_ready",
        apology_at,
        leader,
        lambda i: [
            f'{{"issued_in_time": false, "new_due_at": "{iso["apology_due"][k]}", "original_due_at": "{iso["due"][k]}", "reason": "Chờ xác minh"}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )
    return_at = np.where(ap, apology_at, fin_at) + rng.integers(1, 5, size=n) * 86400 * second
    add(
        going,
        "return",
        "result_ready",
        "returned",
        return_at,
        counter,
        lambda i: [
            f'{{"late": {"true" if outcome[k] == 2 else "false"}, "method": "in_person", "outcome": "{outcome_text[k]}"}}'  # noqa: E501 (a payload template)
            for k in i
        ],
    )

    # Order events per dossier by time, cut at now, number them.
    d_idx = np.concatenate(ev_d)
    at = np.concatenate(ev_at).astype("datetime64[s]")
    act = np.concatenate(ev_act)
    actor = np.concatenate(ev_actor)
    frm = np.concatenate(ev_from)
    to = np.concatenate(ev_to)
    payload = np.concatenate([np.array(p, dtype=object) for p in ev_payload])
    order = np.lexsort((np.arange(len(d_idx)), at, d_idx))
    d_idx, at, act, actor, frm, to, payload = (
        x[order] for x in (d_idx, at, act, actor, frm, to, payload)
    )
    # Reject/approve branches: the reject event's from-state follows awaiting_approval; a
    # rejected dossier is returned from "rejected".
    now64 = np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s")
    keep = at <= now64
    d_idx, at, act, actor, frm, to, payload = (
        x[keep] for x in (d_idx, at, act, actor, frm, to, payload)
    )
    first = np.ones(len(d_idx), dtype=bool)
    first[1:] = d_idx[1:] != d_idx[:-1]
    starts = np.nonzero(first)[0]
    seq = np.arange(len(d_idx)) - np.repeat(starts, np.diff(np.append(starts, len(d_idx)))) + 1
    # Fix the from-state chain: each event starts from the previous event's to-state.
    frm = frm.copy()
    frm[~first] = to[:-1][~first[1:]] if len(to) > 1 else frm[~first]
    last = np.append(starts[1:] - 1, len(d_idx) - 1)
    dossier_kept = d_idx[starts]
    state = np.full(n, "draft", dtype=object)
    state[dossier_kept] = to[last]
    count = np.zeros(n, dtype=np.int64)
    count[dossier_kept] = seq[last]
    updated = np.full(n, np.datetime64("NaT", "s"), dtype="datetime64[s]")
    updated[dossier_kept] = at[last]

    def when(action_mask):
        out = np.full(n, np.datetime64("NaT", "s"), dtype="datetime64[s]")
        out[d_idx[action_mask]] = at[action_mask]
        return out

    recv_at = when(act == A["receive"])
    fin_seen = when((act == A["result_ready"]) | (act == A["reject"]))
    ret_at = when(act == A["return"])
    apology_seen = when(act == A["apologize"])
    moved_seen = when(act == A["deadline_moved"])

    # Dossier codes: <agency>-<YYMMDD>-<NNNN>, numbered per agency and local day.
    local_day = (submitted + OFFSET).astype("datetime64[D]")
    serial = code_serial if code_serial is not None else {}
    day_text = np.char.replace(np.datetime_as_string(local_day, unit="D"), "-", "").tolist()
    receiving_list = receiving.tolist()
    code = []
    for agency_id, day in zip(receiving_list, day_text, strict=True):
        key = (agency_id, day)
        number = serial.get(key, 0) + 1
        serial[key] = number
        code.append(f"{u.agency_identifier[agency_id]}-{day[2:]}-{number:04d}")

    def py(values: np.ndarray) -> list:
        """datetime64[s] (UTC) → naive UTC timestamps as text, as Django writes them to
        SQLite and as COPY reads them in a UTC session (None for NaT). Formatted here by
        numpy, column at a time: one ``datetime`` object per value, turned into text
        again by the encoder, cost more than all the rest of a row's encoding."""
        if values.dtype != np.dtype("datetime64[s]"):
            raise TypeError(f"whole seconds expected, not {values.dtype}")
        text = np.strings.replace(np.datetime_as_string(values, unit="s"), "T", " ")
        missing = np.isnat(values).tolist()
        return [None if nat else t for t, nat in zip(text.tolist(), missing, strict=True)]

    nat = np.datetime64("NaT", "s")
    is_received = ~np.isnat(recv_at)
    finished_seen = ~np.isnat(fin_seen)
    # The due moment in force on the dossier row (legal due: restart after a supplement,
    # a calendar move, an apology's new date); none while a supplement is outstanding.
    restart_due = restart_due_day.astype("datetime64[s]") + recv_sec - OFFSET
    due_row = np.where(supp > 0, restart_due, due)
    due_row = np.where(~np.isnat(moved_seen), due + np.timedelta64(86400, "s"), due_row)
    due_row = np.where(~np.isnat(apology_seen), fin_at + np.timedelta64(3 * 86400, "s"), due_row)
    due_row = np.where(is_received & (state != "supplement_requested"), due_row, nat)
    now_naive = np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s")
    late_flag = is_received & ~finished_seen & ~np.isnat(due_row) & (due_row < now_naive)
    names = np.array([f"{f} {g}" for f in FAMILY for g in GIVEN], dtype=object)
    name = names[rng.integers(len(names), size=n)]
    id_number = rng.integers(10**11, 10**12, size=n).astype(str)
    phone = np.char.add("09", rng.integers(10**7, 10**8, size=n).astype(str))
    start_iso = _iso(received)
    columns = {
        "submitted": py(submitted),
        "received": py(recv_at),
        "due": py(due_row),
        "clock": py(np.where(is_received, received, nat)),
        "finished": py(fin_seen),
        "returned": py(ret_at),
        "updated": py(updated),
    }
    ledger = [
        (
            '{"calendar_version": "bench", "extension": null, "limit": {"amount": '
            f'{days}, "kind": "days"}}, "rule": "decree-118-2025", "schema": 1, '
            f'"start": "{begin}", "supplement_rule": "restart", "supplements": []}}'
        )
        if got_it
        else None
        for days, begin, got_it in zip(
            limit.tolist(), start_iso.tolist(), is_received.tolist(), strict=True
        )
    ]
    done = finished_seen.tolist()
    result_file = [
        f"results/2025/01/kq-{i}.pdf" if f and e and not r else ""
        for i, f, e, r in zip(ids.tolist(), done, eres.tolist(), rejected.tolist(), strict=True)
    ]
    unit_of = {a: u.agency_unit[a] for a in u.agency_unit}
    receiving_units = [unit_of[a] for a in receiving_list]
    competent_list = competent.tolist()
    competent_units = [unit_of[a] for a in competent_list]
    n_list = [None] * n
    const = lambda value: [value] * n  # noqa: E731
    columns_in_order = [
        ids.tolist(),
        code,
        state.tolist(),
        u.procedures[proc].tolist(),
        receiving_list,
        receiving_units,
        const(u.province),
        competent_list,
        competent_units,
        const(u.province),
        const("person"),
        name.tolist(),
        id_number.tolist(),
        phone.tolist(),
        const(""),
        const(""),
        [x.lower() for x in name.tolist()],
        [CHANNELS[c] for c in channel.tolist()],
        const("{}"),
        columns["submitted"],
        columns["received"],
        columns["due"],
        columns["clock"],
        columns["finished"],
        columns["returned"],
        ledger,
        ["late" if flag else "on_track" for flag in late_flag.tolist()],
        [o if f else "" for o, f in zip(outcome_text.tolist(), done, strict=True)],
        fee.tolist(),
        paid_online.tolist(),
        result_file,
        const(""),
        const(ZERO_HASH),
        count.tolist(),
        columns["submitted"],
        columns["updated"],
    ]
    del n_list
    dossiers = columns_in_order
    ev_ids = ids[d_idx].tolist()
    at_py = py(at)
    ev_unit = [receiving_units[i] for i in d_idx.tolist()]
    actions = [ACTIONS[a] for a in act.tolist()]
    actors = actor.tolist()
    seqs = seq.tolist()
    m = len(ev_ids)
    events = [
        ev_ids,
        seqs,
        at_py,
        [a or None for a in actors],
        ["Cán bộ" if a else "" for a in actors],
        ev_unit,
        actions,
        frm.tolist(),
        to.tolist(),
        payload.tolist(),
        [ZERO_HASH] * m,
        [ZERO_HASH] * m,
    ]
    submitted_py = columns["submitted"]
    documents = [
        (
            int(ids[k]),
            "component",
            "Tờ khai.pdf",
            f"dossiers/2025/01/tk-{ids[k]}.pdf",
            "application/pdf",
            40_000,
            "",
            False,
            submitted_py[k],
        )
        for k in np.nonzero(digitised)[0].tolist()
    ]
    return Batch(dossiers, events, [list(c) for c in zip(*documents, strict=True)], first_id + n)


DOSSIER_COLUMNS = (
    "id",
    "code",
    "state",
    "procedure_id",
    "receiving_agency_id",
    "unit_id",
    "province_id",
    "competent_agency_id",
    "competent_unit_id",
    "competent_province_id",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_search",
    "channel",
    "form_data",
    "submitted_at",
    "received_at",
    "due_at",
    "clock_started_at",
    "finished_at",
    "returned_at",
    "deadline",
    "deadline_status",
    "outcome",
    "fee_vnd",
    "fee_paid_online",
    "result_file",
    "result_note",
    "chain_head",
    "event_count",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = (
    "dossier_id",
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "unit_id",
    "action",
    "from_state",
    "to_state",
    "payload",
    "prev_hash",
    "hash",
)
DOCUMENT_COLUMNS = (
    "dossier_id",
    "kind",
    "name",
    "file",
    "content_type",
    "size",
    "sha256",
    "paper_copy",
    "uploaded_at",
)


def _tables():
    """(table, columns, rows attribute, extra columns with their default values) per table.

    Columns the simulation does not fill (added to the models since) get the field's
    default, so the raw inserts keep working while the models grow.
    """
    from django.db import connection

    from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent

    result = []
    for model, columns, rows in (
        (Dossier, DOSSIER_COLUMNS, "dossiers"),
        (DossierEvent, EVENT_COLUMNS, "events"),
        (DossierDocument, DOCUMENT_COLUMNS, "documents"),
    ):
        extra = [
            (f.column, f.get_db_prep_save(f.get_default(), connection))
            for f in model._meta.concrete_fields
            if f.column not in columns and not f.primary_key
        ]
        result.append((model._meta.db_table, columns, rows, extra))
    return result


def insert_executemany(batch: Batch) -> None:
    """Insert a batch with ``executemany`` (SQLite or PostgreSQL, through Django)."""
    from django.db import connection

    pg = connection.vendor == "postgresql"
    json_columns = {"form_data", "deadline", "payload"}
    with connection.cursor() as cursor:
        for table, columns, attribute, extra in _tables():
            names = [*columns, *(c for c, _ in extra)]
            marks = ", ".join("%s::jsonb" if pg and c in json_columns else "%s" for c in names)
            defaults = tuple(v for _, v in extra)
            rows = [row + defaults for row in Batch.rows(getattr(batch, attribute))]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)


def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _column_text(values: tuple) -> list[str] | tuple[str, ...]:
    """One column in COPY text format, formatted by its type once rather than per value."""
    kinds = set(map(type, values))
    if kinds <= {int}:
        return list(map(str, values))
    if kinds <= {str}:
        joined = "".join(values)
        if "\\" not in joined and "\t" not in joined and "\n" not in joined:
            return values
    elif kinds <= {str, type(None)}:
        joined = "".join(v for v in values if v is not None)
        if "\\" not in joined and "\t" not in joined and "\n" not in joined:
            return ["\\N" if v is None else v for v in values]
    elif kinds <= {int, type(None)} or kinds <= {dt.datetime, type(None)}:
        return ["\\N" if v is None else str(v) for v in values]
    return list(map(_text, values))


# Columns whose value is the same on every generated row: the bulk load leaves them out of
# the COPY text and lets the column's default, set for the load, write them (the placeholder
# hashes are about 40% of the bytes of an event line, to format and to parse).
SERVER_FILLED = {
    "dossiers_dossier": {"chain_head": ZERO_HASH},
    "dossiers_dossierevent": {"prev_hash": ZERO_HASH, "hash": ZERO_HASH},
}


def encode(batch: Batch, tables: list, filled: dict | None = None) -> list[tuple[int, bytes]]:
    """The batch as COPY text, one block per table (its index in ``tables``, from
    ``_tables()``), without the columns of ``filled`` (see ``SERVER_FILLED``)."""
    blocks = []
    for index, (table, names, attribute, extra) in enumerate(tables):
        columns = getattr(batch, attribute)
        if not columns or not columns[0]:
            continue
        tail = "".join("\t" + _text(v) for _, v in extra)
        left_out = (filled or {}).get(table, {})
        columns = [
            _column_text(c) for name, c in zip(names, columns, strict=True) if name not in left_out
        ]
        lines = map("\t".join, zip(*columns, strict=True))
        blocks.append((index, ((tail + "\n").join(lines) + tail + "\n").encode()))
    return blocks


def copy_statements(tables: list, *, freeze: bool, filled: dict | None = None) -> list[str]:
    option = " WITH (FREEZE)" if freeze else ""
    filled = filled or {}
    return [
        f"COPY {table} ("
        + ", ".join(
            [*(c for c in columns if c not in filled.get(table, {})), *(c for c, _ in extra)]
        )
        + f") FROM STDIN{option}"
        for table, columns, _attribute, extra in tables
    ]


def write_blocks(blocks, connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for index, data in blocks:
            with cursor.copy(statements[index]) as copy:
                copy.write(data)


def insert_copy(batch: Batch, connection, *, freeze: bool = False) -> None:
    """Insert a batch with PostgreSQL ``COPY … FROM STDIN`` in text format, the lines built
    here (faster than adapting every value through the driver). Timestamps are naive UTC;
    Django's connections run with the UTC time zone."""
    tables = _tables()
    write_blocks(encode(batch, tables), connection, copy_statements(tables, freeze=freeze))


@contextlib.contextmanager
def without_secondary_indexes(tables: tuple[str, ...] = DOSSIER_TABLES):
    """Drop the non-unique indexes of ``tables`` for a bulk load, and build them again
    afterwards (a sorted build is much faster than maintaining them row by row)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexdef NOT LIKE %s",
                [list(tables), "%UNIQUE%"],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN {tables!r} AND sql NOT LIKE 'CREATE UNIQUE%%'"
            )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.get_autocommit():
                # Django's foreign keys are deferred: check them now, or PostgreSQL refuses
                # to build an index on a table with pending trigger events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for _name, definition in indexes:
                cursor.execute(definition)


def _constraints(cursor, tables: list[str], kinds: str, *, referenced: bool = False) -> list:
    """(table, name, kind, definition) of the constraints of ``kinds`` (letters of
    ``pg_constraint.contype``) on ``tables`` (and, with ``referenced``, those of other
    tables that point to them), foreign keys last: they need the keys to be there."""
    on = "conrelid = ANY(%s::regclass[])"
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
        f"FROM pg_constraint WHERE contype::text = ANY(%s) AND ({on}"
        + (" OR confrelid = ANY(%s::regclass[])" if referenced else "")
        + ") ORDER BY contype = 'f', contype",
        [list(kinds), tables, *([tables] if referenced else [])],
    )
    return cursor.fetchall()


@contextlib.contextmanager
def without_keys(tables: tuple[str, ...]):
    """PostgreSQL: drop the primary and unique keys of ``tables`` while a full rebuild
    fills them with plain ``INSERT … SELECT … GROUP BY`` (no ``ON CONFLICT`` needs them:
    the ``GROUP BY`` already gives each key one row), and add them back afterwards, each
    built by one sort instead of a btree insertion per row. Adding a key checks it: a
    doubled row would stop the generator rather than be kept."""
    from django.db import connection

    with connection.cursor() as cursor:
        keys = _constraints(cursor, list(tables), "pu")
        for table, name, _kind, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table, name, _kind, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


@contextlib.contextmanager
def bulk_load(connection, *, freeze: bool, filled: dict | None = None):
    """PostgreSQL: load the three tables bare, then give them back their keys, indexes
    and foreign keys (the manual's "Populating a Database": a sorted index build and one
    validating join per foreign key are far cheaper than a btree insertion and a deferred
    trigger per row; the dossier row alone has ten foreign keys).

    With ``freeze`` the tables are truncated and every ``COPY`` runs ``FREEZE`` in the
    same transaction: the rows are written frozen and need no second write to set their
    hint bits when first read. Nothing else sees the tables until the commit.

    The columns of ``filled`` get their value as a default for the load, dropped after.
    """
    tables = list(DOSSIER_TABLES)
    filled = filled or {}
    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        constraints = _constraints(cursor, tables, "fpu", referenced=True)
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _kind, _definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        if freeze:
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        for table, values in filled.items():
            for column, value in values.items():
                if not value.isalnum():
                    raise ValueError(f"not a plain default: {value!r}")
                cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT '{value}'")
    yield timings
    with connection.cursor() as cursor:
        for table, values in filled.items():
            for column in values:
                cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
        t = time.monotonic()
        for table, name, kind, definition in constraints:
            if kind != "f":
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        timings["indexes_s"] = time.monotonic() - t
        t = time.monotonic()
        for table, name, kind, definition in constraints:
            if kind == "f":
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        timings["foreign_keys_s"] = time.monotonic() - t


def reset_sequences() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("dossiers_dossier", "dossiers_dossierevent", "dossiers_dossierdocument"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def next_dossier_id() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM dossiers_dossier")
        return cursor.fetchone()[0]


def generate(
    u: Universe,
    n: int,
    *,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    seed: int = 1,
    batch: int = 200_000,
    sink=insert_executemany,
    progress=None,
    first_id: int | None = None,
    part: tuple[int, int] = (0, 1),
) -> int:
    """Simulate and insert ``n`` dossiers in batches of consecutive time slices.

    With ``first_id`` given the database is not touched (the sink does the writing, and
    the caller resets the sequences): the generator's producer processes use that. With
    ``part=(i, k)`` only every k-th slice from the i-th is made, with the ids and codes it
    would have had: k processes with i = 0 … k-1 make the same rows between them (a slice
    owns its days, so the per-day code numbers do not depend on the other slices).
    """
    touch = first_id is None
    if first_id is None:
        first_id = next_dossier_id()
    total_days = (end - start).days
    serial: dict = {}
    done = 0
    slices = max(1, -(-n // batch))
    index, parts = part
    if parts > 1 and slices > total_days:
        raise ValueError("more slices than days: the slices would share code numbers")
    for k in range(slices):
        count = n // slices + (1 if k < n % slices else 0)
        if k % parts != index:
            first_id += count
            continue
        a = start + dt.timedelta(days=total_days * k // slices)
        b = start + dt.timedelta(days=total_days * (k + 1) // slices)
        if b <= a:
            b = a + dt.timedelta(days=1)
        result = simulate(
            u,
            count,
            start=a,
            end=b,
            now=now,
            seed=seed * 1000 + k,
            first_id=first_id,
            code_serial=serial,
        )
        sink(result)
        first_id = result.next_id
        done += count
        if progress is not None:
            progress(done, n, len(result.events[0]))
    if touch:
        reset_sequences()
    return done


# -- the command ------------------------------------------------------------------------------


def _configure(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "MOTCUA_DEMO": "1",
            "MOTCUA_VAR_DIR": str(workdir),
            "MOTCUA_TASK_BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "DATABASE_URL": f"{PG_SERVER}/{PG_BENCH_DB}",
            "LOG_LEVEL": "WARNING",
        }
    )


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
        admin.execute(statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--batch", type=int, default=250_000)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    parser.add_argument(
        "--producers", type=int, default=2, help="processes simulating and encoding the rows"
    )
    options = parser.parse_args()
    workdir = ROOT / "var" / "bench-insights"
    workdir.mkdir(parents=True, exist_ok=True)
    _configure(workdir)
    began = time.monotonic()
    timings: dict[str, float] = {}
    if not options.keep:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    t = time.monotonic()
    call_command("migrate", verbosity=0)
    from motcua.units.loading import load_units

    load_units(force=False)
    universe = build_universe()
    timings["setup_s"] = time.monotonic() - t
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    end = now.date()
    start = end.replace(year=end.year - options.years)
    t = time.monotonic()
    # A fresh database is loaded in one transaction that truncated the tables first, so
    # every COPY can write frozen rows (--keep appends to what is there).
    fresh = not options.keep
    tables = _tables()
    statements = copy_statements(tables, freeze=fresh, filled=SERVER_FILLED)
    first_id = next_dossier_id()
    # Processes simulate and encode while this one streams into PostgreSQL (the encoding
    # is the dearer half). Forked with the database connection closed; the children never
    # touch the database.
    connection.close()
    context = multiprocessing.get_context("fork")
    blocks = context.Queue(maxsize=2 * options.producers)

    def produce(index: int) -> None:
        def progress(done, total, events):
            print(
                f"  producer {index + 1}: {done:,} dossiers ({time.monotonic() - t:.0f} s)",
                file=sys.stderr,
                flush=True,
            )

        generate(
            universe,
            options.n,
            start=start,
            end=end,
            now=now,
            batch=options.batch,
            sink=lambda batch: [
                blocks.put(block) for block in encode(batch, tables, SERVER_FILLED)
            ],
            progress=progress,
            first_id=first_id,
            part=(index, options.producers),
        )
        blocks.put(None)

    producers = [
        context.Process(target=produce, args=(i,), name=f"simulate-{i}")
        for i in range(options.producers)
    ]

    def received():
        finished = 0
        while finished < len(producers):
            try:
                block = blocks.get(timeout=5)
            except queue.Empty:
                if any(p.exitcode for p in producers):
                    codes = [p.exitcode for p in producers]
                    raise SystemExit(f"the simulation failed (exit codes {codes})") from None
                continue
            if block is None:
                finished += 1
            else:
                yield block

    for producer in producers:
        producer.start()
    try:
        loading = bulk_load(connection, freeze=fresh, filled=SERVER_FILLED)
        with transaction.atomic(), loading as rebuilt:
            raw = connection.connection
            for block in received():
                write_blocks([block], raw, statements)
            reset_sequences()
            timings["load_s"] = time.monotonic() - t
    finally:
        for producer in producers:
            producer.join(timeout=5)
            if producer.is_alive():
                producer.terminate()
    timings.update(rebuilt)
    t = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.monotonic() - t
    t = time.monotonic()
    from motcua.insights.facts import rebuild

    # The indexes the dashboards read by are built once the rows are in, and so are the
    # keys of the daily and monthly facts, which the full rebuild fills with plain
    # inserts; the open totals and the agencies' rows keep the keys their upserts need.
    facts_tables = ("insights_dailyfact", "insights_monthlyfact", "insights_agencyfact")
    chunk = min(500_000, max(50_000, options.n // 20))
    # One range takes the one-connection path, whose upserts need the keys.
    keyless = facts_tables[:2] if options.n > chunk else ()
    with without_secondary_indexes(facts_tables), without_keys(keyless):
        # Twenty ranges or more, shared by two connections (one per core).
        report = rebuild(chunk=chunk, workers=2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*) FROM dossiers_dossierevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    timings["facts_s"] = time.monotonic() - t
    timings["total_s"] = time.monotonic() - began
    print(
        json.dumps(
            {
                "dossiers": options.n,
                "events": events,
                "daily_rows": report.daily_rows,
                "monthly_rows": report.monthly_rows,
                "rebuild_phases_s": report.phases,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "database_bytes": size,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "peak_rss_simulation_mib": (
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                ),
                **{k: round(v, 1) for k, v in timings.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
