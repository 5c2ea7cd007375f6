"""Turning stored procedures into the exchange format (JSON or CSV text)."""

import csv
import io
import json
from decimal import Decimal
from typing import Any

from motcua.catalog.exchange.data import (
    CENT,
    CSV_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    PROCEDURE_FIELDS,
    DocumentData,
    ProcedureData,
    ProcessData,
    StepData,
)
from motcua.catalog.models import Procedure, Process


def procedure_data_from_db(procedure: Procedure, template: Process | None) -> ProcedureData:
    """The exchange form of a stored procedure (documents and template steps prefetched)."""
    fields = {name: getattr(procedure, name) for name in PROCEDURE_FIELDS if name != "code"}
    documents = tuple(
        DocumentData(d.order, d.name, d.mandatory, d.form, d.template_name)
        for d in sorted(procedure.documents.all(), key=lambda d: d.order)
    )
    process = None
    if template is not None:
        process = ProcessData(
            name=template.name,
            steps=tuple(
                StepData(
                    order=s.order,
                    kind=s.kind,
                    role=s.role,
                    agency=s.agency.identifier if s.agency_id else None,
                    budget_hours=Decimal(s.budget_hours).quantize(CENT),
                )
                for s in sorted(template.steps.all(), key=lambda s: s.order)
            ),
        )
    return ProcedureData(code=procedure.code, fields=fields, documents=documents, process=process)


def _hours_json(hours: Decimal) -> int | float:
    # JSON numbers read better than strings; two decimals survive a float round trip.
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def to_dict(data: ProcedureData) -> dict[str, Any]:
    result: dict[str, Any] = {"code": data.code}
    result.update({name: data.fields[name] for name in PROCEDURE_FIELDS if name != "code"})
    result["documents"] = [
        {
            "order": d.order,
            "name": d.name,
            "mandatory": d.mandatory,
            "form": d.form,
            "template_name": d.template_name,
        }
        for d in data.documents
    ]
    result["process"] = (
        None
        if data.process is None
        else {
            "name": data.process.name,
            "steps": [
                {
                    "order": s.order,
                    "kind": s.kind,
                    "role": s.role,
                    "agency": s.agency,
                    "budget_hours": _hours_json(s.budget_hours),
                }
                for s in data.process.steps
            ],
        }
    )
    return result


def to_json(items: list[ProcedureData]) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "procedures": [to_dict(item) for item in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(items: list[ProcedureData]) -> str:
    """One row per procedure; ``documents`` and ``process`` cells hold compact JSON."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        as_dict = to_dict(item)
        row = []
        for name in CSV_COLUMNS:
            value = as_dict[name]
            if name in ("documents", "process"):
                row.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
            elif isinstance(value, bool):
                row.append("true" if value else "false")
            else:
                row.append(str(value))
        writer.writerow(row)
    return out.getvalue()
