"""Writes to the procedure catalogue: import, export and the shipped seed.

An import is an upsert by procedure code. For each procedure the documents and the national
template process are replaced whole by what the file says, but rows whose order is
unchanged are updated in place rather than deleted and recreated, so primary keys survive
and an import of an unchanged file writes nothing at all. Everything is validated before
the first write, and all writes happen in one transaction: a bad row anywhere leaves the
catalogue exactly as it was. Agency-specific processes are local configuration and are
neither imported nor exported.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError, RestrictedError

from motcua.catalog.exchange import (
    CatalogImportError,
    DocumentData,
    Issue,
    ProcedureData,
    ProcessData,
    procedure_data_from_db,
    read_text,
    referenced_agencies,
    to_csv,
    to_json,
    validate,
)
from motcua.catalog.models import Procedure, Process, ProcessStep, RequiredDocument
from motcua.units.models import Agency, ReferenceDataLoad

__all__ = [
    "SEED_PATH",
    "CatalogImportError",
    "ImportReport",
    "catalog_export",
    "catalog_import",
    "catalog_import_text",
    "catalog_seed",
]

logger = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parent / "data" / "seed.json"
# ReferenceDataLoad row recording which version (hash) of seed.json is loaded.
SEED_LOAD_NAME = "catalog-seed"


@dataclass
class ImportReport:
    source: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # The seed was already loaded in this version and nothing was read.
    skipped: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        if self.skipped:
            return (
                f"{self.source}: danh mục mẫu đã được nạp, bỏ qua / "
                "seed catalogue already loaded, skipped"
            )
        return (
            f"{self.source}: {len(self.created)} thêm mới, {len(self.updated)} cập nhật, "
            f"{len(self.unchanged)} không đổi / {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged"
        )


# --- import ----------------------------------------------------------------------------------


def catalog_import(*, data: dict | list, source: str) -> ImportReport:
    """Upsert the procedures in ``data`` (the structure of docs/catalog.md).

    Raises ``CatalogImportError`` listing every problem, with nothing written.
    """
    identifiers = referenced_agencies(data)
    agency_ids = dict(
        Agency.objects.filter(identifier__in=identifiers).values_list("identifier", "id")
    )
    items = validate(data, known_agencies=agency_ids)
    report = ImportReport(source=source)
    try:
        with transaction.atomic():
            _write(items, agency_ids, report)
    except IntegrityError:
        # Validation ran outside the lock; only a concurrent writer gets here (two imports
        # creating the same code at once). The whole import rolled back.
        raise CatalogImportError(
            [
                Issue(
                    "danh mục vừa bị thay đổi đồng thời bởi một thao tác khác; hãy nhập lại",
                    "the catalogue was changed concurrently by another operation; import again",
                )
            ]
        ) from None
    logger.info("catalog import from %s: %s", source, report.summary())
    return report


def catalog_import_text(*, text: str, format: str, source: str) -> ImportReport:
    """Read a JSON or CSV catalogue file's text and import it."""
    return catalog_import(data=read_text(text=text, format=format), source=source)


def _existing(codes: list[str]) -> dict[str, Procedure]:
    # Lock the procedures being replaced: two imports touching the same procedure queue up
    # instead of interleaving their document and step rows.
    steps = ProcessStep.objects.select_related("agency").order_by("order")
    templates = Process.objects.filter(agency__isnull=True).prefetch_related(
        Prefetch("steps", queryset=steps)
    )
    queryset = (
        Procedure.objects.select_for_update()
        .filter(code__in=codes)
        .prefetch_related(
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order")),
            Prefetch("processes", queryset=templates, to_attr="templates"),
        )
    )
    return {procedure.code: procedure for procedure in queryset}


def _write(items: list[ProcedureData], agency_ids: dict[str, int], report: ImportReport) -> None:
    existing = _existing([item.code for item in items])
    for item in items:
        procedure = existing.get(item.code)
        try:
            if procedure is None:
                _create(item, agency_ids)
                report.created.append(item.code)
            elif _update(procedure, item, agency_ids):
                report.updated.append(item.code)
            else:
                report.unchanged.append(item.code)
        except (ProtectedError, RestrictedError):
            raise CatalogImportError(
                [
                    Issue(
                        "không thể xoá giấy tờ hoặc bước quy trình đang được hồ sơ sử dụng; "
                        "hãy giữ nguyên thứ tự của chúng",
                        "cannot delete a document or process step that dossiers refer to; "
                        "keep their order numbers",
                        code=item.code,
                    )
                ]
            ) from None


def _create(item: ProcedureData, agency_ids: dict[str, int]) -> None:
    procedure = Procedure(code=item.code, **item.fields)
    procedure.save()
    RequiredDocument.objects.bulk_create([_document(procedure, doc) for doc in item.documents])
    if item.process is not None:
        _create_template(procedure, item.process, agency_ids)


