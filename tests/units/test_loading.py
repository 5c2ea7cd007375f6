from collections import Counter

import pytest

from motcua.units.loading import load_units
from motcua.units.models import Dataset, Level, ReferenceDataLoad, Unit, UnitSuccession

pytestmark = pytest.mark.usefixtures("units")


def count(dataset, level):
    return Unit.objects.filter(dataset=dataset, level=level).count()


def test_two_level_model_has_34_provinces_and_3321_communes():
    assert count(Dataset.TWO_LEVEL, Level.PROVINCE) == 34
    assert count(Dataset.TWO_LEVEL, Level.COMMUNE) == 3321
    assert count(Dataset.TWO_LEVEL, Level.DISTRICT) == 0


def test_communes_split_into_xa_phuong_and_dac_khu():
    kinds = Counter(
        Unit.objects.filter(dataset=Dataset.TWO_LEVEL, level=Level.COMMUNE).values_list(
            "division_type", flat=True
        )
    )
    assert kinds == {"xã": 2621, "phường": 687, "đặc khu": 13}


def test_legacy_model_has_63_provinces_696_districts_10051_wards():
    assert count(Dataset.LEGACY, Level.PROVINCE) == 63
    assert count(Dataset.LEGACY, Level.DISTRICT) == 696
    assert count(Dataset.LEGACY, Level.COMMUNE) == 10051


def test_every_unit_knows_its_province():
    assert not Unit.objects.filter(province__isnull=True).exists()
    assert not Unit.objects.exclude(level=Level.PROVINCE).filter(parent__isnull=True).exists()
    # A legacy ward's province is its district's province.
    ward = Unit.objects.get(dataset=Dataset.LEGACY, level=Level.COMMUNE, code=1)
    assert ward.parent.level == Level.DISTRICT
    assert ward.province == ward.parent.province


def test_legacy_and_new_codes_overlap_but_are_different_units():
    legacy = Unit.objects.get(dataset=Dataset.LEGACY, level=Level.COMMUNE, code=4)
    new = Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.COMMUNE, code=4)
    assert legacy.pk != new.pk
    assert legacy.name == "Phường Trúc Bạch"
    assert new.name == "Phường Ba Đình"
    assert legacy.key == "legacy:commune:4"
    assert new.key == "two_level:commune:4"


def successors(code):
    legacy = Unit.objects.get(dataset=Dataset.LEGACY, level=Level.COMMUNE, code=code)
    return sorted(
        (s.successor.code, s.partial)
        for s in UnitSuccession.objects.filter(legacy=legacy).select_related("successor")
    )


def test_a_whole_ward_merged_into_one_new_ward():
    # Legacy Phường Trúc Bạch (4) went whole into the new Phường Ba Đình (4).
    assert successors(4) == [(4, False)]


def test_an_old_ward_split_across_several_new_wards():
    # Legacy ward 19 was divided between four new wards.
    assert successors(19) == [(4, True), (70, True), (190, True), (226, True)]


def test_the_mapping_reads_backwards_from_a_new_ward():
    new = Unit.objects.get(dataset=Dataset.TWO_LEVEL, level=Level.COMMUNE, code=4)
    predecessors = set(new.predecessions.values_list("legacy__code", flat=True))
    assert {4, 13, 16, 19, 22, 28, 112, 40, 55, 73} <= predecessors


def test_provinces_map_old_to_new():
    old_ba_ria = Unit.objects.get(dataset=Dataset.LEGACY, level=Level.PROVINCE, code=77)
    successor = old_ba_ria.successions.get().successor
    assert successor.name == "Thành phố Hồ Chí Minh"
    assert successor.dataset == Dataset.TWO_LEVEL


def test_loading_again_is_a_no_op_and_forcing_keeps_primary_keys():
    sample = Unit.objects.order_by("?")[:50]
    ids_before = {unit.key: unit.pk for unit in sample}
    report = load_units()
    assert report.loaded == {}
    assert set(report.skipped) == {r.name for r in ReferenceDataLoad.objects.all()}
    forced = load_units(force=True)
    assert forced.loaded["units-two-level"] == 34 + 3321
    assert forced.loaded["units-legacy"] == 63 + 696 + 10051
    ids_after = {unit.key: unit.pk for unit in Unit.objects.filter(pk__in=ids_before.values())}
    assert ids_after == ids_before
    assert count(Dataset.LEGACY, Level.COMMUNE) == 10051
