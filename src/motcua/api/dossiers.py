"""Dossiers over HTTP: submit, list, read, one POST per action, history and slips.

Every endpoint is thin: parse, fetch through the access helper (404 outside the caller's
units, 403 for a read-only role on a write), call the service, serialise. Who may make
which move is decided by the services and the transition table, never here.
"""

from pathlib import PurePath

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from motcua.api.errors import invalid_input
from motcua.api.schemas import (
    ERROR_STATUSES,
    AgencyRequestIn,
    AnswerIn,
    ApologizeIn,
    AssignIn,
    DossierDetail,
    DossierFilters,
    DossierPage,
    DossierSummary,
    ErrorOut,
    EventOut,
    HandOverIn,
    NoteIn,
    PageParams,
    ReasonIn,
    RequestSupplementIn,
    ReturnIn,
    SlipOut,
    SubmitIn,
    VersionIn,
    responds,
)
from motcua.api.services import personal_data_access_record
from motcua.calendar import InvalidLimit, TimeLimit
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import (
    AgencyRequest,
    Channel,
    Dossier,
    DossierDocument,
    DossierStep,
)
from motcua.dossiers.selectors import dossier_events, dossier_get_for_user, dossier_list
from motcua.units.models import Agency, Unit, User

router = Router(tags=["dossiers"])

# The dossier's own foreign keys every response names (see DossierSummary).
_SUMMARY_RELATED = ("procedure", "receiving_agency", "competent_agency")


# -- access -------------------------------------------------------------------------------


def _dossier_for(user, code: str, *, write: bool = False) -> Dossier:
    """The dossier ``code`` if ``user`` may see it (its units, or a citizen's own): 404
    otherwise, 403 on a read-only write."""
    return dossier_get_for_user(user, code, write=write)


def _agency(identifier: str, field: str) -> Agency:
    agency = (
        Agency.objects.filter(identifier=identifier.strip(), is_active=True)
        .select_related("unit")
        .first()
    )
    if agency is None:
        raise invalid_input(
            field,
            f"không có cơ quan mã “{identifier}”.",
            f"no active agency with identifier '{identifier}'.",
        )
    return agency


def _officer(user, username: str, field: str) -> User:
    # Only officers the caller can see: a dossier is never handed to someone outside the
    # caller's units, and the lookup does not reveal who exists elsewhere.
    officer = User.objects.officers().visible_to(user).filter(username=username).first()
    if officer is None:
        raise invalid_input(
            field,
            f"không có cán bộ “{username}” trong đơn vị của bạn.",
            f"no officer '{username}' in your units.",
        )
    return officer


def _time_limit(payload: AgencyRequestIn) -> TimeLimit:
    try:
        return TimeLimit(payload.limit.kind, payload.limit.amount)
    except InvalidLimit as error:
        raise invalid_input("limit", "thời hạn không hợp lệ.", str(error)) from None


def _act(request, code: str, service, **arguments) -> DossierSummary:
    """Fetch for writing, then let the service check and record the move."""
    dossier = _dossier_for(request.auth, code, write=True)
    dossier = service(dossier=dossier, user=request.auth, **arguments)
    return DossierSummary.of(dossier)


# -- submit, list, read -------------------------------------------------------------------


@router.post(
    "/dossiers",
    response={**responds(DossierSummary, 201), 200: DossierSummary},
    summary="Submit a dossier (201; 200 with the same dossier on a retried Idempotency-Key)",
)
def dossier_submit(
    request,
    payload: SubmitIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=80,
        description="retrying with the same key returns the first dossier instead of a second one",
    ),
):
    user = request.auth
    procedure = Procedure.objects.filter(code=payload.procedure_code.strip()).first()
    if procedure is None:
        raise invalid_input(
            "procedure_code",
            f"không có thủ tục mã “{payload.procedure_code}”.",
            f"no procedure with code '{payload.procedure_code}'.",
        )
    receiving = _agency(payload.receiving_agency, "receiving_agency")
    competent = (
        _agency(payload.competent_agency, "competent_agency") if payload.competent_agency else None
    )
    commune_id = None
    if payload.applicant.commune_code is not None:
        commune_id = (
            Unit.objects.current()
            .communes()
            .filter(code=payload.applicant.commune_code)
            .values_list("pk", flat=True)
            .first()
        )
        if commune_id is None:
            raise invalid_input(
                "applicant.commune_code", "không có xã/phường này.", "no such commune."
            )
    # Only a retry finds its key already used; a race between two first attempts is
    # settled by the unique key in the service, and both then answer with one dossier.
    retried = (
        bool(idempotency_key) and Dossier.objects.filter(idempotency_key=idempotency_key).exists()
    )
    a = payload.applicant
    dossier = services.dossier_submit(
        procedure=procedure,
        receiving_agency=receiving,
        competent_agency=competent,
        applicant=services.Applicant(
            name=a.name,
            id_number=a.id_number,
            phone=a.phone,
            email=a.email,
            address=a.address,
            kind=a.kind,
            commune_id=commune_id,
        ),
        channel=payload.channel,
        user=user,
        # Online, the applicant submits for themself and owns the dossier; at the counter,
        # by post or through a helper, the officer or helper acts for someone else.
        owner=user if payload.channel == Channel.ONLINE else None,
        form_data=payload.form_data,
        idempotency_key=idempotency_key,
    )
    return Status(200 if retried else 201, DossierSummary.of(dossier))


