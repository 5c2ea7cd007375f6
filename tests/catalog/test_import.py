import pytest

from motcua.catalog.exchange import CatalogImportError
from motcua.catalog.models import Procedure, Process, ProcessStep, RequiredDocument
from motcua.catalog.services import catalog_export, catalog_import, catalog_import_text
from tests.catalog.support import catalogue, item, steps

pytestmark = pytest.mark.django_db


def rejected(*items, data=None) -> CatalogImportError:
    with pytest.raises(CatalogImportError) as error:
        catalog_import(data=data if data is not None else catalogue(*items), source="test")
    return error.value


def catalogue_rows():
    return (
        Procedure.objects.count(),
        RequiredDocument.objects.count(),
        Process.objects.count(),
        ProcessStep.objects.count(),
    )


def test_a_valid_file_creates_procedures_documents_and_templates():
    report = catalog_import(data=catalogue(item("A-1"), item("A-2")), source="test")
    assert report.created == ["A-1", "A-2"]
    assert catalogue_rows() == (2, 4, 2, 6)
    procedure = Procedure.objects.get(code="A-1")
    assert procedure.supplement_rule == "restart"  # Decree 61/2018 art. 19.4 by default
    assert procedure.fee_vnd == 0 and procedure.is_active
    assert [d.order for d in procedure.documents.order_by("order")] == [1, 2]


def test_a_bare_list_of_procedures_is_accepted():
    assert catalog_import(data=[item("A-1")], source="test").created == ["A-1"]


def test_budgets_that_do_not_add_up_are_refused_with_a_vietnamese_then_english_message():
    error = rejected(item("1.001193", process={"name": "Q", "steps": steps(4, 32, 4)}))
    assert str(error) == (
        "Thủ tục 1.001193 (mục 1), trường process.steps: tổng thời gian các bước (40 giờ) "
        "khác thời hạn luật định (24 giờ) / Procedure 1.001193 (item 1), field "
        "process.steps: step budgets (40 h) differ from the legal limit (24 h)"
    )
    assert catalogue_rows() == (0, 0, 0, 0)


def test_an_unknown_limit_kind_is_refused():
    error = rejected(item("B-1", limit_kind="weeks"))
    message = str(error)
    assert message.startswith("Thủ tục B-1 (mục 1), trường limit_kind: giá trị «weeks»")
    assert "unknown value 'weeks'; use one of: days, hours, calendar-days, same-day" in message
    assert catalogue_rows() == (0, 0, 0, 0)


def test_a_same_day_limit_with_an_amount_is_refused():
    error = rejected(item("B-2", limit_kind="same-day", limit_amount=3))
    assert error.issues[0].field == "limit_amount"
    assert "a same-day limit takes amount 0, not 3" in str(error)


def test_a_working_day_limit_of_zero_is_refused():
    error = rejected(item("B-3", limit_amount=0))
    assert "a 'days' limit needs an amount of at least 1" in str(error)


def test_a_duplicate_document_order_is_refused():
    documents = [
        {"order": 1, "name": "Tờ khai", "form": "original"},
        {"order": 1, "name": "Bản sao", "form": "copy"},
    ]
    error = rejected(item("B-4", documents=documents))
    assert error.issues[0].field == "documents.2.order"
    assert "document order 1 is used twice" in str(error)


def test_a_missing_name_is_refused():
    procedure = item("B-5")
    del procedure["name"]
    error = rejected(procedure)
    assert str(error).startswith("Thủ tục B-5 (mục 1), trường name: thiếu giá trị bắt buộc")
    assert "a value is required" in str(error)


def test_a_blank_name_is_refused_like_a_missing_one():
    error = rejected(item("B-6", name="   "))
    assert error.issues[0].field == "name"


def test_a_bad_row_in_the_middle_of_a_file_leaves_the_catalogue_unchanged():
    catalog_import(data=catalogue(item("C-1"), item("C-3")), source="before")
    before = catalog_export(format="json")
    rows = catalogue_rows()
    changed_first = item("C-1", name="Tên mới")
    bad_middle = item("C-2", limit_kind="same-day", limit_amount=3)
    new_last = item("C-4")
    error = rejected(changed_first, bad_middle, item("C-3"), new_last)
    assert [issue.code for issue in error.issues] == ["C-2"]
    assert error.issues[0].row == 2
    assert catalog_export(format="json") == before
    assert catalogue_rows() == rows


def test_every_problem_of_a_file_is_reported_not_only_the_first():
    error = rejected(
        item("D-1", limit_kind="weeks"),
        item("D-2", online_level="sometimes", documents=[{"form": "copy"}]),
    )
    assert [(i.code, i.field) for i in error.issues] == [
        ("D-1", "limit_kind"),
        ("D-2", "online_level"),
        ("D-2", "documents.1.name"),
    ]
    assert "(và 2 lỗi khác / and 2 more)" in str(error)


@pytest.mark.parametrize(
    ("change", "field", "english"),
    [
        ({"code": "có dấu cách"}, "code", "cannot contain spaces"),
        ({"level": "district"}, "level", "unknown value 'district'"),
        ({"limit_amount": "ba"}, "limit_amount", "must be a whole number"),
        ({"limit_amount": 5000}, "limit_amount", "is outside 0–3650"),
        ({"fee_vnd": -1}, "fee_vnd", "is outside"),
        ({"is_active": "maybe"}, "is_active", "must be true or false"),
        ({"colour": "red"}, "colour", "unsupported field"),
        ({"documents": "Tờ khai"}, "documents", "must be a list"),
        ({"process": {"steps": "all"}}, "process.steps", "must be a list of steps"),
    ],
)
def test_malformed_values_are_refused_naming_the_field(change, field, english):
    error = rejected(item("E-1") | change)
    assert error.issues[0].field == field
    assert english in str(error)