def _create_template(procedure: Procedure, data: ProcessData, agency_ids: dict[str, int]) -> None:
    process = Process.objects.create(procedure=procedure, agency=None, name=data.name)
    ProcessStep.objects.bulk_create(
        [
            ProcessStep(
                process=process,
                order=step.order,
                kind=step.kind,
                role=step.role,
                agency_id=agency_ids[step.agency] if step.agency else None,
                budget_hours=step.budget_hours,
            )
            for step in data.steps
        ]
    )


def _document(procedure: Procedure, doc: DocumentData) -> RequiredDocument:
    return RequiredDocument(
        procedure=procedure,
        order=doc.order,
        name=doc.name,
        mandatory=doc.mandatory,
        form=doc.form,
        template_name=doc.template_name,
    )


def _update(procedure: Procedure, item: ProcedureData, agency_ids: dict[str, int]) -> bool:
    """Bring ``procedure`` to what ``item`` says; return whether anything changed."""
    template = procedure.templates[0] if procedure.templates else None
    current = procedure_data_from_db(procedure, template)
    if current == item:
        return False
    for name, value in item.fields.items():
        setattr(procedure, name, value)
    if current.documents != item.documents:
        _sync_documents(procedure, item.documents)
    if current.process != item.process:
        _sync_template(procedure, template, item.process, agency_ids)
    # A full save also refreshes updated_at and search_text when only the children changed:
    # "the catalogue entry changed" is what updated_at means to its readers.
    procedure.save()
    return True


def _sync_documents(procedure: Procedure, documents: tuple[DocumentData, ...]) -> None:
    current = {doc.order: doc for doc in procedure.documents.all()}
    wanted = {doc.order: doc for doc in documents}
    RequiredDocument.objects.filter(
        pk__in=[doc.pk for order, doc in current.items() if order not in wanted]
    ).delete()
    new = []
    for order, data in wanted.items():
        row = current.get(order)
        if row is None:
            new.append(_document(procedure, data))
            continue
        values = {
            "name": data.name,
            "mandatory": data.mandatory,
            "form": data.form,
            "template_name": data.template_name,
        }
        if any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=list(values))
    RequiredDocument.objects.bulk_create(new)


def _sync_template(
    procedure: Procedure,
    template: Process | None,
    data: ProcessData | None,
    agency_ids: dict[str, int],
) -> None:
    if data is None:
        if template is not None:
            template.delete()
        return
    if template is None:
        _create_template(procedure, data, agency_ids)
        return
    if template.name != data.name:
        template.name = data.name
        template.save(update_fields=["name"])
    current = {step.order: step for step in template.steps.all()}
    wanted = {step.order: step for step in data.steps}
    ProcessStep.objects.filter(
        pk__in=[step.pk for order, step in current.items() if order not in wanted]
    ).delete()
    new = []
    for order, step in wanted.items():
        values = {
            "kind": step.kind,
            "role": step.role,
            "agency_id": agency_ids[step.agency] if step.agency else None,
            "budget_hours": step.budget_hours,
        }
        row = current.get(order)
        if row is None:
            new.append(ProcessStep(process=template, order=order, **values))
            continue
        if any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=list(values))
    ProcessStep.objects.bulk_create(new)


# --- seed ------------------------------------------------------------------------------------


def catalog_seed(*, force: bool = False) -> ImportReport:
    """Import the shipped catalogue (data/seed.json) unless this version is already loaded.

    Skipping an already-loaded version keeps a second start fast and, more importantly,
    keeps a province's own edits to seeded procedures: they are overwritten only when a
    new release ships a changed seed, or with ``force``.
    """
    raw = SEED_PATH.read_bytes()
    version = hashlib.sha256(raw).hexdigest()[:16]
    with transaction.atomic():
        loaded = ReferenceDataLoad.objects.filter(name=SEED_LOAD_NAME, version=version).exists()
        if loaded and not force:
            return ImportReport(source="seed", skipped=True)
        report = catalog_import(data=json.loads(raw), source="seed")
        ReferenceDataLoad.objects.update_or_create(
            name=SEED_LOAD_NAME, defaults={"version": version}
        )
    return report


# --- export ----------------------------------------------------------------------------------


def catalog_export(*, format: str = "json") -> str:
    """The whole catalogue (active and inactive procedures, by code) as JSON or CSV text.

    What this returns, ``catalog_import_text`` reads back to the same catalogue.
    """
    if format not in ("json", "csv"):
        raise ValueError(f"unsupported export format {format!r} (use json or csv)")
    steps = ProcessStep.objects.select_related("agency").order_by("order")
    templates = Process.objects.filter(agency__isnull=True).prefetch_related(
        Prefetch("steps", queryset=steps)
    )
    procedures = Procedure.objects.order_by("code").prefetch_related(
        Prefetch("documents", queryset=RequiredDocument.objects.order_by("order")),
        Prefetch("processes", queryset=templates, to_attr="templates"),
    )
    items = [procedure_data_from_db(p, p.templates[0] if p.templates else None) for p in procedures]
    return to_json(items) if format == "json" else to_csv(items)
