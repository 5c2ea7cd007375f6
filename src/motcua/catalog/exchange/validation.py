"""Checking every item of a catalogue file, collecting every problem before any write."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from motcua.catalog.exchange.data import (
    CENT,
    DOCUMENT_KEYS,
    FALSE_WORDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    LINE_KEY,
    MAX_BUDGET_HOURS,
    MAX_FEE,
    MAX_ORDER,
    PROCEDURE_FIELDS,
    PROCESS_KEYS,
    REQUIRED_PROCEDURE_KEYS,
    STEP_KEYS,
    TRUE_WORDS,
    DocumentData,
    ProcedureData,
    ProcessData,
    StepData,
)
from motcua.catalog.exchange.errors import CatalogImportError, Issue
from motcua.catalog.models import (
    MAX_LIMIT_AMOUNT,
    DocumentForm,
    LimitKind,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    Process,
    RequiredDocument,
    StepKind,
    SupplementRule,
)
from motcua.catalog.rules import StepSpec, process_problems
from motcua.units.models import Role


def validate(data: Any, *, known_agencies: Iterable[str]) -> list[ProcedureData]:
    """Check every item of ``data``; return them all or raise ``CatalogImportError``."""
    items = _unwrap(data)
    known = set(known_agencies)
    issues: list[Issue] = []
    result: list[ProcedureData] = []
    first_row_of_code: dict[str, int] = {}
    for index, item in enumerate(items, start=1):
        checker = _ItemChecker(item, index, known)
        parsed = checker.run()
        issues.extend(checker.issues)
        if parsed is None:
            continue
        if parsed.code in first_row_of_code:
            issues.append(
                checker.issue(
                    f"mã thủ tục đã có ở {checker.row_word_vi} {first_row_of_code[parsed.code]}",
                    f"the code already appears at {checker.row_word_en} "
                    f"{first_row_of_code[parsed.code]}",
                    field="code",
                )
            )
            continue
        first_row_of_code[parsed.code] = checker.row
        result.append(parsed)
    if issues:
        raise CatalogImportError(issues)
    return result


def _unwrap(data: Any) -> list:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise CatalogImportError(
            [
                Issue(
                    "nội dung phải là một danh sách thủ tục hoặc một đối tượng có khoá "
                    "«procedures»",
                    "the content must be a list of procedures or an object with a 'procedures' key",
                )
            ]
        )
    issues = []
    unknown = sorted(set(data) - {"format", "version", "procedures"})
    if unknown:
        issues.append(
            Issue(
                f"khoá không được hỗ trợ: {', '.join(unknown)}",
                f"unsupported keys: {', '.join(unknown)}",
            )
        )
    if data.get("format", FORMAT_NAME) != FORMAT_NAME:
        issues.append(
            Issue(
                f"không phải tệp danh mục motcua (format = «{data.get('format')}»)",
                f"not a motcua catalogue file (format = '{data.get('format')}')",
            )
        )
    if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        issues.append(
            Issue(
                f"phiên bản định dạng {data.get('version')!r} không được hỗ trợ "
                f"(hỗ trợ {FORMAT_VERSION})",
                f"format version {data.get('version')!r} is not supported "
                f"(supported: {FORMAT_VERSION})",
            )
        )
    procedures = data.get("procedures")
    if not isinstance(procedures, list):
        issues.append(Issue("«procedures» phải là một danh sách", "'procedures' must be a list"))
    if issues:
        raise CatalogImportError(issues)
    return procedures


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class _ItemChecker:
    """Validates one procedure item, collecting every problem rather than stopping."""

    def __init__(self, item: Any, index: int, known_agencies: set[str]):
        self.item = item
        self.line_based = isinstance(item, dict) and LINE_KEY in item
        self.row = item[LINE_KEY] if self.line_based else index
        self.row_word_vi = "dòng" if self.line_based else "mục"
        self.row_word_en = "line" if self.line_based else "item"
        self.known_agencies = known_agencies
        self.code = ""
        self.issues: list[Issue] = []

    def issue(self, vi: str, en: str, *, field: str = "") -> Issue:
        return Issue(vi, en, row=self.row, line_based=self.line_based, code=self.code, field=field)

    def add(self, vi: str, en: str, *, field: str = "") -> None:
        self.issues.append(self.issue(vi, en, field=field))

    def run(self) -> ProcedureData | None:
        item = self.item
        if not isinstance(item, dict):
            self.add("mỗi thủ tục phải là một đối tượng JSON", "each procedure must be an object")
            return None
        raw_code = item.get("code")
        if isinstance(raw_code, str) and raw_code.strip():
            self.code = raw_code.strip()
        allowed = {*PROCEDURE_FIELDS, "documents", "process", LINE_KEY}
        for key in sorted(set(item) - allowed, key=str):
            self.add("trường không được hỗ trợ", "unsupported field", field=str(key))
        if "process" not in item:
            self.add(
                "thiếu quy trình mẫu (dùng null nếu thủ tục chưa có)",
                "the template process is missing (use null if the procedure has none)",
                field="process",
            )
        values: dict[str, Any] = {}
        for name in PROCEDURE_FIELDS:
            values[name] = self.scalar(item, name)
        self.check_code(values["code"])
        limit_ok = self.check_limit(values)
        documents = self.documents(item.get("documents", []))
        process = (
            self.process(item.get("process"), values, limit_ok=limit_ok)
            if "process" in item
            else None
        )
        if self.issues:
            return None
        code = values.pop("code")
        return ProcedureData(code=code, fields=values, documents=tuple(documents), process=process)

    # Scalars --------------------------------------------------------------------------------

    def scalar(self, item: dict, name: str) -> Any:
        value = item.get(name)
        required = name in REQUIRED_PROCEDURE_KEYS
        defaults: dict[str, Any] = {
            "code_note": "",
            "supplement_rule": SupplementRule.RESTART.value,
            "fee_vnd": 0,
            "fee_note": "",
            "is_inter_agency": False,
            "is_active": True,
        }
        choices = {
            "level": ProcedureLevel,
            "limit_kind": LimitKind,
            "supplement_rule": SupplementRule,
            "online_level": OnlineLevel,
        }
        if name in choices:
            return self.choice(value, choices[name], field=name, default=defaults.get(name))
        if name == "limit_amount":
            return self.integer(value, field=name, maximum=MAX_LIMIT_AMOUNT)
        if name == "fee_vnd":
            return self.integer(value, field=name, default=0, maximum=MAX_FEE)
        if name in ("is_inter_agency", "is_active"):
            return self.boolean(value, field=name, default=defaults[name])
        max_length = None if name == "fee_note" else _max_length(Procedure, name)
        return self.text(
            value, field=name, required=required, default=defaults.get(name), max_length=max_length
        )

    def text(
        self,
        value: Any,
        *,
        field: str,
        required: bool,
        default: str | None = "",
        max_length: int | None = None,
    ) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add("thiếu giá trị bắt buộc", "a value is required", field=field)
                return None
            return default if default is not None else ""
        if not isinstance(value, str):
            self.add(
                f"phải là chuỗi ký tự, không phải {value!r}",
                f"must be text, not {value!r}",
                field=field,
            )
            return None
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.add(
                f"dài {len(value)} ký tự, tối đa {max_length}",
                f"is {len(value)} characters long, at most {max_length} allowed",
                field=field,
            )
            return None
        return value

    def choice(self, value: Any, choices, *, field: str, default: str | None = None) -> str | None:
        if value is None or value == "":
            if default is not None:
                return default
            self.add("thiếu giá trị bắt buộc", "a value is required", field=field)
            return None
        allowed = ", ".join(choices.values)
        if not isinstance(value, str) or value.strip() not in choices.values:
            self.add(
                f"giá trị «{value}» không hợp lệ; dùng một trong: {allowed}",
                f"unknown value '{value}'; use one of: {allowed}",
                field=field,
            )
            return None
        return value.strip()

    def integer(
        self, value: Any, *, field: str, default: int | None = None, minimum: int = 0, maximum: int
    ) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            self.add("thiếu giá trị bắt buộc", "a value is required", field=field)
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None:
            self.add(
                f"phải là số nguyên, không phải {value!r}",
                f"must be a whole number, not {value!r}",
                field=field,
            )
            return None
        if not minimum <= number <= maximum:
            self.add(
                f"{number} nằm ngoài khoảng {minimum}–{maximum}",
                f"{number} is outside {minimum}–{maximum}",
                field=field,
            )
            return None
        return number

    def boolean(self, value: Any, *, field: str, default: bool) -> bool | None:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            if not value.strip():
                return default
            return value.strip().lower() in TRUE_WORDS
        self.add(
            f"phải là true hoặc false, không phải {value!r}",
            f"must be true or false, not {value!r}",
            field=field,
        )
        return None

    def check_code(self, code: str | None) -> None:
        if code and any(ch.isspace() for ch in code):
            self.add(
                "mã thủ tục không được chứa khoảng trắng",
                "a procedure code cannot contain spaces",
                field="code",
            )

    def check_limit(self, values: dict[str, Any]) -> bool:
        """Whether the time limit is usable; the step budgets are checked only against a
        usable limit, so one wrong amount gives one message rather than two."""
        kind, amount = values["limit_kind"], values["limit_amount"]
        if kind is None or amount is None:
            return False
        if kind == LimitKind.SAME_DAY and amount != 0:
            self.add(
                f"thời hạn trong ngày (same-day) phải có số lượng 0, không phải {amount}",
                f"a same-day limit takes amount 0, not {amount}",
                field="limit_amount",
            )
            return False
        if kind != LimitKind.SAME_DAY and amount < 1:
            self.add(
                f"thời hạn loại «{kind}» cần số lượng ít nhất là 1",
                f"a '{kind}' limit needs an amount of at least 1",
                field="limit_amount",
            )
            return False
        return True

    # Documents ------------------------------------------------------------------------------

    def documents(self, raw: Any) -> list[DocumentData]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.add("phải là một danh sách", "must be a list", field="documents")
            return []
        result: list[DocumentData] = []
        seen: set[int] = set()
        for position, doc in enumerate(raw, start=1):
            where = f"documents.{position}"
            if not isinstance(doc, dict):
                self.add("phải là một đối tượng", "must be an object", field=where)
                continue
            for key in sorted(set(doc) - set(DOCUMENT_KEYS), key=str):
                self.add("trường không được hỗ trợ", "unsupported field", field=f"{where}.{key}")
            order = self.integer(
                doc.get("order"),
                field=f"{where}.order",
                default=position,
                minimum=1,
                maximum=MAX_ORDER,
            )
            name = self.text(
                doc.get("name"),
                field=f"{where}.name",
                required=True,
                max_length=_max_length(RequiredDocument, "name"),
            )
            form = self.choice(doc.get("form"), DocumentForm, field=f"{where}.form")
            mandatory = self.boolean(doc.get("mandatory"), field=f"{where}.mandatory", default=True)
            template = self.text(
                doc.get("template_name"),
                field=f"{where}.template_name",
                required=False,
                max_length=_max_length(RequiredDocument, "template_name"),
            )
            if order is not None and order in seen:
                self.add(
                    f"thứ tự giấy tờ {order} bị trùng",
                    f"document order {order} is used twice",
                    field=f"{where}.order",
                )
                continue
            if order is not None:
                seen.add(order)
            if None in (order, name, form, mandatory, template):
                continue
            result.append(DocumentData(order, name, mandatory, form, template))
        return sorted(result, key=lambda d: d.order)

    # The template process -------------------------------------------------------------------

    def process(self, raw: Any, values: dict[str, Any], *, limit_ok: bool) -> ProcessData | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.add(
                "phải là một đối tượng hoặc null", "must be an object or null", field="process"
            )
            return None
        for key in sorted(set(raw) - set(PROCESS_KEYS), key=str):
            self.add("trường không được hỗ trợ", "unsupported field", field=f"process.{key}")
        default_name = f"Quy trình mẫu — {values['name']}" if values["name"] else ""
        name = self.text(
            raw.get("name"),
            field="process.name",
            required=False,
            default=default_name,
            max_length=_max_length(Process, "name"),
        )
        raw_steps = raw.get("steps")
        if not isinstance(raw_steps, list):
            self.add(
                "phải là một danh sách các bước", "must be a list of steps", field="process.steps"
            )
            return None
        steps: list[StepData] = []
        step_issues = len(self.issues)
        for position, step in enumerate(raw_steps, start=1):
            parsed = self.step(step, position)
            if parsed is not None:
                steps.append(parsed)
        if limit_ok and len(self.issues) == step_issues:
            for problem in process_problems(
                limit_kind=values["limit_kind"],
                limit_amount=values["limit_amount"],
                steps=[StepSpec(s.order, s.kind, s.budget_hours) for s in steps],
                field="process.steps",
            ):
                self.add(problem.vi, problem.en, field=problem.field)
        if name is None:
            return None
        return ProcessData(name=name, steps=tuple(sorted(steps, key=lambda s: s.order)))

    def step(self, raw: Any, position: int) -> StepData | None:
        where = f"process.steps.{position}"
        if not isinstance(raw, dict):
            self.add("phải là một đối tượng", "must be an object", field=where)
            return None
        for key in sorted(set(raw) - set(STEP_KEYS), key=str):
            self.add("trường không được hỗ trợ", "unsupported field", field=f"{where}.{key}")
        order = self.integer(
            raw.get("order"),
            field=f"{where}.order",
            default=position,
            minimum=1,
            maximum=MAX_ORDER,
        )
        kind = self.choice(raw.get("kind"), StepKind, field=f"{where}.kind")
        role = self.choice(raw.get("role"), Role, field=f"{where}.role")
        budget = self.budget(raw.get("budget_hours"), field=f"{where}.budget_hours")
        agency = raw.get("agency")
        if agency is not None and not (isinstance(agency, str) and agency.strip() == ""):
            if not isinstance(agency, str) or agency.strip() not in self.known_agencies:
                self.add(
                    f"không có cơ quan mang mã định danh «{agency}»",
                    f"no agency has the identifier '{agency}'",
                    field=f"{where}.agency",
                )
                return None
            agency = agency.strip()
        else:
            agency = None
        if None in (order, kind, role, budget):
            return None
        return StepData(order=order, kind=kind, role=role, agency=agency, budget_hours=budget)

    def budget(self, value: Any, *, field: str) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add("thiếu giá trị bắt buộc", "a value is required", field=field)
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.add(
                f"phải là số giờ, không phải {value!r}",
                f"must be a number of hours, not {value!r}",
                field=field,
            )
            return None
        if not Decimal(0) <= number <= MAX_BUDGET_HOURS:
            self.add(
                f"{value} giờ nằm ngoài khoảng 0–99999,99",
                f"{value} h is outside 0–99999.99",
                field=field,
            )
            return None
        if number != number.quantize(CENT):
            self.add(
                f"{value} giờ: tối đa hai chữ số thập phân",
                f"{value} h: at most two decimal places",
                field=field,
            )
            return None
        return number.quantize(CENT)
