"""Reading a catalogue file's text (JSON or CSV) into plain Python structures."""

import csv
import io
import json
from typing import Any

from motcua.catalog.exchange.data import CSV_COLUMNS, LINE_KEY
from motcua.catalog.exchange.errors import CatalogImportError, Issue


def read_text(*, text: str, format: str) -> dict | list:
    """Parse the text of a catalogue file into the structure ``catalog_import`` takes."""
    text = text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a byte-order mark
    if format == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CatalogImportError(
                [
                    Issue(
                        f"JSON không hợp lệ ở dòng {error.lineno}, cột {error.colno} ({error.msg})",
                        f"invalid JSON at line {error.lineno}, column {error.colno} ({error.msg})",
                    )
                ]
            ) from None
    if format == "csv":
        return _read_csv(text)
    raise CatalogImportError(
        [
            Issue(
                f"định dạng «{format}» không được hỗ trợ (dùng json hoặc csv)",
                f"unsupported format '{format}' (use json or csv)",
            )
        ]
    )


def _read_csv(text: str) -> list[dict]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CatalogImportError(
            [Issue("tệp CSV trống", "the CSV file is empty", row=1, line_based=True)]
        ) from None
    except csv.Error as error:
        raise CatalogImportError([_csv_error(error, 1)]) from None
    header = [name.strip() for name in header]
    issues = [
        Issue(
            f"cột «{name}» không được hỗ trợ",
            f"unsupported column '{name}'",
            row=1,
            line_based=True,
            field=name,
        )
        for name in header
        if name not in CSV_COLUMNS
    ]
    issues += [
        Issue("thiếu cột", "the column is missing", row=1, line_based=True, field=name)
        for name in CSV_COLUMNS
        if name not in header
    ]
    if issues:
        raise CatalogImportError(issues)
    rows: list[dict] = []
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            issues.append(_csv_error(error, start))
            break
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            issues.append(
                Issue(
                    f"dòng có {len(cells)} ô, tiêu đề có {len(header)} cột",
                    f"the row has {len(cells)} cells, the header {len(header)} columns",
                    row=start,
                    line_based=True,
                )
            )
            continue
        row: dict[str, Any] = {LINE_KEY: start}
        code = ""
        for name, cell in zip(header, cells, strict=True):
            if name == "code":
                code = cell.strip()
            if name in ("documents", "process"):
                parsed, problem = _json_cell(cell, name)
                if problem is not None:
                    issues.append(
                        Issue(problem[0], problem[1], row=start, line_based=True, code=code)
                    )
                    continue
                if parsed is not _MISSING:
                    row[name] = parsed
            elif cell.strip() != "":
                row[name] = cell
        rows.append(row)
    if issues:
        raise CatalogImportError(issues)
    return rows


_MISSING = object()


def _json_cell(cell: str, name: str) -> tuple[Any, tuple[str, str] | None]:
    cell = cell.strip()
    if cell == "":
        # No documents is an empty list; no process cell at all is reported as missing.
        return ([] if name == "documents" else _MISSING), None
    try:
        return json.loads(cell), None
    except json.JSONDecodeError as error:
        return None, (
            f"ô «{name}» không phải JSON hợp lệ ({error.msg}, ký tự {error.pos + 1})",
            f"the '{name}' cell is not valid JSON ({error.msg}, character {error.pos + 1})",
        )


def _csv_error(error: csv.Error, line: int) -> Issue:
    return Issue(
        f"không đọc được CSV ({error})", f"cannot read the CSV ({error})", row=line, line_based=True
    )


def referenced_agencies(data: Any) -> set[str]:
    """The agency identifiers named by steps, read leniently before validation so they can
    be looked up in one query."""
    found: set[str] = set()
    items = data.get("procedures") if isinstance(data, dict) else data
    for item in items if isinstance(items, list) else ():
        process = item.get("process") if isinstance(item, dict) else None
        steps = process.get("steps") if isinstance(process, dict) else None
        for step in steps if isinstance(steps, list) else ():
            agency = step.get("agency") if isinstance(step, dict) else None
            if isinstance(agency, str) and agency.strip():
                found.add(agency.strip())
    return found
