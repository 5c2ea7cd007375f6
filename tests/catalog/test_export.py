import csv
import io
import json

import pytest

from motcua.catalog.exchange import CSV_COLUMNS
from motcua.catalog.models import Procedure, Process, ProcessStep, RequiredDocument
from motcua.catalog.services import catalog_export, catalog_import_text, catalog_seed
from tests.catalog.support import steps

pytestmark = pytest.mark.django_db


def wipe():
    Procedure.objects.all().delete()
    assert not (
        RequiredDocument.objects.exists()
        or Process.objects.exists()
        or ProcessStep.objects.exists()
    )


@pytest.fixture
def seeded():
    catalog_seed()
    # Cover what the seed lacks: an inactive procedure, a working-hour limit with fractional
    # budgets, a procedure without a template, a pause rule, and separators in the text.
    procedure = Procedure.objects.get(code="1.001193")
    procedure.is_active = False
    procedure.save()
    text = json.dumps(
        [
            {
                "code": "X-HOURS",
                "name": 'Thủ tục "giờ", có dấu phẩy; và xuống\ndòng',
                "field": "Thử nghiệm",
                "level": "province",
                "competent_agency": "Sở",
                "limit_kind": "hours",
                "limit_amount": 4,
                "limit_source": "Nghị định thử nghiệm, Điều 2",
                "supplement_rule": "pause",
                "result_type": "Kết quả",
                "online_level": "partial",
                "is_inter_agency": True,
                "process": {"name": "Q", "steps": steps(0.25, 3.5, 0.25)},
            },
            {
                "code": "X-NONE",
                "name": "Chưa có quy trình",
                "field": "Thử nghiệm",
                "level": "commune",
                "competent_agency": "UBND xã",
                "limit_kind": "calendar-days",
                "limit_amount": 30,
                "limit_source": "Luật thử nghiệm, Điều 3",
                "result_type": "Kết quả",
                "online_level": "full",
                "process": None,
            },
        ]
    )
    catalog_import_text(text=text, format="json", source="extra")


@pytest.mark.parametrize("format", ["json", "csv"])
def test_export_then_import_gives_an_identical_catalogue(seeded, format):
    exported = catalog_export(format=format)
    wipe()
    report = catalog_import_text(text=exported, format=format, source="round trip")
    assert len(report.created) == Procedure.objects.count()
    assert catalog_export(format=format) == exported
    # And the other format agrees too: both describe the same catalogue.
    other = "csv" if format == "json" else "json"
    assert catalog_export(format=other)


def test_json_and_csv_exports_describe_the_same_catalogue(seeded):
    as_json = catalog_export(format="json")
    as_csv = catalog_export(format="csv")
    wipe()
    catalog_import_text(text=as_csv, format="csv", source="csv")
    assert catalog_export(format="json") == as_json


def test_importing_an_export_over_the_same_catalogue_changes_nothing(seeded):
    exported = catalog_export(format="csv")
    report = catalog_import_text(text=exported, format="csv", source="again")
    assert report.created == [] and report.updated == []


def test_the_csv_has_one_row_per_procedure_with_json_cells(seeded):
    rows = list(csv.DictReader(io.StringIO(catalog_export(format="csv"), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == Procedure.objects.count()
    birth = next(row for row in rows if row["code"] == "1.001193")
    assert birth["is_active"] == "false"
    assert json.loads(birth["documents"])[0]["name"] == "Tờ khai đăng ký khai sinh"
    assert json.loads(birth["process"])["steps"][0]["kind"] == "receive"
    none = next(row for row in rows if row["code"] == "X-NONE")
    assert none["process"] == "null"


def test_a_csv_saved_by_a_spreadsheet_with_a_byte_order_mark_imports(seeded):
    exported = catalog_export(format="csv")
    wipe()
    catalog_import_text(text="\ufeff" + exported, format="csv", source="excel")
    assert catalog_export(format="csv") == exported


def test_an_unknown_export_format_is_refused(db):
    with pytest.raises(ValueError, match="xml"):
        catalog_export(format="xml")
