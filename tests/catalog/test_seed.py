import json
import re

import pytest

from motcua.catalog.models import Procedure, Process, ProcessStep, RequiredDocument
from motcua.catalog.services import SEED_PATH, catalog_seed

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Procedure, RequiredDocument, Process, ProcessStep)
    }


def test_the_seed_loads_at_least_25_procedures_each_with_documents_and_a_valid_template():
    report = catalog_seed()
    assert len(report.created) >= 25
    procedures = Procedure.objects.prefetch_related("documents", "processes__steps")
    assert procedures.count() == len(report.created)
    for procedure in procedures:
        assert procedure.documents.exists(), procedure.code
        template = Process.objects.for_procedure(procedure)
        assert template.is_template
        template.check_steps()  # ordered, receive … return, budgets fit the legal limit


def test_the_seed_covers_both_levels_and_every_kind_of_limit_it_needs():
    catalog_seed()
    assert set(Procedure.objects.values_list("level", flat=True)) == {"commune", "province"}
    kinds = set(Procedure.objects.values_list("limit_kind", flat=True))
    assert {"days", "same-day", "calendar-days"} <= kinds
    assert Procedure.objects.filter(is_inter_agency=True).exists()


def test_every_seeded_time_limit_names_its_law_or_decree_and_article():
    data = json.loads(SEED_PATH.read_text())
    for procedure in data["procedures"]:
        source = procedure["limit_source"]
        assert re.search(r"(Luật|Nghị định|Thông tư)", source), procedure["code"]
        assert "Điều" in source, procedure["code"]


def test_local_codes_say_so_in_their_code_note():
    data = json.loads(SEED_PATH.read_text())
    for procedure in data["procedures"]:
        if procedure["code"].startswith("DEMO-"):
            assert "Mã nội bộ" in procedure["code_note"], procedure["code"]
        else:
            assert re.fullmatch(r"\d\.\d{6}", procedure["code"])


def test_the_known_national_codes_are_used_for_birth_registration_and_marital_status():
    catalog_seed()
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.time_limit() == ("same-day", 0)
    assert Procedure.objects.get(code="1.004873").time_limit() == ("days", 3)


def test_loading_the_seed_twice_changes_nothing():
    catalog_seed()
    before = snapshot()
    stamps = dict(Procedure.objects.values_list("code", "updated_at"))
    again = catalog_seed()
    assert again.skipped
    forced = catalog_seed(force=True)
    assert forced.created == [] and forced.updated == []
    assert len(forced.unchanged) == len(before["Procedure"])
    assert snapshot() == before
    assert dict(Procedure.objects.values_list("code", "updated_at")) == stamps


def test_a_second_seed_is_a_handful_of_queries(django_assert_max_num_queries):
    catalog_seed()
    # Four reads for the whole catalogue, the seed marker, and savepoints: the same count
    # for 30 procedures or 3,000.
    with django_assert_max_num_queries(13):
        catalog_seed(force=True)
    with django_assert_max_num_queries(3):
        catalog_seed()


def test_forcing_the_seed_restores_an_edited_procedure_with_the_same_keys():
    catalog_seed()
    before = snapshot()
    birth = Procedure.objects.get(code="1.001193")
    birth.fee_vnd = 99_000
    birth.save()
    birth.documents.order_by("order").first().delete()
    assert catalog_seed().skipped  # the province's edit survives a restart
    report = catalog_seed(force=True)
    assert report.updated == ["1.001193"]
    birth.refresh_from_db()
    assert birth.fee_vnd == 0
    after = snapshot()
    assert after["Procedure"] == before["Procedure"]
    assert after["ProcessStep"] == before["ProcessStep"]
    assert len(after["RequiredDocument"]) == len(before["RequiredDocument"])
