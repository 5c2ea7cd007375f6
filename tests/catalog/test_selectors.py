import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_field_list, procedure_get, procedure_list
from motcua.catalog.services import catalog_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded():
    catalog_seed()


def names(queryset):
    return [p.name for p in queryset]


def test_khai_sinh_without_diacritics_finds_birth_registration():
    assert "Đăng ký khai sinh" in names(procedure_list(q="khai sinh"))
    assert "Đăng ký khai sinh" in names(procedure_list(q="dang ky khai sinh"))


def test_an_upper_case_query_without_diacritics_finds_marriage_registration():
    assert names(procedure_list(q="DANG KY KET HON")) == ["Đăng ký kết hôn"]


def test_a_query_with_diacritics_matches_too():
    assert names(procedure_list(q="Đăng ký kết hôn")) == ["Đăng ký kết hôn"]


def test_every_word_must_match_in_any_order():
    assert names(procedure_list(q="sinh khai lai")) == ["Đăng ký lại khai sinh"]
    assert list(procedure_list(q="khai sinh ngoại tinh")) == []


def test_a_procedure_is_found_by_its_code():
    assert [p.code for p in procedure_list(q="1.001193")] == ["1.001193"]
    assert [p.code for p in procedure_list(q="demo-ht-002")] == ["DEMO-HT-002"]


def test_lists_filter_by_level_field_and_online_level():
    province = procedure_list(level="province")
    assert province.exists()
    assert set(province.values_list("level", flat=True)) == {"province"}
    civil = procedure_list(field="Hộ tịch", online_level="full")
    assert civil.exists()
    assert {(p.field, p.online_level) for p in civil} == {("Hộ tịch", "full")}
    assert "Hộ tịch" in procedure_field_list()


def test_inactive_procedures_are_left_out_of_lists():
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert "Đăng ký khai sinh" not in names(procedure_list(q="khai sinh"))
    with pytest.raises(Procedure.DoesNotExist):
        procedure_get("1.001193")
    assert procedure_get("1.001193", active_only=False).code == "1.001193"


def test_the_catalogue_list_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        list(procedure_list(q="dang ky", level="commune"))


def test_procedure_get_brings_documents_and_template_steps_in_order(django_assert_num_queries):
    with django_assert_num_queries(4):
        procedure = procedure_get("1.001193")
        orders = [d.order for d in procedure.documents.all()]
        (template,) = procedure.templates
        kinds = [s.kind for s in template.steps.all()]
    assert orders == sorted(orders)
    assert kinds[0] == "receive" and kinds[-1] == "return"
