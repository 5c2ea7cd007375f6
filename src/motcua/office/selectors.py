"""Reads behind the back-office lists. Every list starts from the caller's scope
(``visible_to`` or the caller's own steps) and is served by an index named below."""

import datetime as dt

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from motcua.dossiers import workflow as wf
from motcua.dossiers.models import (
    OPEN_STATES,
    DeadlineStatus,
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierStep,
    State,
)
from motcua.units.models import Agency, Role, RoleAssignment, User

PAGE_SIZE = 25

# The colour of a row: "late" is computed from the due moment now (always true), "at risk"
# from the flag the deadline task keeps (deadlines_flag, run by the worker).
LATE, AT_RISK, ON_TRACK = DeadlineStatus.LATE, DeadlineStatus.AT_RISK, DeadlineStatus.ON_TRACK


def _colour_q(status: str, now: dt.datetime, prefix: str = "") -> Q:
    due = f"{prefix}due_at"
    flag = f"{prefix}deadline_status"
    if status == LATE:
        return Q(**{f"{due}__lt": now})
    not_late = Q(**{f"{due}__gte": now}) | Q(**{f"{due}__isnull": True})
    if status == AT_RISK:
        return not_late & Q(**{flag: AT_RISK})
    return not_late & ~Q(**{flag: AT_RISK})


def colour_annotation(now: dt.datetime, prefix: str = "") -> Case:
    return Case(
        When(_colour_q(LATE, now, prefix), then=Value(LATE)),
        When(_colour_q(AT_RISK, now, prefix), then=Value(AT_RISK)),
        default=Value(ON_TRACK),
        output_field=CharField(),
    )


def colour_counts(queryset: QuerySet, now: dt.datetime, prefix: str = "") -> dict[str, int]:
    """Total and per-colour counts of ``queryset`` in one aggregate query."""
    return queryset.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=_colour_q(LATE, now, prefix)),
        at_risk=Count("pk", filter=_colour_q(AT_RISK, now, prefix)),
        on_track=Count("pk", filter=_colour_q(ON_TRACK, now, prefix)),
    )


# -- inboxes: open steps ------------------------------------------------------------------

STEP_SORTS = {
    "due": ("due_at", "pk"),
    "-due": ("-due_at", "-pk"),
    "received": ("dossier__received_at", "pk"),
    "-received": ("-dossier__received_at", "-pk"),
    "code": ("dossier__code",),
    "-code": ("-dossier__code",),
}


def open_steps() -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(
        finished_at__isnull=True, started_at__isnull=False, dossier__state__in=OPEN_STATES
    )


def inbox_steps(
    user,
    *,
    box: str,
    agency_id: int | None = None,
    kind: str = "",
    colour: str = "",
    unassigned: bool = False,
    sort: str = "due",
    now: dt.datetime | None = None,
) -> tuple[QuerySet[DossierStep], dict[str, int]]:
    """The open steps of an inbox, and their counts by colour (before the colour filter).

    ``box="mine"``: the steps assigned to ``user`` (index ``step_assignee_open``:
    assignee, finished_at, due_at). ``box="agency"``: the steps of one agency the user can
    see (index ``step_agency_open``: agency, finished_at, due_at).
    """
    now = now or timezone.now()
    steps = open_steps()
    if box == "mine":
        steps = steps.filter(assignee=user)
    else:
        visible = Agency.objects.visible_to(user)
        steps = steps.filter(agency__in=visible.filter(pk=agency_id or user.agency_id))
        if unassigned:
            steps = steps.filter(assignee__isnull=True)
    if kind:
        steps = steps.filter(kind=kind)
    counts = colour_counts(steps, now)
    if colour in (LATE, AT_RISK, ON_TRACK):
        steps = steps.filter(_colour_q(colour, now))
    steps = (
        steps.select_related("dossier__procedure", "assignee", "agency")
        .annotate(colour=colour_annotation(now))
        .order_by(*STEP_SORTS.get(sort, STEP_SORTS["due"]))
    )
    return steps, counts


# -- queues: dossiers by state ------------------------------------------------------------

DOSSIER_SORTS = {
    "due": ("due_at", "pk"),
    "-due": ("-due_at", "-pk"),
    "received": ("received_at", "pk"),
    "-received": ("-received_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "code": ("code",),
    "-code": ("-code",),
}


def dossier_queue(
    user,
    states: list[str],
    *,
    colour: str = "",
    sort: str = "due",
    now: dt.datetime | None = None,
) -> tuple[QuerySet[Dossier], dict[str, int]]:
    """Dossiers in ``states`` the user can see (indexes ``dossier_unit_state_due``,
    ``dossier_comp_state_due``, ``dossier_prov_state_due``: scope, state, due date)."""
    now = now or timezone.now()
    dossiers = Dossier.objects.visible_to(user).filter(state__in=states)
    counts = colour_counts(dossiers, now)
    if colour in (LATE, AT_RISK, ON_TRACK):
        dossiers = dossiers.filter(_colour_q(colour, now))
    dossiers = (
        dossiers.select_related("procedure", "competent_agency")
        .annotate(colour=colour_annotation(now))
        .order_by(*DOSSIER_SORTS.get(sort, DOSSIER_SORTS["due"]))
    )
    return dossiers, counts


INTAKE_STATES = [State.SUBMITTED]
APPROVAL_STATES = [State.AWAITING_APPROVAL]
RETURN_STATES = [State.APPROVED, State.RESULT_READY, State.REJECTED]


# -- who may do what ----------------------------------------------------------------------


def roles_held(user) -> frozenset[str]:
    """Every role the user holds in any unit (for the menu; the services decide per
    dossier)."""
    if user.is_superuser:
        return frozenset(Role.values)
    cached = getattr(user, "_office_roles", None)
    if cached is None:
        cached = frozenset(
            RoleAssignment.objects.filter(user=user).values_list("role", flat=True).distinct()
        )
        user._office_roles = cached
    return cached


def can_receive(user) -> bool:
    return wf.COUNTER in roles_held(user)


def can_approve(user) -> bool:
    return bool({wf.LEADER, wf.HEAD} & roles_held(user))


def assignable_officers(user, dossier: Dossier) -> QuerySet[User]:
    """Officers a dossier can be given to: active officers of the agencies that decide or
    received it, and that the caller can see."""
    return (
        User.objects.officers()
        .visible_to(user)
        .filter(
            is_active=True,
            agency_id__in={dossier.competent_agency_id, dossier.receiving_agency_id},
        )
        .order_by("last_name", "first_name")
    )


def transfer_agencies(user, dossier: Dossier) -> QuerySet[Agency]:
    """Agencies a dossier can be sent to for consultation or transfer: the active agencies
    of the province (Decree 118/2025: same or other level inside the province)."""
    return (
        Agency.objects.filter(is_active=True, unit__province_id=dossier.competent_province_id)
        .exclude(pk=dossier.competent_agency_id)
        .select_related("unit")
        .order_by("unit__level", "name")
    )


def latest_draft(dossier: Dossier) -> DossierDocument | None:
    return dossier.documents.filter(kind=DocumentKind.DRAFT_RESULT).order_by("-uploaded_at").first()
