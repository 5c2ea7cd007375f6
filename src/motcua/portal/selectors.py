"""Reads for the citizen pages.

``public_status`` is the only view of a dossier the status lookup renders: a dataclass
built from whitelisted fields, so no template can reach the applicant's name, phone,
ID number or address, nor an officer's name, through it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import pgettext_lazy

from motcua.catalog.models import Procedure, ProcedureLevel
from motcua.dossiers.models import Action, Apology, Channel, Dossier, State
from motcua.units.models import Agency, AgencyKind, Dataset, Role, RoleAssignment, Unit

# What the public is told about each state, in the applicant's words.
PUBLIC_STATE = {
    State.SUBMITTED: pgettext_lazy(
        "portal", "Submitted: waiting for the one-stop desk to check it"
    ),
    State.RECEIVED: pgettext_lazy("portal", "Received: a receipt with the appointment was issued"),
    State.SUPPLEMENT_REQUESTED: pgettext_lazy(
        "portal", "Waiting for you to supplement the dossier"
    ),
    State.REFUSED: pgettext_lazy("portal", "Not received (refused at the desk)"),
    State.PROCESSING: pgettext_lazy("portal", "Being processed"),
    State.CONSULTING: pgettext_lazy("portal", "Being processed: another agency is consulted"),
    State.TRANSFERRED: pgettext_lazy("portal", "Being processed by another agency (inter-agency)"),
    State.AWAITING_APPROVAL: pgettext_lazy("portal", "Awaiting approval and signature"),
    State.APPROVED: pgettext_lazy("portal", "Approved: the result is being prepared"),
    State.REJECTED: pgettext_lazy("portal", "Not granted: the reasons are in the written answer"),
    State.RESULT_READY: pgettext_lazy("portal", "Result ready to be collected"),
    State.RETURNED: pgettext_lazy("portal", "Result returned"),
    State.WITHDRAWN: pgettext_lazy("portal", "Withdrawn at the applicant's request"),
    State.STOPPED: pgettext_lazy("portal", "Processing stopped"),
}
# Closed: the status feed and the lookup say "closed" for these.
CLOSED_STATES = frozenset(
    {State.REFUSED, State.RETURNED, State.WITHDRAWN, State.STOPPED, State.REJECTED}
)

PUBLIC_STEP = {
    "receive": pgettext_lazy("portal", "Receipt at the one-stop desk"),
    "assign": pgettext_lazy("portal", "Assignment to an officer"),
    "appraise": pgettext_lazy("portal", "Appraisal"),
    "consult": pgettext_lazy("portal", "Consultation"),
    "review": pgettext_lazy("portal", "Review"),
    "approve": pgettext_lazy("portal", "Approval and signature"),
    "return": pgettext_lazy("portal", "Return of the result"),
}

PUBLIC_ACTION = {
    Action.SUBMIT: pgettext_lazy("portal", "Submitted"),
    Action.RECEIVE: pgettext_lazy("portal", "Received, appointment issued"),
    Action.REQUEST_SUPPLEMENT: pgettext_lazy("portal", "Supplement requested"),
    Action.COMPLETE_SUPPLEMENT: pgettext_lazy("portal", "Supplement handed in"),
    Action.REFUSE: pgettext_lazy("portal", "Refused at the desk"),
    Action.START_PROCESSING: pgettext_lazy("portal", "Processing started"),
    Action.ASSIGN: pgettext_lazy("portal", "Assigned for processing"),
    Action.HAND_OVER: pgettext_lazy("portal", "Passed to the next step"),
    Action.CONSULT: pgettext_lazy("portal", "Another agency consulted"),
    Action.TRANSFER: pgettext_lazy("portal", "Sent to another agency"),
    Action.ANSWER: pgettext_lazy("portal", "Answer from another agency received"),
    Action.PROPOSE: pgettext_lazy("portal", "Result proposed for approval"),
    Action.SEND_BACK: pgettext_lazy("portal", "Sent back for rework"),
    Action.APPROVE: pgettext_lazy("portal", "Approved"),
    Action.REJECT: pgettext_lazy("portal", "Not granted"),
    Action.RESULT_READY: pgettext_lazy("portal", "Result ready"),
    Action.RETURN: pgettext_lazy("portal", "Result returned"),
    Action.WITHDRAW: pgettext_lazy("portal", "Withdrawn"),
    Action.STOP: pgettext_lazy("portal", "Processing stopped"),
    Action.APOLOGIZE: pgettext_lazy("portal", "Apology and new appointment issued"),
    Action.DEADLINE_MOVED: pgettext_lazy("portal", "Appointment recomputed"),
}


@dataclass(frozen=True)
class PublicApology:
    reason: str
    original_due_at: dt.datetime
    new_due_at: dt.datetime
    issued_at: dt.datetime


@dataclass(frozen=True)
class PublicEvent:
    at: dt.datetime
    label: str


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code and the second factor may see: nothing personal."""

    code: str
    procedure_code: str
    procedure_name: str
    receiving_agency: str
    competent_agency: str
    state: str
    state_label: str
    closed: bool
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    step_label: str
    outcome: str
    fee_vnd: int
    fee_paid_online: bool
    apology: PublicApology | None
    events: list[PublicEvent] = field(default_factory=list)


