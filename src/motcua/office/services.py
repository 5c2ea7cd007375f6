"""What the back office does in one click that takes several dossier services: receiving
at the counter (submit, papers, decision), approving with a signature, taking a signed
result to the desk. Every state change is a call to ``motcua.dossiers.services``; the
only rows written here are the office's own (signed results) and the scanned papers
the counter attaches to the dossier it is creating (see ``intake_attach``).
"""

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.api.services import personal_data_access_record
from motcua.dossiers import services
from motcua.dossiers import workflow as wf
from motcua.dossiers.errors import Conflict, DossierError, Refused
from motcua.dossiers.models import Channel, DocumentKind, Dossier, DossierDocument, State
from motcua.dossiers.services import core
from motcua.dossiers.services.uploads import checked_upload
from motcua.office.models import SignedResult
from motcua.office.selectors import latest_draft

# Where a personal-data read happened (PersonalDataAccess.purpose, max 16 characters).
PAGE_DOSSIER = "office_dossier"
PAGE_INTAKE = "office_intake"


def personal_data_viewed(*, user, dossier: Dossier, page: str) -> None:
    """Log that ``user`` was shown ``dossier``'s ID number, phone or address
    (Decree 13/2023 on personal data protection): one row per page view."""
    personal_data_access_record(user=user, dossier_code=dossier.code, purpose=page)


# -- counter intake -----------------------------------------------------------------------


class Decision:
    RECEIVE = "receive"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"


@dataclass
class Paper:
    """One line of the checklist: the required document, whether the paper was seen, and
    its scan if one was made."""

    required_document: object
    seen: bool
    scan_name: str = ""
    scan: bytes | None = None


@dataclass
class IntakeRequest:
    procedure: object
    applicant: services.Applicant
    papers: list[Paper]
    decision: str
    reason: str = ""
    guidance: str = ""
    extra_items: list[str] = field(default_factory=list)
    idempotency_key: str = ""
    channel: str = Channel.COUNTER


def intake_missing(papers: list[Paper]) -> list[str]:
    return [
        p.required_document.name for p in papers if p.required_document.mandatory and not p.seen
    ]


def intake_attach(*, dossier: Dossier, user, papers: list[Paper]) -> list[DossierDocument]:
    """Record the papers seen at the counter (and their scans) on the dossier being
    created, before it is received, so the receipt lists what was handed in.

    Called only inside ``intake_receive``'s transaction, on a dossier this request has
    just submitted: nobody else can see it yet. Each scan is checked (type by extension
    and content, size) before anything is stored.
    """
    checked = [
        (paper, checked_upload(paper.scan_name, paper.scan) if paper.scan else None)
        for paper in papers
        if paper.seen or paper.scan
    ]
    documents = []
    for paper, upload in checked:
        document = DossierDocument(
            dossier=dossier,
            required_document=paper.required_document,
            kind=DocumentKind.COMPONENT,
            name=paper.required_document.name,
            paper_copy=paper.seen,
            uploaded_by=user,
        )
        if upload is not None:
            document.content_type = upload.content_type
            document.size = upload.size
            document.sha256 = upload.sha256
            document.file.save(upload.safe_name, ContentFile(paper.scan), save=False)
        document.save()
        documents.append(document)
    return documents


def intake_receive(*, user, agency, request: IntakeRequest) -> Dossier:
    """Submit the dossier at the counter and decide on it at once: receive (receipt with
    the appointment), ask for a supplement (one complete list), or refuse (reasons).

    One transaction: if the decision is refused (a missing reason, a bad scan), nothing
    is kept and no dossier number is used up. A retried post with the same idempotency
    key returns the dossier the first one created.
    """
    if request.decision == Decision.RECEIVE:
        missing = intake_missing(request.papers)
        if missing:
            raise Refused(
                "papers_missing",
                "Chưa đủ giấy tờ bắt buộc: "
                + "; ".join(missing)
                + ". Hãy đánh dấu đã nhận, hoặc chọn “Yêu cầu bổ sung”.",
                "Required papers are missing: "
                + "; ".join(missing)
                + ". Tick them as received, or choose “Request a supplement”.",
                missing=missing,
            )
    with transaction.atomic():
        dossier = services.dossier_submit(
            procedure=request.procedure,
            receiving_agency=agency,
            applicant=request.applicant,
            channel=request.channel,
            user=user,
            idempotency_key=request.idempotency_key or None,
        )
        if dossier.state != State.SUBMITTED or dossier.event_count != 1:
            return dossier  # a retried post: the first one already decided
        intake_attach(dossier=dossier, user=user, papers=request.papers)
        return intake_decide(dossier=dossier, user=user, request=request)


def intake_decide(*, dossier: Dossier, user, request: IntakeRequest) -> Dossier:
    """Receive, ask for a supplement or refuse a submitted dossier (online or counter)."""
    version = dossier.event_count
    if request.decision == Decision.RECEIVE:
        return services.dossier_receive(dossier=dossier, user=user, version=version)
    if request.decision == Decision.SUPPLEMENT:
        items = [
            {"name": p.required_document.name, "reason": "Chưa nộp"}
            for p in request.papers
            if p.required_document.mandatory and not p.seen
        ]
        items += [{"name": name, "reason": ""} for name in request.extra_items if name.strip()]
        return services.dossier_request_supplement(
            dossier=dossier, user=user, items=items, guidance=request.guidance, version=version
        )
    if request.decision == Decision.REFUSE:
        return services.dossier_refuse(
            dossier=dossier, user=user, reason=request.reason, version=version
        )
    raise Refused("invalid_decision", "Thao tác không hợp lệ.", "Unknown decision.")


