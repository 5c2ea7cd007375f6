"""Generate a back-office database of 1,000,000 dossiers for the load benchmarks.

    PYTHONPATH=src .venv/bin/python bench/office_generate.py [--n 1000000] [--years 3]
        [--db motcua_bench_office] [--keep]

Creates (drops first, unless ``--keep`` finds it) the PostgreSQL database
``motcua_bench_office`` on 127.0.0.1:5432, runs what ``motcua setup`` does (migrate, cache
table, administrative units, the seed catalogue of ``motcua catalog seed``, static files
under ``var/bench-office``), sets up a demo-like province (Thành phố Huế, the first 12
communes of the two-level model) with a commune office per commune, the provincial
service center, six provincial agencies and about 200 officers, then writes ``--n``
dossiers over ``--years`` years ending now with ``COPY``: the dossier rows, their
``DossierStep`` rows (the inbox reads these), their events (the public status page reads
these) and the requests to other agencies (``visible_to`` reads these). Indexes are
built after the load, then ``ANALYZE``. Prints the timings and sizes as JSON.

The simulation (numpy, one batch of consecutive submissions at a time):

* submissions on working days between 07:30 and 16:30, volume growing 10% a year, from
  the 32 procedures of the seed catalogue in a realistic mix (certification and civil
  status dominate; land and construction are few but slow); commune procedures are
  received and decided by the commune office, provincial ones are decided by their
  department and received at the provincial center (70%) or, under Decree 118/2025, at a
  commune office (30%); communes differ in size (the largest has about a fifth of the
  volume);
* each received dossier gets the steps of its procedure's template process (4 to 7), with
  each step's due moment from its budget as ``_plan_steps`` computes it (working hours
  07:30–16:30 on working days, capped at the legal due moment); the specialist of a
  dossier is drawn per agency and field with a skew (one land officer of the largest
  commune carries most of its land dossiers);
* lifecycle: receipt (online dossiers within a working day), assignment, 7% a supplement
  (1–10 working days; the clock restarts), 2% a consultation of another agency, the
  process's steps at 30–100% of their budget (late dossiers 110–250%, more often for
  land and construction), proposal, approval (1% rejected on the merits), result ready,
  return 0–5 working days later; 2% refused at intake, 1.5% withdrawn, 0.3% stopped;
* a backlog: dossiers received in the last 24 months that got stuck open at a
  specialist's step (land 40%, construction 20%, business 5%, others 2%), a quarter of
  them waiting for a supplement, a tenth of them waiting for approval. With the dossiers
  in progress, about 4% of all dossiers are open and the busiest officer has thousands of
  open steps;
* everything after "now" is cut: the state of a dossier is that of its last event, and
  its steps are started and finished as its events say.

Applicant names are drawn from Vietnamese family names with their real frequencies
(Nguyễn about 38%), one or two middle names and a given name by sex; organisations for
enterprise procedures. ``applicant_search`` is ``normalize_vietnamese(name)``. Event
hashes are placeholders (64 zeros) as in bench/insights_generate.py: the chain is not
verified here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_ADMIN_DB = "test"  # connected to for CREATE / DROP DATABASE
PG_BENCH_DB = "motcua_bench_office"
VAR_DIR = ROOT / "var" / "bench-office"
# A fixed key for the bench only: the load scripts start the server with it, and compute
# the QR status tokens and session hashes with it in their own process.
BENCH_SECRET_KEY = "bench-only-not-a-production-key-" + "x" * 16
HUE = 46  # Thành phố Huế in the two-level dataset
COMMUNES = 12
OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh is UTC+7 all year
DAY_START = 27_000  # 07:30
DAY_WALL = 9 * 3600  # 07:30–16:30 on the wall clock ...
DAY_WORK = 8 * 3600  # ... is 8 working hours
NEVER = np.int64(2**62)  # a moment that never comes (stuck dossiers)
ZERO_HASH = "0" * 64

# -- names ----------------------------------------------------------------------------------

FAMILY = (
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0),
    ("Huỳnh", 1.6), ("Phan", 4.5), ("Vũ", 2.3), ("Võ", 1.6), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6),
    ("Trương", 0.6), ("Lâm", 0.4), ("Mai", 0.4), ("Tôn Nữ", 0.3), ("Châu", 0.3),
    ("Cao", 0.3), ("Tạ", 0.2), ("Lương", 0.3), ("Hà", 0.3), ("Thái", 0.2), ("Kiều", 0.1),
)  # fmt: skip
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Đình", "Xuân", "Ngọc",
               "Anh", "Tuấn", "Quang", "Trọng", "Duy")  # fmt: skip
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Bảo",
                 "Phương", "Khánh", "Mỹ", "Diệu", "Hoài")  # fmt: skip
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
              "Khang", "Khoa", "Kiên", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong",
              "Phúc", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến", "Toàn",
              "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Đông", "Lâm",
              "Hậu")  # fmt: skip
GIVEN_FEMALE = ("Anh", "Ánh", "Bích", "Châu", "Chi", "Cúc", "Dung", "Duyên", "Giang", "Hà",
                "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ", "Hương", "Lan", "Linh", "Loan", "Mai",
                "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo",
                "Thủy", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến")  # fmt: skip
COMPANY_WORDS = ("Thuận Phát", "Hương Giang", "Bạch Mã", "Phú Xuân", "An Cựu", "Trường An",
                 "Kim Long", "Vỹ Dạ", "Thiên An", "Hòa Bình", "Đông Ba", "Sông Hương")  # fmt: skip
COMPANY_KINDS = ("Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân", "Công ty TNHH MTV")

# -- the catalogue mix ------------------------------------------------------------------------

# Share of the yearly volume per seed procedure code (normalised below).
MIX = {
    "DEMO-CT-001": 28, "DEMO-CT-002": 8, "DEMO-CT-003": 3, "DEMO-CT-004": 1, "DEMO-CT-005": 2,
    "1.001193": 5, "DEMO-HT-002": 2, "DEMO-HT-003": 1.5, "1.004873": 4, "DEMO-HT-005": 0.5,
    "DEMO-HT-006": 1, "DEMO-HT-007": 0.2, "DEMO-HT-008": 0.1, "DEMO-HT-009": 0.3,
    "DEMO-HT-010": 0.3, "DEMO-HT-011": 3, "DEMO-CU-001": 4, "DEMO-CU-002": 5,
    "DEMO-CU-003": 1, "DEMO-LT-001": 2, "DEMO-XD-001": 2, "DEMO-HKD-001": 2,
    "DEMO-HKD-002": 1.5, "DEMO-DD-001": 6, "DEMO-DN-001": 0.6, "DEMO-DN-002": 1,
    "DEMO-DN-003": 0.5, "DEMO-DN-004": 1.2, "DEMO-DN-005": 0.4, "DEMO-TP-001": 4,
    "DEMO-GT-001": 4, "DEMO-XD-002": 0.5,
}  # fmt: skip
# Provincial procedures: the agency that decides them (by code prefix).
DEPARTMENT_OF = {"DEMO-DN": "TC", "DEMO-TP": "TP", "DEMO-GT": "CA", "DEMO-XD-002": "XD"}
DEPARTMENTS = (
    ("TC", "Sở Tài chính", "department"),
    ("TP", "Sở Tư pháp", "department"),
    ("CA", "Công an tỉnh", "other"),
    ("XD", "Sở Xây dựng", "department"),
    ("NV", "Sở Nội vụ", "department"),
    ("YT", "Sở Y tế", "department"),
)
# Commune specialists by field: (specialist indexes, their weights).
COMMUNE_DESKS = {
    "Hộ tịch": ((0, 1), (0.6, 0.4)),
    "Liên thông": ((0, 1), (0.7, 0.3)),
    "Chứng thực": ((2, 1), (0.8, 0.2)),
    "Đăng ký, quản lý cư trú": ((3,), (1.0,)),
    "Thành lập và hoạt động": ((3, 5), (0.7, 0.3)),
    "Đất đai": ((4, 5), (0.8, 0.2)),
    "Hoạt động xây dựng": ((5, 4), (0.7, 0.3)),
}
COMMUNE_SPECIALISTS = 6
DEPARTMENT_SPECIALISTS = 8
# Backlog: chance that a dossier received in the last 24 months is stuck open, by field;
# and the chance of being late (processing beyond the budget).
STUCK = {"Đất đai": 0.4, "Hoạt động xây dựng": 0.2, "Thành lập và hoạt động": 0.05}
STUCK_DEFAULT = 0.02
LATE = {"Đất đai": 0.15, "Hoạt động xây dựng": 0.10}
LATE_DEFAULT = 0.04

STATES = (
    "draft", "submitted", "received", "processing", "supplement_requested", "consulting",
    "awaiting_approval", "approved", "rejected", "result_ready", "returned", "refused",
    "withdrawn", "stopped",
)  # fmt: skip
OPEN = ("submitted", "received", "processing", "supplement_requested", "consulting",
        "awaiting_approval", "approved", "rejected", "result_ready")  # fmt: skip


@dataclass
class Universe:
    province: int
    communes: np.ndarray  # unit ids
    commune_weight: np.ndarray
    commune_office: np.ndarray  # agency id per commune
    center: int
    department: dict[str, int]  # key → agency id
    agency_unit: dict[int, int]
    agency_identifier: dict[int, str]
    counters: dict[int, np.ndarray]  # agency → counter officers
    specialists: dict[int, np.ndarray]  # agency → specialists (index = desk)
    heads: dict[int, int]
    leaders: dict[int, int]
    # Per procedure (index p): id, field, province-level, department key, limits, steps.
    procedure_ids: np.ndarray
    procedure_field: list[str]
    procedure_provincial: np.ndarray
    procedure_department: list[str | None]
    procedure_limit_kind: list[str]
    procedure_limit: np.ndarray
    procedure_fee: np.ndarray
    procedure_online_full: np.ndarray
    procedure_weight: np.ndarray
    step_count: np.ndarray  # (P,)
    step_kind: np.ndarray  # (P, 7) object
    step_role: np.ndarray  # (P, 7) object
    step_budget: np.ndarray  # (P, 7) float hours
    names: list[str] = field(default_factory=list)


def _field_key(text: str) -> str:
    for key in (*COMMUNE_DESKS, "Lý lịch tư pháp", "Đường bộ"):
        if text.startswith(key):
            return key
    return text


def build_universe(*, communes: int = COMMUNES) -> Universe:
    """Agencies, ~200 officers and the procedure table (Django ORM, on an empty database)."""
    from django.contrib.auth.hashers import make_password

    from motcua.catalog.models import Procedure, Process
    from motcua.units.models import Dataset, Level, Role, RoleAssignment, Unit, User
    from motcua.units.services import agency_create

    province = Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE, code=HUE)
    units = list(
        Unit.objects.filter(province=province, level=Level.COMMUNE).order_by("code")[:communes]
    )
    rng = np.random.default_rng(11)
    agency_unit: dict[int, int] = {}
    identifier: dict[int, str] = {}

    def agency(unit, name, kind, ident):
        a = agency_create(unit=unit, name=name, kind=kind, identifier=ident)
        agency_unit[a.pk] = unit.pk
        identifier[a.pk] = ident
        return a

    # username, last name, first name, agency, role, unit
    people: list[tuple[str, str, str, int, str, int]] = []

    def person(username, agency_obj, role, unit, female):
        family = FAMILY[int(rng.integers(len(FAMILY)))][0]
        middle = MIDDLE_FEMALE if female else MIDDLE_MALE
        given = GIVEN_FEMALE if female else GIVEN_MALE
        last = f"{family} {middle[int(rng.integers(len(middle)))]}"
        first = given[int(rng.integers(len(given)))]
        people.append((username, last, first, agency_obj.pk, role, unit.pk))

    offices = []
    for n, unit in enumerate(units, start=1):
        office = agency(
            unit,
            f"Trung tâm Phục vụ hành chính công {unit.name}",
            "commune_office",
            f"000.{n:02d}.30.H57",
        )
        offices.append(office.pk)
        tag = f"xa{n:02d}"
        for i in range(3):
            person(f"{tag}.tiepnhan{i + 1}", office, Role.COUNTER_OFFICER, unit, i % 2 == 0)
        for i in range(COMMUNE_SPECIALISTS):
            person(f"{tag}.chuyenvien{i + 1}", office, Role.SPECIALIST, unit, i % 3 == 1)
        person(f"{tag}.truongphong", office, Role.HEAD_OF_DEPARTMENT, unit, False)
        person(f"{tag}.lanhdao", office, Role.LEADER, unit, False)
    center = agency(
        province,
        f"Trung tâm Phục vụ hành chính công {province.name}",
        "service_center",
        "000.00.00.H57",
    )
    for i in range(10):
        person(f"tinh.tiepnhan{i + 1}", center, Role.COUNTER_OFFICER, province, i % 2 == 0)
    person("tinh.truongphong", center, Role.HEAD_OF_DEPARTMENT, province, True)
    person("tinh.lanhdao", center, Role.LEADER, province, False)
    person("tinh.thanhtra", center, Role.INSPECTOR, province, True)
    department = {}
    for n, (key, name, kind) in enumerate(DEPARTMENTS, start=10):
        a = agency(province, name, kind, f"000.00.{n:02d}.H57")
        department[key] = a.pk
        tag = f"so-{key.lower()}"
        for i in range(DEPARTMENT_SPECIALISTS):
            person(f"{tag}.chuyenvien{i + 1}", a, Role.SPECIALIST, province, i % 2 == 1)
        person(f"{tag}.truongphong", a, Role.HEAD_OF_DEPARTMENT, province, False)
        person(f"{tag}.lanhdao", a, Role.LEADER, province, True)
    unusable = make_password(None)  # the load scripts open sessions without a password
    users = User.objects.bulk_create(
        [
            User(username=u, last_name=last, first_name=first, agency_id=a, password=unusable)
            for u, last, first, a, _role, _unit in people
        ]
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=role, unit_id=unit)
            for user, (_u, _l, _f, _a, role, unit) in zip(users, people, strict=True)
        ]
    )
    counters: dict[int, list[int]] = {}
    specialists: dict[int, list[int]] = {}
    heads: dict[int, int] = {}
    leaders: dict[int, int] = {}
    for user, (_u, _l, _f, a, role, _unit) in zip(users, people, strict=True):
        if role == Role.COUNTER_OFFICER:
            counters.setdefault(a, []).append(user.pk)
        elif role == Role.SPECIALIST:
            specialists.setdefault(a, []).append(user.pk)
        elif role == Role.HEAD_OF_DEPARTMENT:
            heads[a] = user.pk
        elif role == Role.LEADER:
            leaders[a] = user.pk
    for key in department:  # a department without counter staff receives nothing itself
        counters.setdefault(department[key], counters[center.pk])

    procedures = list(Procedure.objects.filter(code__in=MIX).order_by("code"))
    if len(procedures) != len(MIX):
        raise SystemExit(f"the seed catalogue has {len(procedures)} of the {len(MIX)} codes")
    size = len(procedures)
    kinds = np.full((size, 7), "", dtype=object)
    roles = np.full((size, 7), "", dtype=object)
    budgets = np.zeros((size, 7))
    counts = np.zeros(size, dtype=np.int64)
    for p, procedure in enumerate(procedures):
        process = Process.objects.for_procedure(procedure)
        steps = list(process.steps.all())
        counts[p] = len(steps)
        for k, step in enumerate(steps):
            kinds[p, k], roles[p, k], budgets[p, k] = step.kind, step.role, float(step.budget_hours)

    def department_key(code):
        return next((v for k, v in DEPARTMENT_OF.items() if code.startswith(k)), None)

    weights = np.array([MIX[p.code] for p in procedures], dtype=float)
    commune_weight = 1.0 / np.arange(1, len(units) + 1) ** 0.8
    return Universe(
        province=province.pk,
        communes=np.array([u.pk for u in units], dtype=np.int64),
        commune_weight=commune_weight / commune_weight.sum(),
        commune_office=np.array(offices, dtype=np.int64),
        center=center.pk,
        department=department,
        agency_unit=agency_unit,
        agency_identifier=identifier,
        counters={k: np.array(v, dtype=np.int64) for k, v in counters.items()},
        specialists={k: np.array(v, dtype=np.int64) for k, v in specialists.items()},
        heads=heads,
        leaders=leaders,
        procedure_ids=np.array([p.pk for p in procedures], dtype=np.int64),
        procedure_field=[_field_key(p.field) for p in procedures],
        procedure_provincial=np.array([p.level == "province" for p in procedures]),
        procedure_department=[department_key(p.code) for p in procedures],
        procedure_limit_kind=[p.limit_kind for p in procedures],
        procedure_limit=np.array([p.limit_amount for p in procedures], dtype=np.int64),
        procedure_fee=np.array([p.fee_vnd for p in procedures], dtype=np.int64),
        procedure_online_full=np.array([p.online_level == "full" for p in procedures]),
        procedure_weight=weights / weights.sum(),
        step_count=counts,
        step_kind=kinds,
        step_role=roles,
        step_budget=budgets,
    )


# -- time arithmetic (local seconds since the epoch, Asia/Ho_Chi_Minh) ------------------------


def _holidays(first: int, last: int) -> np.ndarray:
    import holidays

    return np.array(sorted(holidays.VN(years=range(first, last + 1))), dtype="datetime64[D]")


class Clock:
    """Working-time arithmetic over numpy arrays of local seconds."""

    def __init__(self, hol: np.ndarray):
        self.hol = hol

    def busday(self, days: np.ndarray, offset) -> np.ndarray:
        return np.busday_offset(days, offset, roll="forward", holidays=self.hol)

    def add_hours(self, start: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """``start`` plus ``hours`` working hours (07:30–16:30 stands for 8 hours)."""
        day = (start // 86400).astype("datetime64[D]")
        sec = start - day.astype(np.int64) * 86400
        working = np.is_busday(day, holidays=self.hol)
        elapsed = np.clip(sec - DAY_START, 0, DAY_WALL) * DAY_WORK / DAY_WALL
        elapsed = np.where(working, elapsed, 0)
        total = elapsed + np.asarray(hours) * 3600
        whole = np.floor(total / DAY_WORK).astype(np.int64)
        rest = total - whole * DAY_WORK
        # Exactly at the end of a day stays on that day rather than the next morning.
        at_end = (rest == 0) & (whole > 0)
        whole = np.where(at_end, whole - 1, whole)
        rest = np.where(at_end, DAY_WORK, rest)
        out_day = self.busday(day, whole)
        return (
            out_day.astype(np.int64) * 86400
            + DAY_START
            + (rest * DAY_WALL / DAY_WORK).astype(np.int64)
        )

    def add_days(self, start: np.ndarray, days: np.ndarray) -> np.ndarray:
        """``days`` working days later, same time of day."""
        day = (start // 86400).astype("datetime64[D]")
        sec = start - day.astype(np.int64) * 86400
        return self.busday(day, days).astype(np.int64) * 86400 + sec


# -- the simulation ---------------------------------------------------------------------------


@dataclass
class Batch:
    dossiers: list[tuple] = field(default_factory=list)
    steps: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    requests: list[tuple] = field(default_factory=list)


def _pick(rng, pools: dict[int, np.ndarray], keys: np.ndarray) -> np.ndarray:
    out = np.zeros(len(keys), dtype=np.int64)
    for key in np.unique(keys):
        where = np.nonzero(keys == key)[0]
        pool = pools[int(key)]
        out[where] = pool[rng.integers(len(pool), size=len(where))]
    return out


class Names:
    """Applicant names with realistic frequencies, and their search form (memoised)."""

    def __init__(self, rng):
        from motcua.catalog.text import normalize_vietnamese

        self.rng = rng
        self.normalize = normalize_vietnamese
        weights = np.array([w for _n, w in FAMILY])
        self.family_p = weights / weights.sum()
        self.cache: dict[str, str] = {}

    def draw(self, n: int, organisation: np.ndarray) -> tuple[list[str], list[str]]:
        rng = self.rng
        family = rng.choice(len(FAMILY), size=n, p=self.family_p)
        female = rng.random(n) < 0.52
        two_middles = rng.random(n) < 0.25
        m1 = rng.integers(len(MIDDLE_MALE), size=n)
        m2 = rng.integers(len(MIDDLE_MALE), size=n)
        given = rng.integers(len(GIVEN_MALE), size=n)
        words = rng.integers(len(COMPANY_WORDS), size=n)
        kinds = rng.integers(len(COMPANY_KINDS), size=n)
        names, search = [], []
        for i in range(n):
            if organisation[i]:
                name = f"{COMPANY_KINDS[kinds[i]]} {COMPANY_WORDS[words[i]]}"
            else:
                middle = MIDDLE_FEMALE if female[i] else MIDDLE_MALE
                pool = GIVEN_FEMALE if female[i] else GIVEN_MALE
                first = pool[given[i] % len(pool)]
                parts = [FAMILY[family[i]][0], middle[m1[i]]]
                if two_middles[i]:
                    second = middle[m2[i]]
                    if second != parts[1]:
                        parts.append(second)
                name = " ".join([*parts, first])
            key = self.cache.get(name)
            if key is None:
                key = self.cache[name] = self.normalize(name)
            names.append(name)
            search.append(key)
        return names, search


def simulate(
    u: Universe,
    clock: Clock,
    names: Names,
    submitted_local: np.ndarray,
    *,
    now_local: int,
    rng,
    first_id: int,
    code_serial: dict,
) -> Batch:
    """Rows for the dossiers submitted at ``submitted_local`` (sorted local seconds)."""
    n = len(submitted_local)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    sub = submitted_local

    # What, where, how.
    proc = rng.choice(len(u.procedure_ids), size=n, p=u.procedure_weight)
    commune = rng.choice(len(u.communes), size=n, p=u.commune_weight)
    provincial = u.procedure_provincial[proc]
    field_of = np.array(u.procedure_field, dtype=object)[proc]
    dept_key = np.array(u.procedure_department, dtype=object)[proc]
    department = np.array([u.department[k] if k else 0 for k in dept_key.tolist()], dtype=np.int64)
    office = u.commune_office[commune]
    at_center = np.where(provincial, rng.random(n) < 0.7, rng.random(n) < 0.05)
    receiving = np.where(at_center, u.center, office)
    competent = np.where(provincial, department, office)
    online_ok = u.procedure_online_full[proc]
    r = rng.random(n)
    channel = np.where(
        online_ok,
        np.select([r < 0.6, r < 0.68, r < 0.98], [1, 3, 0], 2),
        np.select([r < 0.3, r < 0.35, r < 0.97], [1, 3, 0], 2),
    )  # 0 counter, 1 online, 2 postal, 3 assisted
    channel_names = np.array(["counter", "online", "postal", "assisted"], dtype=object)

    # Receipt: at once at the counter (a few minutes), within a working day otherwise.
    wait = np.where((channel == 1) | (channel == 3), rng.integers(0, 2, size=n), 0)
    recv_next = clock.add_days(sub, wait)
    recv = np.where(
        wait > 0,
        (recv_next // 86400) * 86400 + DAY_START + rng.integers(0, 8 * 3600, size=n),
        sub + rng.integers(120, 1800, size=n),
    )
    refused = rng.random(n) < 0.02

    # The process: steps (k = 0 receive ... last = return).
    count = u.step_count[proc]
    kinds = u.step_kind[proc]
    roles = u.step_role[proc]
    budget = u.step_budget[proc]
    kcol = np.arange(7)[None, :]
    exists = kcol < count[:, None]
    last = count - 1
    approve_k = np.argmax(kinds == "approve", axis=1)
    first_work_k = np.argmax((kinds == "appraise") | (kinds == "consult"), axis=1)

    # Legal due moment from receipt.
    limit = u.procedure_limit[proc]
    limit_kind = np.array(u.procedure_limit_kind, dtype=object)[proc]
    same_day_due = np.where(
        (recv % 86400) < 15 * 3600,
        (recv // 86400) * 86400 + 17 * 3600,
        clock.add_days((recv // 86400) * 86400 + 17 * 3600, np.ones(n, dtype=np.int64)),
    )
    calendar_due = clock.busday(((recv // 86400) + limit).astype("datetime64[D]"), 0).astype(
        np.int64
    ) * 86400 + (recv % 86400)
    legal_due = np.select(
        [limit_kind == "same-day", limit_kind == "calendar-days"],
        [same_day_due, calendar_due],
        clock.add_days(recv, limit),
    )

    # Supplements and the restarted clock.
    supp = ~refused & (rng.random(n) < 0.07) & (limit_kind != "same-day")
    assign_at = clock.add_hours(recv, rng.uniform(0.1, 3.0, size=n))
    req_at = clock.add_hours(assign_at, rng.uniform(0.5, 6.0, size=n))
    done_at = clock.add_days(req_at, rng.integers(1, 11, size=n)) + rng.integers(
        0, 3 * 3600, size=n
    )
    restart_due = np.select(
        [limit_kind == "calendar-days"],
        [done_at + limit * 86400],
        clock.add_days(done_at, limit),
    )
    due_row = np.where(supp, restart_due, legal_due)
    base = np.where(supp, done_at, assign_at)

    # Speed: a share of each step's budget; late dossiers overrun it.
    late_p = np.array([LATE.get(f, LATE_DEFAULT) for f in field_of.tolist()])
    late = rng.random(n) < late_p
    speed = np.where(late, rng.uniform(1.1, 2.5, size=n), rng.uniform(0.3, 1.0, size=n))
    # Step boundaries: start[k], end[k]. Steps before the first work step end at
    # assignment; later ones follow from ``base`` at ``speed``.
    start = np.full((n, 7), NEVER, dtype=np.int64)
    end = np.full((n, 7), NEVER, dtype=np.int64)
    start[:, 0] = end[:, 0] = recv
    cursor = base.copy()
    for k in range(1, 7):
        live = exists[:, k]
        is_last = k == last
        before_work = k < first_work_k
        start_k = np.where(k == 1, recv, end[:, k - 1])
        start_k = np.where(start_k >= NEVER, recv, start_k)  # past the last step: unused
        # The return step starts when the result is ready, shortly after the previous.
        start_k = np.where(is_last, start_k + rng.integers(60, 7200, size=n), start_k)
        hours = budget[:, k] * speed
        end_work = clock.add_hours(np.maximum(cursor, start_k), hours)
        pickup = clock.add_days(start_k, rng.integers(0, 6, size=n)) + rng.integers(
            0, 4 * 3600, size=n
        )
        pickup = np.where((channel == 1) & (rng.random(n) < 0.5), start_k + 300, pickup)
        end_k = np.select([before_work, is_last], [assign_at, pickup], end_work)
        end_k = np.maximum(end_k, start_k + 60)
        start[:, k] = np.where(live, start_k, NEVER)
        end[:, k] = np.where(live, end_k, NEVER)
        cursor = np.where(live & ~before_work & ~is_last, end_k, cursor)

    # Stuck dossiers (the backlog): frozen at a work step or at approval.
    stuck_p = np.array([STUCK.get(f, STUCK_DEFAULT) for f in field_of.tolist()])
    recent = recv >= now_local - 730 * 86400
    stuck = ~refused & recent & (rng.random(n) < stuck_p)
    work_steps = exists & np.isin(kinds, ["appraise", "consult", "review"])
    choice = rng.random((n, 7)) * work_steps
    stuck_k = np.where(rng.random(n) < 0.1, approve_k, np.argmax(choice, axis=1))
    stuck_k = np.where(work_steps.any(axis=1) | (stuck_k == approve_k), stuck_k, approve_k)
    stuck_supp = stuck & (stuck_k != approve_k) & (rng.random(n) < 0.25)
    # A supplement that never came back holds the dossier at its first work step.
    stuck_k = np.where(stuck_supp & supp, first_work_k, stuck_k)
    for k in range(7):
        freeze = stuck & (k >= stuck_k)
        end[:, k] = np.where(freeze, NEVER, end[:, k])
        start[:, k] = np.where(stuck & (k > stuck_k), NEVER, start[:, k])

    # Withdrawn / stopped part-way: the step running then ends then, later ones never start.
    going = ~refused
    quit_kind = np.where(going & (rng.random(n) < 0.018), rng.integers(1, 6, size=n), 0)
    quit_kind = np.where(quit_kind == 1, 2, np.where(quit_kind > 0, 1, 0))  # 1 withdraw 2 stop
    rr_k = last  # the return step starts when the result is ready
    ready_at = np.take_along_axis(start, rr_k[:, None], axis=1)[:, 0]
    span_end = np.where(ready_at >= NEVER, now_local + 86400 * 30, ready_at)
    quit_at = assign_at + ((span_end - assign_at) * rng.uniform(0.1, 0.9, size=n)).astype(np.int64)
    quitting = quit_kind > 0
    for k in range(7):
        running = quitting & (start[:, k] <= quit_at) & (end[:, k] > quit_at)
        end[:, k] = np.where(running, quit_at, end[:, k])
        start[:, k] = np.where(quitting & (start[:, k] > quit_at), NEVER, start[:, k])
        end[:, k] = np.where(quitting & (start[:, k] >= NEVER), NEVER, end[:, k])

    # Rejections on the merits; consultations of another agency.
    rejected = going & (rng.random(n) < 0.01)
    consult = going & (rng.random(n) < 0.02)
    cw = first_work_k
    cw_start = np.take_along_axis(start, cw[:, None], axis=1)[:, 0]
    consult = consult & (cw_start < NEVER)
    cw_start = np.where(cw_start >= NEVER, recv, cw_start)
    cw_end = np.take_along_axis(end, cw[:, None], axis=1)[:, 0]
    cw_end_f = np.where(cw_end >= NEVER, cw_start + 20 * 86400, cw_end)
    consult_at = cw_start + (np.maximum(cw_end_f - cw_start, 600) * 0.2).astype(np.int64)
    answer_at = cw_start + (np.maximum(cw_end_f - cw_start, 600) * 0.7).astype(np.int64)
    answer_at = np.where(stuck & (stuck_k == cw), NEVER, answer_at)
    other_agency = np.where(provincial, office, u.department["TP"])
    consult_due = clock.add_days(consult_at, np.full(n, 5))

    # Officers.
    counter = _pick(rng, u.counters, receiving)
    specialist = np.zeros(n, dtype=np.int64)
    for a in np.unique(competent):
        where_a = competent == a
        pool = u.specialists[int(a)]
        if int(a) in u.commune_office:
            for f in np.unique(field_of[where_a]):
                where = np.nonzero(where_a & (field_of == f))[0]
                desks, weights = COMMUNE_DESKS.get(f, ((0, 1), (0.5, 0.5)))
                chosen = rng.choice(len(desks), size=len(where), p=weights)
                specialist[where] = pool[np.array(desks)[chosen]]
        else:
            where = np.nonzero(where_a)[0]
            w = 1.0 / np.arange(1, len(pool) + 1) ** 1.2
            specialist[where] = pool[rng.choice(len(pool), size=len(where), p=w / w.sum())]
    head = np.array([u.heads[int(a)] for a in competent.tolist()], dtype=np.int64)
    leader = np.array([u.leaders[int(a)] for a in competent.tolist()], dtype=np.int64)

    # Events (action, from, to, moment, actor); the state is that of the last one by now.
    events: list[tuple[np.ndarray, str, str, str, np.ndarray, np.ndarray]] = []

    def add(mask, action, frm, to, moment, actor):
        events.append((np.nonzero(mask)[0], action, frm, to, moment, actor))

    citizen = np.where((channel == 1) | (channel == 3), 0, counter)
    add(np.ones(n, dtype=bool), "submit", "draft", "submitted", sub, citizen)
    add(refused, "refuse", "submitted", "refused", recv, counter)
    add(going, "receive", "submitted", "received", recv, counter)
    add(going, "assign", "received", "processing", assign_at, counter)
    add(
        going & supp, "request_supplement", "processing", "supplement_requested", req_at, specialist
    )
    done_or_never = np.where(stuck_supp, NEVER, done_at)
    add(going & supp, "complete_supplement", "supplement_requested", "processing", done_or_never,
        counter)  # fmt: skip
    stuck_supp_at = np.take_along_axis(start, stuck_k[:, None], axis=1)[:, 0] + 3600
    add(stuck_supp & ~supp, "request_supplement", "processing", "supplement_requested",
        stuck_supp_at, specialist)  # fmt: skip
    add(consult, "consult", "processing", "consulting", consult_at, specialist)
    add(consult, "answer", "consulting", "processing", answer_at, counter)
    propose_at = np.take_along_axis(start, approve_k[:, None], axis=1)[:, 0]
    approve_end = np.take_along_axis(end, approve_k[:, None], axis=1)[:, 0]
    add(going, "propose", "processing", "awaiting_approval", propose_at, specialist)
    add(going & ~rejected, "approve", "awaiting_approval", "approved", approve_end, leader)
    add(going & rejected, "reject", "awaiting_approval", "rejected", approve_end, leader)
    # LT-001 approves before its consultations: the result is ready at the return step.
    add(going & ~rejected, "result_ready", "approved", "result_ready", ready_at, counter)
    returned_at = np.take_along_axis(end, last[:, None], axis=1)[:, 0]
    add(going, "return", "result_ready", "returned", returned_at, counter)
    add(quit_kind == 1, "withdraw", "processing", "withdrawn", quit_at, counter)
    add(quit_kind == 2, "stop", "processing", "stopped", quit_at, leader)

    d_idx = np.concatenate([e[0] for e in events])
    at = np.concatenate([e[4][e[0]] for e in events])
    action = np.concatenate([np.full(len(e[0]), e[1], dtype=object) for e in events])
    frm = np.concatenate([np.full(len(e[0]), e[2], dtype=object) for e in events])
    to = np.concatenate([np.full(len(e[0]), e[3], dtype=object) for e in events])
    actor = np.concatenate([e[5][e[0]] for e in events])
    # A withdrawn or stopped dossier has nothing after it.
    after_quit = quitting[d_idx] & (at > quit_at[d_idx])
    keep = (at <= now_local) & ~after_quit
    d_idx, at, action, frm, to, actor = (x[keep] for x in (d_idx, at, action, frm, to, actor))
    order = np.lexsort((np.arange(len(d_idx)), at, d_idx))
    d_idx, at, action, frm, to, actor = (x[order] for x in (d_idx, at, action, frm, to, actor))
    first = np.ones(len(d_idx), dtype=bool)
    first[1:] = d_idx[1:] != d_idx[:-1]
    starts = np.nonzero(first)[0]
    seq = np.arange(len(d_idx)) - np.repeat(starts, np.diff(np.append(starts, len(d_idx)))) + 1
    frm = frm.copy()
    frm[1:][~first[1:]] = to[:-1][~first[1:]]
    last_event = np.append(starts[1:] - 1, len(d_idx) - 1)
    state = np.full(n, "draft", dtype=object)
    state[d_idx[starts]] = to[last_event]
    event_count = np.zeros(n, dtype=np.int64)
    event_count[d_idx[starts]] = seq[last_event]
    updated = np.array(sub)
    updated[d_idx[starts]] = at[last_event]

    def when(name):
        out = np.full(n, NEVER, dtype=np.int64)
        mask = action == name
        out[d_idx[mask]] = at[mask]
        return out

    received_seen = when("receive")
    finished_seen = np.minimum(when("result_ready"), when("reject"))
    returned_seen = when("return")
    is_received = received_seen < NEVER
    is_open = np.isin(state, OPEN)

    # Steps as the events left them.
    has_steps = is_received
    started = (start <= now_local) & exists & has_steps[:, None]
    finished = started & (end <= now_local)
    closed = np.isin(state, ("returned", "withdrawn", "stopped"))
    # A closed dossier leaves no step open (close_open_steps), unstarted ones stay unstarted.
    role_actor = np.select(
        [roles == "specialist", roles == "head_of_department", roles == "leader"],
        [specialist[:, None], head[:, None], leader[:, None]],
        0,
    )
    role_actor = np.where(kinds == "receive", counter[:, None], role_actor)
    role_actor = np.where((kinds == "assign") | (kinds == "return"), 0, role_actor)
    # Before assignment the first open step has nobody yet (the agency's inbox).
    assigned = (assign_at <= now_local)[:, None] & (
        (start >= assign_at[:, None]) | (end > assign_at[:, None])
    )
    role_actor = np.where(assigned | (kcol == 0), role_actor, 0)
    step_agency = np.where(
        np.isin(kinds, ["receive", "return"]), receiving[:, None], competent[:, None]
    )
    # Planned due moments from receipt (_plan_steps), capped at the legal due moment.
    step_due = np.zeros((n, 7), dtype=np.int64)
    plan = recv.copy()
    for k in range(7):
        plan = clock.add_hours(plan, budget[:, k])
        step_due[:, k] = np.minimum(plan, legal_due)

    # Deadline colours of open dossiers and steps, outcomes of finished ones.
    def colour(start_at, due_at):
        share = (now_local - start_at) / np.maximum(due_at - start_at, 1)
        return np.where(due_at < now_local, "late", np.where(share >= 0.8, "at_risk", "on_track"))

    def outcome(finish_at, due_at):
        f_day, d_day = finish_at // 86400, due_at // 86400
        return np.where(f_day < d_day, "early", np.where(f_day == d_day, "on_time", "late"))

    clock_start = np.where(supp & (when("complete_supplement") < NEVER), done_at, recv)
    due_on_row = np.where(is_received & (state != "supplement_requested"), due_row, NEVER)
    d_status = np.where(is_open & (due_on_row < NEVER), colour(clock_start, due_on_row), "on_track")
    d_outcome = np.where(finished_seen < NEVER, outcome(finished_seen, due_row), "")

    # Codes per receiving agency and local day of submission.
    code = []
    for agency_id, moment in zip(receiving.tolist(), sub.tolist(), strict=True):
        day = dt.date.fromordinal(719163 + moment // 86400)
        key = (agency_id, day)
        serial = code_serial.get(key, 0) + 1
        code_serial[key] = serial
        code.append(f"{u.agency_identifier[agency_id]}-{day:%y%m%d}-{serial:04d}")

    organisation = np.array([k == "TC" for k in dept_key.tolist()]) & (rng.random(n) < 0.9)
    applicant, search = names.draw(n, organisation)
    id_number = np.char.add("046", rng.integers(10**8, 10**9, size=n).astype(str)).tolist()
    phone = np.char.add(
        rng.choice(["09", "03", "08", "07"], size=n), rng.integers(10**7, 10**8, size=n).astype(str)
    ).tolist()

    def utc(values: np.ndarray) -> list:
        """Local seconds → naive UTC datetimes (None for NEVER), as the session is UTC."""
        out = (values - OFFSET).astype("datetime64[s]").astype(object)
        return [None if v >= NEVER else o for v, o in zip(values.tolist(), out, strict=True)]

    ledger = [
        json.dumps(
            {
                "calendar_version": "bench",
                "extension": None,
                "limit": {"amount": int(a), "kind": k},
                "rule": "decree-118-2025",
                "schema": 1,
                "start": (dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=int(s)))
                .isoformat(),
                "supplement_rule": "restart",
                "supplements": [],
            }
        )
        if got
        else None
        for a, k, s, got in zip(
            limit.tolist(), limit_kind.tolist(), (recv - OFFSET).tolist(), is_received.tolist(),
            strict=True,
        )
    ]  # fmt: skip
    agency_unit = u.agency_unit
    batch = Batch()
    sub_utc, recv_utc = utc(sub), utc(np.where(is_received, recv, NEVER))
    due_utc, clock_utc = utc(due_on_row), utc(np.where(is_received, clock_start, NEVER))
    fin_utc, ret_utc, upd_utc = utc(finished_seen), utc(returned_seen), utc(updated)
    fee = u.procedure_fee[proc].tolist()
    paid = ((u.procedure_fee[proc] > 0) & (channel == 1) & (rng.random(n) < 0.7)).tolist()
    procedure_ids = u.procedure_ids[proc].tolist()
    for i in range(n):
        r_a, c_a = int(receiving[i]), int(competent[i])
        batch.dossiers.append(
            (
                int(ids[i]), code[i], state[i], procedure_ids[i], r_a, agency_unit[r_a],
                u.province, c_a, agency_unit[c_a], u.province,
                "organisation" if organisation[i] else "person", applicant[i], id_number[i],
                phone[i], "", f"{u.agency_identifier[r_a]}, Thành phố Huế", search[i],
                channel_names[channel[i]], "{}", sub_utc[i], recv_utc[i], due_utc[i],
                clock_utc[i], fin_utc[i], ret_utc[i], ledger[i], d_status[i], d_outcome[i],
                fee[i], paid[i], "", "", ZERO_HASH, int(event_count[i]), sub_utc[i], upd_utc[i],
                int(counter[i]) if channel[i] in (0, 2) else None,
            )
        )  # fmt: skip

    # Steps rows.
    rows_i, rows_k = np.nonzero(exists & has_steps[:, None])
    s_started = started[rows_i, rows_k]
    s_finished = finished[rows_i, rows_k] | (closed[rows_i] & s_started)
    s_start_at = start[rows_i, rows_k]
    s_end_at = np.where(
        finished[rows_i, rows_k], end[rows_i, rows_k], updated[rows_i]
    )  # closed early: the closing moment
    s_due = step_due[rows_i, rows_k]
    s_status = np.where(s_started & ~s_finished, colour(s_start_at, s_due), "on_track")
    s_outcome = np.where(s_finished, outcome(s_end_at, s_due), "")
    s_assignee = np.where(s_started, role_actor[rows_i, rows_k], 0)
    s_budget = (budget[rows_i, rows_k] * 3600).astype(np.int64).tolist()
    started_utc = utc(np.where(s_started, s_start_at, NEVER))
    finished_utc = utc(np.where(s_finished, s_end_at, NEVER))
    due_steps_utc = utc(s_due)
    for j, (i, k) in enumerate(zip(rows_i.tolist(), rows_k.tolist(), strict=True)):
        who = int(s_assignee[j])
        batch.steps.append(
            (
                int(ids[i]), k + 1, kinds[i, k], roles[i, k], int(step_agency[i, k]),
                who or None, s_budget[j], started_utc[j], due_steps_utc[j], finished_utc[j],
                s_outcome[j], s_status[j],
            )
        )  # fmt: skip

    # Events rows.
    at_utc = utc(at)
    event_unit = [agency_unit[int(receiving[i])] for i in d_idx.tolist()]
    for j, i in enumerate(d_idx.tolist()):
        who = int(actor[j])
        batch.events.append(
            (
                int(ids[i]), int(seq[j]), at_utc[j], who or None, "Cán bộ" if who else "",
                event_unit[j], action[j], frm[j], to[j], "{}", ZERO_HASH, ZERO_HASH,
            )
        )  # fmt: skip

    # Requests to other agencies.
    answered = answer_at <= now_local
    for i in np.nonzero(consult & (consult_at <= now_local))[0].tolist():
        batch.requests.append(
            (
                int(ids[i]), "consult", int(competent[i]), int(other_agency[i]),
                "Xác minh thông tin", utc(consult_at[i : i + 1])[0],
                utc(consult_due[i : i + 1])[0],
                utc(answer_at[i : i + 1])[0] if answered[i] else None,
                "Đã xác minh" if answered[i] else "",
                ("on_time" if answer_at[i] <= consult_due[i] else "late") if answered[i] else "",
            )
        )  # fmt: skip
    return batch


DOSSIER_COLUMNS = (
    "id", "code", "state", "procedure_id", "receiving_agency_id", "unit_id", "province_id",
    "competent_agency_id", "competent_unit_id", "competent_province_id", "applicant_kind",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
    "applicant_address", "applicant_search", "channel", "form_data", "submitted_at",
    "received_at", "due_at", "clock_started_at", "finished_at", "returned_at", "deadline",
    "deadline_status", "outcome", "fee_vnd", "fee_paid_online", "result_file", "result_note",
    "chain_head", "event_count", "created_at", "updated_at", "submitted_by_id",
)  # fmt: skip
STEP_COLUMNS = (
    "dossier_id", "order", "kind", "role", "agency_id", "assignee_id", "budget_seconds",
    "started_at", "due_at", "finished_at", "outcome", "deadline_status",
)  # fmt: skip
EVENT_COLUMNS = (
    "dossier_id", "seq", "at", "actor_id", "actor_name", "unit_id", "action", "from_state",
    "to_state", "payload", "prev_hash", "hash",
)  # fmt: skip
REQUEST_COLUMNS = (
    "dossier_id", "kind", "from_agency_id", "to_agency_id", "task", "requested_at", "due_at",
    "answered_at", "answer", "outcome",
)  # fmt: skip
TABLES = ("dossiers_dossier", "dossiers_dossierstep", "dossiers_dossierevent",
          "dossiers_agencyrequest")  # fmt: skip


def _tables():
    """(table, columns, batch attribute, extra columns and defaults) per table: columns the
    simulation does not fill get the field's default, so the load survives new fields."""
    from django.db import connection

    from motcua.dossiers.models import AgencyRequest, Dossier, DossierEvent, DossierStep

    result = []
    for model, columns, attribute in (
        (Dossier, DOSSIER_COLUMNS, "dossiers"),
        (DossierStep, STEP_COLUMNS, "steps"),
        (DossierEvent, EVENT_COLUMNS, "events"),
        (AgencyRequest, REQUEST_COLUMNS, "requests"),
    ):
        extra = [
            (f.column, f.get_db_prep_save(f.get_default(), connection))
            for f in model._meta.concrete_fields
            if f.column not in columns and not f.primary_key
        ]
        result.append((model._meta.db_table, columns, attribute, extra))
    return result


