"""The catalogue exchange format (JSON and CSV): reading, validating and writing it.

Nothing here touches the database; ``motcua.catalog.services`` does the writes. The format
is documented in docs/catalog.md. Every problem found is reported with its row (the item
number in a JSON file, the line in a CSV file), the procedure code and the field, in
Vietnamese then English, and all problems of a file are collected before anything is
written.
"""

from motcua.catalog.exchange.data import (
    CSV_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    LINE_KEY,
    PROCEDURE_FIELDS,
    DocumentData,
    ProcedureData,
    ProcessData,
    StepData,
)
from motcua.catalog.exchange.errors import CatalogImportError, Issue
from motcua.catalog.exchange.reading import read_text, referenced_agencies
from motcua.catalog.exchange.validation import validate
from motcua.catalog.exchange.writing import procedure_data_from_db, to_csv, to_dict, to_json

__all__ = [
    "CSV_COLUMNS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LINE_KEY",
    "PROCEDURE_FIELDS",
    "CatalogImportError",
    "DocumentData",
    "Issue",
    "ProcedureData",
    "ProcessData",
    "StepData",
    "procedure_data_from_db",
    "read_text",
    "referenced_agencies",
    "to_csv",
    "to_dict",
    "to_json",
    "validate",
]
