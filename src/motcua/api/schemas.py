"""Explicit input and output schemas of the API.

Every field a client sees is listed here and filled by hand from the model
(``…Out.of(obj)``): adding a column to a model never exposes it by accident. Datetimes go
out in ISO 8601 with the Asia/Ho_Chi_Minh offset (``2026-03-12T09:00:00+07:00``), the time
an officer and a citizen read on the slips.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from motcua.calendar import LimitKind
from motcua.catalog.models import (
    DocumentForm,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    SupplementRule,
)
from motcua.dossiers.models import (
    Action,
    ApplicantKind,
    Channel,
    DeadlineStatus,
    DocumentKind,
    Dossier,
    DossierEvent,
    RequestKind,
    Slip,
    SlipKind,
    State,
    Timeliness,
)


def _local_iso(value: dt.datetime) -> str:
    # The default time zone (settings.TIME_ZONE, Asia/Ho_Chi_Minh), not the request's
    # active one: the same instant always reads the same in every response.
    return timezone.localtime(value, timezone.get_default_timezone()).isoformat()


LocalDateTime = Annotated[
    dt.datetime,
    PlainSerializer(_local_iso, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "example": "2026-03-12T09:00:00+07:00"}
    ),
]


# -- shared -------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="stable, for programs: illegal_move, conflict, not_found…")
    message: str = Field(description="Vietnamese, for people")
    message_en: str
    details: dict[str, Any]


class ErrorOut(Schema):
    """The one error shape (motcua.api.errors); documented on every operation."""

    error: ErrorDetail


ERROR_STATUSES = frozenset({400, 401, 403, 404, 405, 409, 422, 500})


def responds(model, status: int = 200) -> dict:
    """``response=`` for an operation: its success schema plus the error shape."""
    return {status: model, ERROR_STATUSES: ErrorOut}


class AgencyRef(Schema):
    identifier: str
    name: str

    @classmethod
    def of(cls, agency) -> "AgencyRef":
        return cls(identifier=agency.identifier, name=agency.name)


class TimeLimitSchema(Schema):
    kind: LimitKind = Field(description="days, hours (working), calendar-days or same-day")
    amount: int = Field(ge=0, le=3650)


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=100, description="page size")
    offset: int = Field(0, ge=0, le=1_000_000, description="items to skip")


# -- catalogue ----------------------------------------------------------------------------


class ProcedureFilters(Schema):
    q: str | None = Field(None, max_length=200, description="words of the name, or the code")
    level: ProcedureLevel | None = None
    field: str | None = Field(None, max_length=200)
    online_level: OnlineLevel | None = None


class ProcedureSummary(Schema):
    code: str
    name: str
    field: str
    level: ProcedureLevel
    online_level: OnlineLevel
    limit: TimeLimitSchema
    fee_vnd: int

    @classmethod
    def fields_of(cls, p: Procedure) -> dict[str, Any]:
        return {
            "code": p.code,
            "name": p.name,
            "field": p.field,
            "level": p.level,
            "online_level": p.online_level,
            "limit": TimeLimitSchema(kind=p.limit_kind, amount=p.limit_amount),
            "fee_vnd": p.fee_vnd,
        }

    @classmethod
    def of(cls, p: Procedure) -> "ProcedureSummary":
        return cls(**cls.fields_of(p))


class RequiredDocumentOut(Schema):
    order: int
    name: str
    mandatory: bool
    form: DocumentForm
    template_name: str


class ProcedureDetail(ProcedureSummary):
    code_note: str
    competent_agency: str
    limit_source: str
    supplement_rule: SupplementRule
    fee_note: str
    result_type: str
    is_inter_agency: bool
    updated_at: LocalDateTime
    documents: list[RequiredDocumentOut]

    @classmethod
    def of(cls, p: Procedure) -> "ProcedureDetail":
        return cls(
            **cls.fields_of(p),
            code_note=p.code_note,
            competent_agency=p.competent_agency,
            limit_source=p.limit_source,
            supplement_rule=p.supplement_rule,
            fee_note=p.fee_note,
            result_type=p.result_type,
            is_inter_agency=p.is_inter_agency,
            updated_at=p.updated_at,
            documents=[
                RequiredDocumentOut(
                    order=d.order,
                    name=d.name,
                    mandatory=d.mandatory,
                    form=d.form,
                    template_name=d.template_name,
                )
                for d in p.documents.all()
            ],
        )


class ProcedurePage(Schema):
    items: list[ProcedureSummary]
    count: int
    limit: int
    offset: int


# -- dossiers: input ----------------------------------------------------------------------


class ApplicantIn(Schema):
    kind: ApplicantKind = ApplicantKind.PERSON
    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field("", max_length=20, description="CCCD / personal ID number, digits")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    commune_code: int | None = Field(None, description="national code of the commune")


class SubmitIn(Schema):
    procedure_code: str = Field(max_length=40)
    receiving_agency: str = Field(max_length=40, description="identifier of the agency")
    competent_agency: str | None = Field(
        None, max_length=40, description="identifier; default: the one the process names"
    )
    applicant: ApplicantIn
    channel: Channel
    form_data: dict[str, Any] = Field(default_factory=dict)


class DossierFilters(Schema):
    state: list[State] | None = Field(None, description="one or more states")
    procedure: str | None = Field(None, max_length=40, description="procedure code")
    q: str | None = Field(None, max_length=200, description="code prefix or applicant name")
    id_number: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    deadline_status: DeadlineStatus | None = None


class VersionIn(Schema):
    version: int | None = Field(
        None,
        ge=0,
        description="the dossier's version (event count) the client saw; a different "
        "current version answers 409 conflict instead of acting on an unseen dossier",
    )


class ReasonIn(VersionIn):
    reason: str = Field(max_length=2000)


class NoteIn(VersionIn):
    note: str = Field("", max_length=2000)


class SupplementItemIn(Schema):
    name: str = Field(min_length=1, max_length=300)
    reason: str = Field("", max_length=1000)


class RequestSupplementIn(VersionIn):
    items: list[SupplementItemIn] = Field(max_length=50)
    guidance: str = Field("", max_length=2000)


class AssignIn(VersionIn):
    assignee: str = Field(max_length=150, description="username of the officer")


class HandOverIn(VersionIn):
    to_user: str | None = Field(None, max_length=150, description="username of the officer")
    note: str = Field("", max_length=2000)


class AgencyRequestIn(VersionIn):
    to_agency: str = Field(max_length=40, description="identifier of the agency")
    task: str = Field(max_length=2000)
    limit: TimeLimitSchema


class AnswerIn(VersionIn):
    answer: str = Field(max_length=4000)


class ApologizeIn(ReasonIn):
    new_due_at: dt.datetime = Field(description="new appointment; without an offset: Hanoi")


class ReturnIn(VersionIn):
    method: Literal["in_person", "postal", "online"] = "in_person"


# -- dossiers: output ---------------------------------------------------------------------


class ProcedureRef(Schema):
    code: str
    name: str


class DossierSummary(Schema):
    code: str
    state: State
    version: int = Field(description="event count; send it back as `version` with an action")
    procedure: ProcedureRef
    receiving_agency: AgencyRef
    competent_agency: AgencyRef
    applicant_kind: ApplicantKind
    applicant_name: str
    channel: Channel
    submitted_at: LocalDateTime | None
    received_at: LocalDateTime | None
    due_at: LocalDateTime | None
    finished_at: LocalDateTime | None
    returned_at: LocalDateTime | None
    deadline_status: DeadlineStatus
    outcome: Timeliness | None
    fee_vnd: int

    @classmethod
    def fields_of(cls, d: Dossier) -> dict[str, Any]:
        return {
            "code": d.code,
            "state": d.state,
            "version": d.event_count,
            "procedure": ProcedureRef(code=d.procedure.code, name=d.procedure.name),
            "receiving_agency": AgencyRef.of(d.receiving_agency),
            "competent_agency": AgencyRef.of(d.competent_agency),
            "applicant_kind": d.applicant_kind,
            "applicant_name": d.applicant_name,
            "channel": d.channel,
            "submitted_at": d.submitted_at,
            "received_at": d.received_at,
            "due_at": d.due_at,
            "finished_at": d.finished_at,
            "returned_at": d.returned_at,
            "deadline_status": d.deadline_status,
            "outcome": d.outcome or None,
            "fee_vnd": d.fee_vnd,
        }

    @classmethod
    def of(cls, d: Dossier) -> "DossierSummary":
        return cls(**cls.fields_of(d))


class DossierPage(Schema):
    items: list[DossierSummary]
    count: int
    limit: int
    offset: int


class ApplicantOut(Schema):
    """Personal data: only in the single-dossier read, and every such read is logged."""

    kind: ApplicantKind
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class StepOut(Schema):
    order: int
    kind: str
    role: str
    agency: AgencyRef
    assignee_name: str | None
    started_at: LocalDateTime | None
    due_at: LocalDateTime | None
    finished_at: LocalDateTime | None
    outcome: Timeliness | None
    deadline_status: DeadlineStatus


class AgencyRequestOut(Schema):
    kind: RequestKind
    from_agency: AgencyRef
    to_agency: AgencyRef
    task: str
    requested_at: LocalDateTime
    due_at: LocalDateTime
    answered_at: LocalDateTime | None
    answer: str
    outcome: Timeliness | None


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    name: str
    content_type: str
    size: int
    sha256: str
    paper_copy: bool
    uploaded_at: LocalDateTime


class ApologyOut(Schema):
    reason: str
    original_due_at: LocalDateTime
    new_due_at: LocalDateTime
    issued_at: LocalDateTime
    issued_in_time: bool


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


class DossierDetail(DossierSummary):
    applicant: ApplicantOut
    form_data: dict[str, Any]
    result_note: str
    steps: list[StepOut]
    requests: list[AgencyRequestOut]
    documents: list[DocumentOut]
    apology: ApologyOut | None

    @classmethod
    def of(cls, d: Dossier) -> "DossierDetail":
        apology = getattr(d, "apology", None)
        return cls(
            **cls.fields_of(d),
            applicant=ApplicantOut(
                kind=d.applicant_kind,
                name=d.applicant_name,
                id_number=d.applicant_id_number,
                phone=d.applicant_phone,
                email=d.applicant_email,
                address=d.applicant_address,
            ),
            form_data=d.form_data,
            result_note=d.result_note,
            steps=[
                StepOut(
                    order=s.order,
                    kind=s.kind,
                    role=s.role,
                    agency=AgencyRef.of(s.agency),
                    assignee_name=_name(s.assignee),
                    started_at=s.started_at,
                    due_at=s.due_at,
                    finished_at=s.finished_at,
                    outcome=s.outcome or None,
                    deadline_status=s.deadline_status,
                )
                for s in d.steps.all()
            ],
            requests=[
                AgencyRequestOut(
                    kind=r.kind,
                    from_agency=AgencyRef.of(r.from_agency),
                    to_agency=AgencyRef.of(r.to_agency),
                    task=r.task,
                    requested_at=r.requested_at,
                    due_at=r.due_at,
                    answered_at=r.answered_at,
                    answer=r.answer,
                    outcome=r.outcome or None,
                )
                for r in d.requests.all()
            ],
            documents=[
                DocumentOut(
                    id=doc.pk,
                    kind=doc.kind,
                    name=doc.name,
                    content_type=doc.content_type,
                    size=doc.size,
                    sha256=doc.sha256,
                    paper_copy=doc.paper_copy,
                    uploaded_at=doc.uploaded_at,
                )
                for doc in d.documents.all()
            ],
            apology=ApologyOut(
                reason=apology.reason,
                original_due_at=apology.original_due_at,
                new_due_at=apology.new_due_at,
                issued_at=apology.issued_at,
                issued_in_time=apology.issued_in_time,
            )
            if apology is not None
            else None,
        )


class EventOut(Schema):
    seq: int
    at: LocalDateTime
    actor_name: str
    action: Action
    from_state: str = Field(serialization_alias="from", description="state before the action")
    to_state: State = Field(serialization_alias="to", description="state after the action")
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: DossierEvent) -> "EventOut":
        return cls(
            seq=e.seq,
            at=e.at,
            actor_name=e.actor_name,
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            payload=e.payload,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


class SlipOut(Schema):
    id: int
    kind: SlipKind
    event_seq: int
    created_at: LocalDateTime
    download_url: str

    @classmethod
    def of(cls, s: Slip, url: str) -> "SlipOut":
        return cls(
            id=s.pk, kind=s.kind, event_seq=s.event.seq, created_at=s.created_at, download_url=url
        )


# -- who am I, CSRF -----------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    unit_code: int
    unit_name: str


class MeOut(Schema):
    username: str
    name: str
    agency: AgencyRef | None
    roles: list[RoleOut]
    via: Literal["session", "token"]


class CsrfOut(Schema):
    csrf_token: str
