"""Loading the administrative units from the ``vietnam-provinces`` package.

Each dataset loads in its own transaction: a failure leaves the previous state of that
dataset intact. Rows are upserted on (dataset, level, code), so a load is idempotent and a
new package release updates names in place without changing primary keys that agencies,
roles and dossiers point at. A dataset whose recorded version equals the package version
is skipped, which keeps a second ``make run`` fast.
"""

import time
from dataclasses import dataclass, field

import vietnam_provinces
from django.db import transaction
from django.db.models import F

from motcua.units.models import Dataset, Level, ReferenceDataLoad, Unit, UnitSuccession

BATCH = 2000


@dataclass
class LoadReport:
    loaded: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _upsert(rows: list[Unit]) -> None:
    Unit.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["dataset", "level", "code"],
        update_fields=["name", "division_type", "codename", "parent", "province"],
    )


def _ids(dataset: str, level: str) -> dict[int, int]:
    return dict(
        Unit.objects.filter(dataset=dataset, level=level).values_list("code", "id").iterator()
    )


def _load_two_level() -> int:
    from vietnam_provinces import Province, Ward

    _upsert(
        [
            Unit(
                dataset=Dataset.TWO_LEVEL,
                level=Level.PROVINCE,
                code=int(p.code),
                name=p.name,
                division_type=str(p.division_type),
                codename=p.codename,
            )
            for p in Province.iter_all()
        ]
    )
    provinces = _ids(Dataset.TWO_LEVEL, Level.PROVINCE)
    Unit.objects.filter(id__in=provinces.values(), province__isnull=True).update(
        province_id=F("id")
    )
    communes = [
        Unit(
            dataset=Dataset.TWO_LEVEL,
            level=Level.COMMUNE,
            code=int(w.code),
            name=w.name,
            division_type=str(w.division_type),
            codename=w.codename,
            parent_id=provinces[int(w.province_code)],
            province_id=provinces[int(w.province_code)],
        )
        for w in Ward.iter_all()
    ]
    _upsert(communes)
    return len(provinces) + len(communes)


def _load_legacy() -> int:
    from vietnam_provinces.legacy import District, Province, Ward

    _upsert(
        [
            Unit(
                dataset=Dataset.LEGACY,
                level=Level.PROVINCE,
                code=int(p.code),
                name=p.name,
                division_type=str(p.division_type),
                codename=p.codename,
            )
            for p in Province.iter_all()
        ]
    )
    provinces = _ids(Dataset.LEGACY, Level.PROVINCE)
    Unit.objects.filter(id__in=provinces.values(), province__isnull=True).update(
        province_id=F("id")
    )
    districts = list(District.iter_all())
    _upsert(
        [
            Unit(
                dataset=Dataset.LEGACY,
                level=Level.DISTRICT,
                code=int(d.code),
                name=d.name,
                division_type=str(d.division_type),
                codename=d.codename,
                parent_id=provinces[int(d.province_code)],
                province_id=provinces[int(d.province_code)],
            )
            for d in districts
        ]
    )
    district_ids = _ids(Dataset.LEGACY, Level.DISTRICT)
    province_of_district = {int(d.code): provinces[int(d.province_code)] for d in districts}
    wards = [
        Unit(
            dataset=Dataset.LEGACY,
            level=Level.COMMUNE,
            code=int(w.code),
            name=w.name,
            division_type=str(w.division_type),
            codename=w.codename,
            parent_id=district_ids[int(w.district_code)],
            province_id=province_of_district[int(w.district_code)],
        )
        for w in Ward.iter_all()
    ]
    _upsert(wards)
    return len(provinces) + len(districts) + len(wards)


def _load_successions() -> int:
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    legacy_provinces = _ids(Dataset.LEGACY, Level.PROVINCE)
    legacy_wards = _ids(Dataset.LEGACY, Level.COMMUNE)
    new_provinces = _ids(Dataset.TWO_LEVEL, Level.PROVINCE)
    new_communes = _ids(Dataset.TWO_LEVEL, Level.COMMUNE)
    pairs: dict[tuple[int, int], bool] = {}
    for old_code, entry in PROVINCE_OLD_TO_NEW.items():
        for new in entry.new_provinces:
            pairs[(legacy_provinces[old_code], new_provinces[new.code])] = False
    for old_code, entry in WARD_OLD_TO_NEW.items():
        if old_code not in legacy_wards:
            # The package's conversion table names a few wards (10 in 2026.9) that its
            # legacy list no longer carries; there is no stored unit to map from.
            continue
        partial = entry.old_ward.is_partly_merged or len(entry.new_wards) > 1
        for new in entry.new_wards:
            pairs[(legacy_wards[old_code], new_communes[new.code])] = partial
    # The mapping is replaced whole: rows dropped by a new package release must go too.
    UnitSuccession.objects.all().delete()
    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(legacy_id=legacy, successor_id=successor, partial=partial)
            for (legacy, successor), partial in pairs.items()
        ],
        batch_size=BATCH,
    )
    return len(pairs)


STEPS = (
    ("units-two-level", _load_two_level),
    ("units-legacy", _load_legacy),
    ("units-succession", _load_successions),
)


def load_units(*, force: bool = False) -> LoadReport:
    """Load or refresh every dataset; one transaction per dataset."""
    report = LoadReport()
    version = vietnam_provinces.__version__
    started = time.perf_counter()
    for name, step in STEPS:
        with transaction.atomic():
            done = ReferenceDataLoad.objects.filter(name=name, version=version).exists()
            if done and not force:
                report.skipped.append(name)
                continue
            report.loaded[name] = step()
            ReferenceDataLoad.objects.update_or_create(name=name, defaults={"version": version})
    report.seconds = time.perf_counter() - started
    return report