@router.get("/dossiers", response=responds(DossierPage), summary="Dossiers visible to the caller")
def dossier_list_endpoint(request, filters: Query[DossierFilters], page: Query[PageParams]):
    # Staff reach dossiers through their units, citizens through ownership: both are in
    # ``visible_to``, which ``dossier_list`` starts from.
    dossiers = dossier_list(
        request.auth,
        state=[str(s) for s in filters.state] if filters.state else None,
        procedure_code=filters.procedure,
        q=filters.q,
        id_number=filters.id_number,
        phone=filters.phone,
        received_from=filters.received_from,
        received_to=filters.received_to,
        deadline_status=filters.deadline_status,
    ).select_related(*_SUMMARY_RELATED)
    # One count and one page query, whatever the page size (pinned in the tests).
    items = dossiers[page.offset : page.offset + page.limit]
    return DossierPage(
        items=[DossierSummary.of(d) for d in items],
        count=dossiers.count(),
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/dossiers/{code}",
    response=responds(DossierDetail),
    summary="One dossier, with the applicant's personal data (each read is logged)",
)
def dossier_get(request, code: str):
    dossier = _dossier_for(request.auth, code)
    prefetch_related_objects(
        [dossier],
        Prefetch("steps", queryset=DossierStep.objects.select_related("agency", "assignee")),
        Prefetch(
            "requests",
            queryset=AgencyRequest.objects.select_related("from_agency", "to_agency").order_by(
                "requested_at", "pk"
            ),
        ),
        Prefetch("documents", queryset=DossierDocument.objects.order_by("uploaded_at", "pk")),
    )
    # Logged before the data leaves: a read that fails to log does not happen.
    personal_data_access_record(user=request.auth, dossier_code=dossier.code)
    return DossierDetail.of(dossier)


@router.get(
    "/dossiers/{code}/events",
    response=responds(list[EventOut]),
    by_alias=True,
    summary="The hash-chained history, oldest first",
)
def dossier_event_list(request, code: str):
    dossier = _dossier_for(request.auth, code)
    return [EventOut.of(e) for e in dossier_events(dossier)]


@router.get(
    "/dossiers/{code}/slips", response=responds(list[SlipOut]), summary="Slips issued (PDF)"
)
def dossier_slip_list(request, code: str):
    dossier = _dossier_for(request.auth, code)
    slips = dossier.slips.select_related("event").order_by("created_at", "pk")
    return [
        SlipOut.of(
            s, reverse("api:dossier_slip_get", kwargs={"code": dossier.code, "slip_id": s.pk})
        )
        for s in slips
    ]