def insert_copy(batch: Batch, raw_connection, tables) -> dict[str, int]:
    counts = {}
    with raw_connection.cursor() as cursor:
        for table, columns, attribute, extra in tables:
            names = ", ".join(f'"{c}"' for c in (*columns, *(c for c, _ in extra)))
            defaults = tuple(v for _, v in extra)
            rows = getattr(batch, attribute)
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + defaults)
            counts[attribute] = len(rows)
    return counts


# -- the command ------------------------------------------------------------------------------


def configure(database: str) -> None:
    """The environment the generator and both load scripts run Django with."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "SECRET_KEY": BENCH_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "MOTCUA_SECURE_SSL": "0",
            "DEBUG": "0",
            "MOTCUA_VAR_DIR": str(VAR_DIR),
            "MOTCUA_TASK_BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "DATABASE_URL": f"{PG_SERVER}/{database}",
            "LOG_LEVEL": "WARNING",
        }
    )


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
        admin.execute(statement)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_ADMIN_DB}", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def drop_database(name: str) -> None:
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def submissions(n: int, *, start: dt.date, end: dt.date, hol, rng) -> np.ndarray:
    """``n`` sorted local moments on working days 07:30–16:30, growing 10% a year."""
    days = np.arange(np.datetime64(start), np.datetime64(end), dtype="datetime64[D]")
    days = days[np.is_busday(days, holidays=hol)]
    growth = 1.1 ** ((days - days[0]).astype(np.int64) / 365.0)
    day = np.sort(rng.choice(days, size=n, p=growth / growth.sum()))
    return np.sort(day.astype(np.int64) * 86400 + DAY_START + rng.integers(0, DAY_WALL, size=n))


def open_steps_per_officer(limit: int = 10) -> list[tuple[str, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, COUNT(*) FROM dossiers_dossierstep s "
            "JOIN units_user u ON u.id = s.assignee_id "
            "WHERE s.finished_at IS NULL AND s.started_at IS NOT NULL "
            "GROUP BY u.username ORDER BY 2 DESC LIMIT %s",
            [limit],
        )
        return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--db", default=PG_BENCH_DB)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", action="store_true", help="keep an existing database as it is (no-op)"
    )
    options = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    configure(options.db)
    if options.keep and database_exists(options.db):
        print(f"{options.db} exists; --keep: nothing to do", file=sys.stderr)
        return
    began = time.monotonic()
    timings: dict[str, float] = {}
    drop_database(options.db)
    pg_admin(f'CREATE DATABASE "{options.db}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    t = time.monotonic()
    call_command("setup", verbosity=0)  # what `motcua run` does first
    with transaction.atomic():
        universe = build_universe()
    timings["setup_s"] = time.monotonic() - t

    rng = np.random.default_rng(options.seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    now_local = int(now.timestamp()) + OFFSET
    end = (now + dt.timedelta(hours=7)).date()
    start = end.replace(year=end.year - options.years)
    hol = _holidays(start.year - 1, end.year + 2)
    clock = Clock(hol)
    names = Names(rng)
    moments = submissions(options.n, start=start, end=end + dt.timedelta(days=1), hol=hol, rng=rng)
    moments = np.minimum(moments, now_local - 60)
    moments.sort()

    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef NOT LIKE %s",
            [list(TABLES), "%UNIQUE%"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    t = time.monotonic()
    totals = {"dossiers": 0, "steps": 0, "events": 0, "requests": 0}
    serial: dict = {}
    raw = connection.connection
    simulate_s = 0.0
    for first in range(0, options.n, options.batch):
        chunk = moments[first : first + options.batch]
        s = time.monotonic()
        batch = simulate(
            universe, clock, names, chunk, now_local=now_local, rng=rng, first_id=first + 1,
            code_serial=serial,
        )  # fmt: skip
        simulate_s += time.monotonic() - s
        for key, value in insert_copy(batch, raw, tables).items():
            totals[key] += value
        raw.commit()
        print(
            f"  {first + len(chunk):,}/{options.n:,} dossiers ({time.monotonic() - t:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    timings["load_s"] = time.monotonic() - t
    timings["of_which_simulation_s"] = simulate_s
    t = time.monotonic()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
            last_id = f"SELECT COALESCE(MAX(id), 1) FROM {table}"  # noqa: S608 (constant)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({last_id}))")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
    timings["indexes_s"] = time.monotonic() - t
    t = time.monotonic()
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, as on a database in steady use (index-only scans).
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT state, COUNT(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC")
        states = dict(cursor.fetchall())
        sizes = {}
        for table in TABLES:
            cursor.execute(
                "SELECT pg_total_relation_size(%s), pg_relation_size(%s)", [table, table]
            )
            sizes[table] = cursor.fetchone()
    timings["analyze_s"] = time.monotonic() - t
    timings["total_s"] = time.monotonic() - began
    busiest = open_steps_per_officer(50)
    open_count = sum(v for k, v in states.items() if k in OPEN)
    print(
        json.dumps(
            {
                "database": options.db,
                **totals,
                "open_dossiers": open_count,
                "states": states,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "database_bytes": size,
                "table_bytes_total_and_heap": sizes,
                "busiest_officers_open_steps": busiest[:10],
                "top50_open_steps_min_median_max": [
                    busiest[-1][1],
                    int(np.median([b[1] for b in busiest])),
                    busiest[0][1],
                ]
                if busiest
                else None,
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                **{k: round(v, 1) for k, v in timings.items()},
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