def public_status(dossier: Dossier) -> PublicStatus:
    """The public view of ``dossier`` (fetched with ``public_status_queryset``)."""
    try:
        apology = dossier.apology
    except Apology.DoesNotExist:
        apology = None
    steps = list(dossier.steps.all())
    current = next((s for s in steps if s.started_at and not s.finished_at), None)
    state = State(dossier.state)
    return PublicStatus(
        code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        receiving_agency=dossier.receiving_agency.name,
        competent_agency=dossier.competent_agency.name,
        state=state.value,
        state_label=str(PUBLIC_STATE.get(state, state.label)),
        closed=state in CLOSED_STATES,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        step_label=str(PUBLIC_STEP.get(current.kind, current.kind))
        if current and state not in CLOSED_STATES
        else "",
        outcome=dossier.outcome,
        fee_vnd=dossier.fee_vnd,
        fee_paid_online=dossier.fee_paid_online,
        apology=PublicApology(
            reason=apology.reason,
            original_due_at=apology.original_due_at,
            new_due_at=apology.new_due_at,
            issued_at=apology.issued_at,
        )
        if apology
        else None,
        events=[
            PublicEvent(at=e.at, label=str(PUBLIC_ACTION.get(e.action, e.action)))
            for e in dossier.events.all()
        ],
    )


def public_status_queryset() -> QuerySet[Dossier]:
    """Submitted dossiers with what ``public_status`` reads: four queries in all."""
    from django.db.models import Prefetch

    from motcua.dossiers.models import DossierEvent, DossierStep

    return (
        Dossier.objects.exclude(state=State.DRAFT)
        .select_related("procedure", "receiving_agency", "competent_agency", "apology")
        .prefetch_related(
            Prefetch("steps", queryset=DossierStep.objects.order_by("order")),
            Prefetch(
                "events",
                queryset=DossierEvent.objects.order_by("seq").only("dossier_id", "at", "action"),
            ),
        )
    )


# -- a citizen's own dossiers ----------------------------------------------------------------


def own_dossiers(user) -> QuerySet[Dossier]:
    """The dossiers a logged-in user may follow: those they own (submitted online for
    themself) and those they submitted as a community digital helper for someone else."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return (
        Dossier.objects.exclude(state=State.DRAFT)
        .filter(Q(owner=user) | Q(submitted_by=user, channel=Channel.ASSISTED))
        .select_related("procedure")
        .order_by("-submitted_at", "-id")
    )


def own_dossier_get(user, code: str) -> Dossier:
    """One of the user's own dossiers; ``Dossier.DoesNotExist`` for anyone else's."""
    return (
        own_dossiers(user)
        .select_related("receiving_agency", "competent_agency", "apology")
        .get(code=code)
    )


def is_digital_helper(user) -> bool:
    return (
        user.is_authenticated
        and RoleAssignment.objects.filter(user=user, role=Role.DIGITAL_HELPER).exists()
    )


# -- where to submit -------------------------------------------------------------------------


def receiving_agencies(procedure: Procedure, *, province_id: int | None = None) -> QuerySet:
    """Agencies that may receive ``procedure``: for a commune procedure the commune offices
    and the service centers; for a provincial one the centers and departments. Decree
    118/2025 lets a center receive any procedure of its province, whatever the applicant's
    commune, so location never narrows the list further."""
    agencies = Agency.objects.filter(is_active=True, unit__dataset=Dataset.TWO_LEVEL)
    if procedure.level == ProcedureLevel.COMMUNE:
        agencies = agencies.filter(kind__in=[AgencyKind.COMMUNE_OFFICE, AgencyKind.SERVICE_CENTER])
    else:
        agencies = agencies.exclude(kind=AgencyKind.COMMUNE_OFFICE)
    if province_id is not None:
        agencies = agencies.filter(unit__province_id=province_id)
    return agencies.select_related("unit").order_by("unit__code", "name")


def receiving_provinces(procedure: Procedure) -> QuerySet[Unit]:
    province_ids = receiving_agencies(procedure).values("unit__province_id")
    return Unit.objects.filter(pk__in=province_ids).order_by("name")
