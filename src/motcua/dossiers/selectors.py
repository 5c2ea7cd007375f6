"""Reads of dossiers, always starting from ``visible_to(user)`` (STYLE.md 7, 12)."""

import datetime as dt

from django.db.models import QuerySet

from motcua.catalog.text import normalize_vietnamese
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.access import get_for_user


def dossier_get_for_user(user, code: str, *, write: bool = False) -> Dossier:
    """One dossier by code: 404 outside the caller's units, 403 on a read-only write."""
    return get_for_user(
        Dossier.objects.select_related(
            "procedure", "receiving_agency", "competent_agency", "unit", "competent_unit"
        ),
        user,
        write=write,
        code=code,
    )


def dossier_list(
    user,
    *,
    state: str | list[str] | None = None,
    procedure_code: str | None = None,
    q: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    deadline_status: str | None = None,
    agency_id: int | None = None,
) -> QuerySet[Dossier]:
    qs = Dossier.objects.visible_to(user).select_related("procedure", "competent_agency")
    if state:
        qs = qs.filter(state__in=[state] if isinstance(state, str) else state)
    if procedure_code:
        qs = qs.filter(procedure__code=procedure_code)
    if q:
        text = q.strip()
        if "-" in text and any(ch.isdigit() for ch in text):
            qs = qs.filter(code__startswith=text)
        else:
            # Accent-insensitive prefix search on the applicant's name, served by an index.
            qs = qs.filter(applicant_search__startswith=normalize_vietnamese(text))
    if id_number:
        qs = qs.filter(applicant_id_number=id_number.strip())
    if phone:
        qs = qs.filter(applicant_phone=phone.strip())
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    if deadline_status:
        qs = qs.filter(deadline_status=deadline_status)
    if agency_id:
        qs = qs.filter(competent_agency_id=agency_id)
    return qs.order_by("-submitted_at", "-id")


def dossier_events(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor").order_by("seq")