@router.get(
    "/dossiers/{code}/slips/{slip_id}",
    url_name="dossier_slip_get",
    summary="Download one slip",
    response={ERROR_STATUSES: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The slip",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def dossier_slip_get(request, code: str, slip_id: int):
    dossier = _dossier_for(request.auth, code)
    slip = get_object_or_404(dossier.slips, pk=slip_id)
    return FileResponse(
        slip.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=PurePath(slip.file.name).name,
    )


# -- actions: one POST each, named as the service they call -------------------------------


@router.post("/dossiers/{code}/receive", response=responds(DossierSummary))
def dossier_receive(request, code: str, payload: VersionIn = None):
    payload = payload or VersionIn()
    return _act(request, code, services.dossier_receive, version=payload.version)


@router.post("/dossiers/{code}/request-supplement", response=responds(DossierSummary))
def dossier_request_supplement(request, code: str, payload: RequestSupplementIn):
    return _act(
        request,
        code,
        services.dossier_request_supplement,
        items=[item.model_dump() for item in payload.items],
        guidance=payload.guidance,
        version=payload.version,
    )


@router.post("/dossiers/{code}/complete-supplement", response=responds(DossierSummary))
def dossier_complete_supplement(request, code: str, payload: NoteIn = None):
    payload = payload or NoteIn()
    return _act(
        request,
        code,
        services.dossier_complete_supplement,
        note=payload.note,
        version=payload.version,
    )


@router.post("/dossiers/{code}/refuse", response=responds(DossierSummary))
def dossier_refuse(request, code: str, payload: ReasonIn):
    return _act(
        request, code, services.dossier_refuse, reason=payload.reason, version=payload.version
    )


@router.post("/dossiers/{code}/assign", response=responds(DossierSummary))
def step_assign(request, code: str, payload: AssignIn):
    assignee = _officer(request.auth, payload.assignee, "assignee")
    return _act(request, code, services.step_assign, assignee=assignee, version=payload.version)


@router.post("/dossiers/{code}/hand-over", response=responds(DossierSummary))
def step_hand_over(request, code: str, payload: HandOverIn = None):
    payload = payload or HandOverIn()
    to_user = _officer(request.auth, payload.to_user, "to_user") if payload.to_user else None
    return _act(
        request,
        code,
        services.step_hand_over,
        to_user=to_user,
        note=payload.note,
        version=payload.version,
    )


@router.post("/dossiers/{code}/consult", response=responds(DossierSummary))
def dossier_consult(request, code: str, payload: AgencyRequestIn):
    return _act(
        request,
        code,
        services.dossier_consult,
        to_agency=_agency(payload.to_agency, "to_agency"),
        task=payload.task,
        limit=_time_limit(payload),
        version=payload.version,
    )


@router.post("/dossiers/{code}/transfer", response=responds(DossierSummary))
def dossier_transfer(request, code: str, payload: AgencyRequestIn):
    return _act(
        request,
        code,
        services.dossier_transfer,
        to_agency=_agency(payload.to_agency, "to_agency"),
        task=payload.task,
        limit=_time_limit(payload),
        version=payload.version,
    )


@router.post("/dossiers/{code}/answer", response=responds(DossierSummary))
def request_answer(request, code: str, payload: AnswerIn):
    return _act(
        request, code, services.request_answer, answer=payload.answer, version=payload.version
    )


@router.post(
    "/dossiers/{code}/propose",
    response=responds(DossierSummary),
    summary="Upload the draft result (multipart: file, note, version) for approval",
)
def dossier_propose_result(
    request,
    code: str,
    file: File[UploadedFile],
    note: Form[str] = "",
    version: Form[int | None] = None,
):
    # Read at most one byte past the limit: enough for the service to refuse an oversized
    # file, without holding an arbitrarily large upload in memory.
    content = file.read(settings.MOTCUA_MAX_UPLOAD_BYTES + 1)
    return _act(
        request,
        code,
        services.dossier_propose_result,
        file_name=file.name or "",
        content=content,
        note=note,
        version=version,
    )


@router.post("/dossiers/{code}/approve", response=responds(DossierSummary))
def dossier_approve(request, code: str, payload: NoteIn = None):
    payload = payload or NoteIn()
    return _act(request, code, services.dossier_approve, note=payload.note, version=payload.version)


@router.post("/dossiers/{code}/reject", response=responds(DossierSummary))
def dossier_reject(request, code: str, payload: ReasonIn):
    return _act(
        request, code, services.dossier_reject, reason=payload.reason, version=payload.version
    )


@router.post("/dossiers/{code}/send-back", response=responds(DossierSummary))
def dossier_send_back(request, code: str, payload: ReasonIn):
    return _act(
        request, code, services.dossier_send_back, reason=payload.reason, version=payload.version
    )


@router.post("/dossiers/{code}/result-ready", response=responds(DossierSummary))
def dossier_mark_result_ready(request, code: str, payload: VersionIn = None):
    payload = payload or VersionIn()
    return _act(request, code, services.dossier_mark_result_ready, version=payload.version)


@router.post("/dossiers/{code}/apologize", response=responds(DossierSummary))
def dossier_apologize(request, code: str, payload: ApologizeIn):
    return _act(
        request,
        code,
        services.dossier_apologize,
        reason=payload.reason,
        new_due_at=payload.new_due_at,
        version=payload.version,
    )


@router.post("/dossiers/{code}/return", response=responds(DossierSummary))
def dossier_return(request, code: str, payload: ReturnIn = None):
    payload = payload or ReturnIn()
    return _act(
        request, code, services.dossier_return, method=payload.method, version=payload.version
    )


@router.post("/dossiers/{code}/withdraw", response=responds(DossierSummary))
def dossier_withdraw(request, code: str, payload: ReasonIn):
    return _act(
        request, code, services.dossier_withdraw, reason=payload.reason, version=payload.version
    )


@router.post("/dossiers/{code}/stop", response=responds(DossierSummary))
def dossier_stop(request, code: str, payload: ReasonIn):
    return _act(
        request, code, services.dossier_stop, reason=payload.reason, version=payload.version
    )
