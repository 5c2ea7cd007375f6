"""The exchange format's constants and its data, independent of JSON or CSV."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

FORMAT_NAME = "motcua-catalog"
FORMAT_VERSION = 1

# Scalar procedure fields, in the order they are exported (JSON keys and CSV columns).
PROCEDURE_FIELDS = (
    "code",
    "code_note",
    "name",
    "field",
    "level",
    "competent_agency",
    "limit_kind",
    "limit_amount",
    "limit_source",
    "supplement_rule",
    "fee_vnd",
    "fee_note",
    "result_type",
    "online_level",
    "is_inter_agency",
    "is_active",
)
CSV_COLUMNS = (*PROCEDURE_FIELDS, "documents", "process")
DOCUMENT_KEYS = ("order", "name", "mandatory", "form", "template_name")
PROCESS_KEYS = ("name", "steps")
STEP_KEYS = ("order", "kind", "role", "agency", "budget_hours")
# A CSV row carries the line it started on, so messages can point at it.
LINE_KEY = "_line"

REQUIRED_PROCEDURE_KEYS = (
    "code",
    "name",
    "field",
    "level",
    "competent_agency",
    "limit_kind",
    "limit_amount",
    "limit_source",
    "result_type",
    "online_level",
)
MAX_BUDGET_HOURS = Decimal("99999.99")  # ProcessStep.budget_hours: max_digits=7, decimal_places=2
CENT = Decimal("0.01")
MAX_ORDER = 32767  # PositiveSmallIntegerField
MAX_FEE = 2_147_483_647  # PositiveIntegerField
TRUE_WORDS = {"true", "1", "yes", "có", "co", "x"}
FALSE_WORDS = {"false", "0", "no", "không", "khong", ""}


# --- the data, independent of where it came from ---------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentData:
    order: int
    name: str
    mandatory: bool
    form: str
    template_name: str


@dataclass(frozen=True, slots=True)
class StepData:
    order: int
    kind: str
    role: str
    agency: str | None  # the agency's identifier (national document-exchange code)
    budget_hours: Decimal


@dataclass(frozen=True, slots=True)
class ProcessData:
    name: str
    steps: tuple[StepData, ...]


@dataclass(frozen=True, slots=True)
class ProcedureData:
    code: str
    fields: Mapping[str, Any]  # every scalar field of PROCEDURE_FIELDS except code
    documents: tuple[DocumentData, ...]
    process: ProcessData | None  # the national template; None: the procedure has none