# -- approval with a signature ------------------------------------------------------------


class SigningError(DossierError):
    def __init__(self, message_vi: str, message_en: str):
        super().__init__("signing_unavailable", message_vi, message_en, {}, 400)


def _sign(*, user, pdf: bytes, dossier: Dossier) -> bytes:
    try:
        from motcua.signing.services import SigningUnavailable, sign_result_pdf
    except ImportError:
        raise SigningError(
            "Chức năng ký số chưa được cài đặt trên hệ thống.",
            "Digital signing is not installed on this system.",
        ) from None
    try:
        return sign_result_pdf(
            user=user,
            pdf=pdf,
            reason=f"Phê duyệt kết quả giải quyết hồ sơ {dossier.code}",
            location=dossier.competent_agency.name,
        )
    except SigningUnavailable as error:
        raise SigningError(error.message_vi, error.message_en) from None
    except ValueError:
        raise Refused(
            "draft_not_pdf",
            "Dự thảo kết quả không phải tệp PDF hợp lệ nên không ký được; "
            "hãy trả lại để chuyên viên tải lên tệp PDF.",
            "The draft result is not a readable PDF and cannot be signed; "
            "send it back for the specialist to upload a PDF.",
        ) from None


def approval_approve(*, dossier: Dossier, user, note: str = "", version: int) -> Dossier:
    """Approve the proposed result and sign it with the leader's certificate (PAdES).

    The draft is signed first, outside any lock (signing can take a moment); the
    approval then checks ``version``, so a draft replaced in the meantime (sent back and
    proposed again) gives a conflict rather than a signature on the wrong file. Approval,
    the signed file and the result are one transaction: a failure leaves nothing signed
    on record and the dossier awaiting approval.
    """
    draft = latest_draft(dossier)
    if draft is None or not draft.file:
        raise Refused(
            "no_draft",
            "Hồ sơ chưa có dự thảo kết quả để phê duyệt.",
            "The dossier has no draft result to approve.",
        )
    _check_before_signing(dossier, user, version)
    with draft.file.open("rb") as handle:
        content = handle.read()
    signed = _sign(user=user, pdf=content, dossier=dossier)
    with transaction.atomic():
        dossier = services.dossier_approve(dossier=dossier, user=user, note=note, version=version)
        record = SignedResult(
            dossier=dossier,
            draft=draft,
            sha256=hashlib.sha256(signed).hexdigest(),
            signed_by=user,
            signed_at=timezone.now(),
        )
        record.file.save(_signed_name(dossier), ContentFile(signed), save=False)
        record.save()
        try:
            with transaction.atomic():
                dossier = services.dossier_mark_result_ready(
                    dossier=dossier,
                    user=user,
                    result_file_name=_signed_name(dossier),
                    result_content=signed,
                    version=dossier.event_count,
                )
        except Refused as error:
            # The leader's role may not record the result as ready: the desk does it
            # with this signed file (desk_take_result), nobody signs twice.
            if error.code != "role_not_allowed":
                raise
        else:
            record.delivered_at = dossier.finished_at
            record.save(update_fields=["delivered_at"])
    return dossier


def _check_before_signing(dossier: Dossier, user, version: int) -> None:
    """Refuse what the approval would refuse, before a signature is made for nothing.
    (The approval checks again under its lock.)"""
    if dossier.event_count != version:
        raise Conflict(
            "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thao tác lại.",
            "The dossier was changed by someone else; reload it and try again.",
        )
    current, target = wf.State(dossier.state), wf.State.APPROVED
    try:
        wf.check_move(
            current,
            target,
            roles=core.roles_for(user, dossier),
            provided=frozenset({wf.Need.RESULT_FILE}),
            received=dossier.received_at is not None,
        )
    except (wf.IllegalMove, wf.RoleNotAllowed, wf.MissingRequirement) as error:
        raise core.refuse_move(error, dossier) from None


def _signed_name(dossier: Dossier) -> str:
    return f"ket-qua-{dossier.code}.pdf"


def pending_signed_result(dossier: Dossier) -> SignedResult | None:
    return (
        SignedResult.objects.filter(dossier=dossier, delivered_at__isnull=True)
        .order_by("-signed_at")
        .first()
    )


def desk_take_result(*, dossier: Dossier, user, version: int) -> Dossier:
    """The desk records that the approved, signed result is in its hands."""
    with transaction.atomic():
        pending = pending_signed_result(dossier)
        content = None
        if pending is not None:
            with pending.file.open("rb") as handle:
                content = handle.read()
        dossier = services.dossier_mark_result_ready(
            dossier=dossier,
            user=user,
            result_file_name=_signed_name(dossier) if content is not None else "",
            result_content=content,
            version=version,
        )
        if pending is not None:
            SignedResult.objects.filter(pk=pending.pk).update(delivered_at=dossier.finished_at)
    return dossier