def test_a_step_with_an_unknown_kind_or_role_is_refused():
    bad = steps(2, 20, 2)
    bad[1]["kind"] = "pray"
    bad[2]["role"] = "mayor"
    error = rejected(item("E-2", process={"name": "Q", "steps": bad}))
    assert [i.field for i in error.issues] == ["process.steps.2.kind", "process.steps.3.role"]


def test_a_budget_with_more_than_two_decimals_is_refused():
    error = rejected(item("E-3", process={"name": "Q", "steps": steps(2, 19.995, 2.005)}))
    assert error.issues[0].field == "process.steps.2.budget_hours"


def test_a_missing_template_process_is_refused_but_an_explicit_null_is_accepted():
    procedure = item("E-4")
    del procedure["process"]
    assert rejected(procedure).issues[0].field == "process"
    catalog_import(data=catalogue(item("E-4", process=None)), source="test")
    assert not Process.objects.filter(procedure__code="E-4").exists()


def test_the_same_code_twice_in_one_file_is_refused():
    error = rejected(item("F-1"), item("F-1"))
    assert error.issues[0].row == 2
    assert "the code already appears at item 1" in str(error)


def test_a_step_naming_an_unknown_agency_is_refused(units):
    with_agency = steps(2, 20, 2)
    with_agency[1]["agency"] = "000.99.99.H99"
    error = rejected(item("G-1", process={"name": "Q", "steps": with_agency}))
    assert "no agency has the identifier '000.99.99.H99'" in str(error)


def test_a_step_may_name_an_agency_by_its_identifier(personas):
    with_agency = steps(2, 20, 2)
    with_agency[1]["agency"] = personas.provincial_center.identifier
    catalog_import(
        data=catalogue(item("G-2", process={"name": "Q", "steps": with_agency})), source="test"
    )
    step = ProcessStep.objects.get(process__procedure__code="G-2", order=2)
    assert step.agency == personas.provincial_center


def test_not_a_catalogue_at_all_is_refused():
    assert "must be a list of procedures" in str(rejected(data="hello"))
    assert "not a motcua catalogue file" in str(rejected(data={"format": "x", "procedures": []}))
    assert "'procedures' must be a list" in str(rejected(data={"procedures": {}}))


def test_reimporting_with_changes_updates_in_place_and_replaces_children_whole():
    catalog_import(data=catalogue(item("H-1")), source="first")
    procedure = Procedure.objects.get(code="H-1")
    first_document = procedure.documents.get(order=1)
    template = Process.objects.for_procedure(procedure)
    changed = item(
        "H-1",
        limit_amount=5,
        documents=[{"name": "Tờ khai mới", "form": "original"}],
        process={"name": "Quy trình mới", "steps": steps(4, 32, 4)},
    )
    report = catalog_import(data=catalogue(changed), source="second")
    assert report.updated == ["H-1"]
    procedure.refresh_from_db()
    assert procedure.time_limit() == ("days", 5)
    assert list(procedure.documents.values_list("pk", "name")) == [
        (first_document.pk, "Tờ khai mới")
    ]
    new_template = Process.objects.for_procedure(procedure)
    assert new_template.pk == template.pk and new_template.name == "Quy trình mới"
    assert [s.budget_hours for s in new_template.steps.all()] == [4, 32, 4]


def test_agency_processes_are_left_alone_by_an_import(personas):
    catalog_import(data=catalogue(item("H-2")), source="first")
    procedure = Procedure.objects.get(code="H-2")
    own = Process.objects.create(procedure=procedure, agency=personas.agency_a, name="Riêng")
    catalog_import(
        data=catalogue(
            item("H-2", limit_amount=4, process={"name": "Q", "steps": steps(2, 28, 2)})
        ),
        source="second",
    )
    assert Process.objects.for_procedure(procedure, personas.agency_a) == own


def test_csv_text_with_an_unknown_column_is_refused_naming_line_one():
    with pytest.raises(CatalogImportError) as error:
        catalog_import_text(text="code,colour\nX,red\n", format="csv", source="test")
    assert str(error.value).startswith("Dòng 1, trường colour: cột «colour» không được hỗ trợ")


def test_invalid_json_is_refused_with_its_line_and_column():
    with pytest.raises(CatalogImportError) as error:
        catalog_import_text(text='{"procedures": [\n  {,}\n]}', format="json", source="test")
    assert "invalid JSON at line 2, column 4" in str(error.value)


def test_a_bad_csv_row_is_named_by_its_line_even_after_multi_line_cells():
    catalog_import(data=catalogue(item("L-1", name="Tên có\nhai dòng"), item("L-2")), source="test")
    exported = catalog_export(format="csv")
    Procedure.objects.all().delete()
    broken = exported.replace("days,3,", "weeks,3,", 2)
    lines = broken.splitlines()
    assert lines[1].startswith("L-1") and lines[3].startswith("L-2")  # L-1 spans lines 2-3
    with pytest.raises(CatalogImportError) as error:
        catalog_import_text(text=broken, format="csv", source="test")
    assert [(i.code, i.row, i.line_based) for i in error.value.issues] == [
        ("L-1", 2, True),
        ("L-2", 4, True),
    ]
    assert str(error.value).startswith("Thủ tục L-1 (dòng 2), trường limit_kind:")
    assert not Procedure.objects.exists()
