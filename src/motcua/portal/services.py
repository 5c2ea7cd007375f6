"""Writes of the citizen portal: drafts, their files, and the submission (STYLE.md 4).

Payments are in ``motcua.portal.payments``.
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.dossiers.errors import DossierError, Refused
from motcua.dossiers.models import Channel, DocumentKind, Dossier, DossierDocument
from motcua.dossiers.services import Applicant, dossier_submit
from motcua.dossiers.services.uploads import checked_upload
from motcua.portal.models import Draft, DraftFile
from motcua.portal.selectors import is_digital_helper, receiving_agencies

# The applicant's fields a draft keeps in ``form_data`` (all strings).
FORM_FIELDS = ("applicant_kind", "name", "id_number", "phone", "email", "address", "details")
PHONE_RE = re.compile(r"^(\+84|0)\d{9,10}$")


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s.\-()]", "", phone or "")


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it, bound to a required document (None: an extra)."""

    name: str
    content: bytes
    required_document_id: int | None = None


class UploadsRefused(Refused):
    """One or more files were refused; none of the request was stored."""

    def __init__(self, errors: list[Refused]):
        super().__init__(
            "uploads_refused",
            " ".join(e.message_vi for e in errors),
            " ".join(e.message_en for e in errors),
            files=[e.details.get("file") for e in errors],
        )
        self.errors = errors


def draft_create(*, owner, procedure, receiving_agency, assisted: bool = False) -> Draft:
    """Start an online application; the idempotency key of its submission is issued now."""
    if not owner.is_authenticated:
        raise Refused("login_required", "Vui lòng đăng nhập.", "Please log in.")
    if not procedure.is_active:
        raise Refused(
            "procedure_inactive",
            "Thủ tục này hiện không tiếp nhận hồ sơ.",
            "This procedure does not accept dossiers now.",
        )
    if not receiving_agencies(procedure).filter(pk=receiving_agency.pk).exists():
        raise Refused(
            "invalid_agency",
            "Cơ quan này không tiếp nhận hồ sơ của thủ tục này.",
            "This agency does not receive dossiers of this procedure.",
        )
    if assisted and not is_digital_helper(owner):
        raise Refused(
            "not_a_helper",
            "Chỉ thành viên Tổ công nghệ số cộng đồng được nộp hồ sơ thay người dân.",
            "Only community digital helpers may submit on a citizen's behalf.",
        )
    initial = {}
    if not assisted:
        # Prefilled from the account (the eID login fills the name and phone).
        initial = {
            "name": owner.get_full_name(),
            "phone": getattr(owner, "phone", "") or "",
            "email": owner.email or "",
        }
    return Draft.objects.create(
        owner=owner,
        procedure=procedure,
        receiving_agency=receiving_agency,
        assisted=assisted,
        form_data={k: v for k, v in initial.items() if v},
        idempotency_key=f"portal-{secrets.token_hex(16)}",
    )


def _not_found() -> DossierError:
    return DossierError("not_found", "Không tìm thấy bản nháp.", "Draft not found.", status=404)


def _check_open(draft: Draft, user) -> None:
    if draft.owner_id != getattr(user, "pk", None):
        raise _not_found()
    if draft.dossier_id is not None:
        raise Refused(
            "draft_submitted",
            "Hồ sơ này đã được nộp; không sửa được bản nháp nữa.",
            "This dossier was already submitted; the draft can no longer change.",
        )


def _check_uploads(draft: Draft, uploads: list[Upload]) -> list:
    documents = set(draft.procedure.documents.values_list("pk", flat=True))
    checked, errors = [], []
    for upload in uploads:
        if upload.required_document_id is not None and upload.required_document_id not in (
            documents
        ):
            errors.append(
                Refused(
                    "invalid_document",
                    f"Tệp “{upload.name}” không gắn với giấy tờ nào của thủ tục.",
                    f"File '{upload.name}' is not bound to a document of this procedure.",
                    file=upload.name,
                )
            )
            continue
        try:
            checked.append((upload, checked_upload(upload.name, upload.content)))
        except Refused as error:
            errors.append(error)
    if errors:
        raise UploadsRefused(errors)
    return checked


def draft_save(
    *, draft: Draft, user, form_data: dict | None = None, uploads: list[Upload] = ()
) -> Draft:
    """Save the form and add the uploaded files, all or nothing.

    Every file is checked (type by extension and by content, size) before anything is
    written: one bad file refuses the whole request, and nothing of it is stored.
    """
    _check_open(draft, user)
    checked = _check_uploads(draft, list(uploads))
    stored: list[str] = []
    try:
        with transaction.atomic():
            draft = Draft.objects.select_for_update().get(pk=draft.pk)
            _check_open(draft, user)
            if form_data is not None:
                draft.form_data = {
                    k: str(form_data.get(k, "") or "").strip()
                    for k in FORM_FIELDS
                    if form_data.get(k)
                }
            draft.save()
            for upload, result in checked:
                row = DraftFile(
                    draft=draft,
                    required_document_id=upload.required_document_id,
                    name=upload.name[:255],
                    content_type=result.content_type,
                    size=result.size,
                    sha256=result.sha256,
                )
                row.file.save(result.safe_name, ContentFile(upload.content), save=False)
                stored.append(row.file.name)
                row.save()
    except BaseException:
        # The rows rolled back; the files written before the failure must go too.
        for name in stored:
            DraftFile._meta.get_field("file").storage.delete(name)
        raise
    return draft


def draft_file_delete(*, draft: Draft, user, file_id: int) -> None:
    _check_open(draft, user)
    row = DraftFile.objects.filter(draft=draft, pk=file_id).first()
    if row is None:
        return
    name = row.file.name
    row.delete()
    transaction.on_commit(lambda: row.file.storage.delete(name))


def draft_delete(*, draft: Draft, user) -> None:
    _check_open(draft, user)
    names = [f.file.name for f in draft.files.all()]
    storage = DraftFile._meta.get_field("file").storage
    draft.delete()
    transaction.on_commit(lambda: [storage.delete(n) for n in names])


def draft_prune(*, older_than_days: int) -> int:
    """Delete unsubmitted drafts untouched for ``older_than_days``, and their files."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    storage = DraftFile._meta.get_field("file").storage
    count = 0
    stale = Draft.objects.filter(dossier__isnull=True, updated_at__lt=cutoff).order_by("pk")
    for draft in stale.iterator(chunk_size=500):
        names = list(draft.files.values_list("file", flat=True))
        with transaction.atomic():
            draft.delete()
        for name in names:
            storage.delete(name)
        count += 1
    return count


@dataclass(frozen=True)
class Missing:
    code: str
    message_vi: str
    message_en: str


def draft_missing(draft: Draft) -> list[Missing]:
    """What the draft still lacks before it can be submitted."""
    data = draft.form_data or {}
    missing = []
    if not data.get("name"):
        missing.append(Missing("name", "Họ và tên người nộp", "The applicant's full name"))
    phone = normalise_phone(data.get("phone", ""))
    if not PHONE_RE.match(phone):
        missing.append(
            Missing(
                "phone",
                "Số điện thoại hợp lệ (dùng để tra cứu hồ sơ)",
                "A valid phone number (used to look the dossier up)",
            )
        )
    uploaded = {f.required_document_id for f in draft.files.all()}
    for document in draft.procedure.documents.all():
        if document.mandatory and document.pk not in uploaded:
            missing.append(Missing(f"document:{document.pk}", document.name, document.name))
    return missing


def draft_submit(*, draft: Draft, user) -> Dossier:
    """Submit the draft: one dossier, however often this is called.

    The draft row is locked first, so a double click waits for the first submission and
    then finds its dossier; ``dossier_submit`` also returns the first dossier for the
    draft's idempotency key. The uploaded files become the dossier's documents in the same
    transaction, pointing at the files already stored.
    """
    if draft.owner_id != getattr(user, "pk", None):
        raise _not_found()
    with transaction.atomic():
        draft = (
            # of=self: the dossier is an outer join, which PostgreSQL will not lock.
            Draft.objects.select_for_update(of=("self",))
            .select_related("procedure", "receiving_agency__unit", "dossier")
            .get(pk=draft.pk)
        )
        if draft.dossier is not None:
            return draft.dossier
        missing = draft_missing(draft)
        if missing:
            raise Refused(
                "draft_incomplete",
                "Hồ sơ còn thiếu: " + "; ".join(m.message_vi for m in missing) + ".",
                "The dossier still lacks: " + "; ".join(m.message_en for m in missing) + ".",
                missing=[m.code for m in missing],
            )
        data = draft.form_data
        channel = Channel.ASSISTED if draft.assisted else Channel.ONLINE
        dossier = dossier_submit(
            procedure=draft.procedure,
            receiving_agency=draft.receiving_agency,
            applicant=Applicant(
                name=data.get("name", ""),
                id_number=data.get("id_number", ""),
                phone=normalise_phone(data.get("phone", "")),
                email=data.get("email", ""),
                address=data.get("address", ""),
                kind=data.get("applicant_kind") or "person",
            ),
            channel=channel,
            user=user,
            owner=None if draft.assisted else user,
            form_data={"details": data.get("details", ""), "portal_draft": draft.pk},
            idempotency_key=draft.idempotency_key,
        )
        _attach_files(draft, dossier, user)
        draft.dossier = dossier
        draft.save(update_fields=["dossier", "updated_at"])
    return dossier


def _attach_files(draft: Draft, dossier: Dossier, user) -> None:
    files = list(draft.files.all())
    names = dict(
        RequiredDocument.objects.filter(procedure=draft.procedure).values_list("pk", "name")
    )
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            required_document_id=f.required_document_id,
            kind=DocumentKind.COMPONENT,
            name=(
                f"{names[f.required_document_id]}: {f.name}"
                if f.required_document_id in names
                else f.name
            )[:255],
            file=f.file.name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by=user,
        )
        for f in files
    )
    # The files now belong to the dossier's documents; the draft keeps no second claim.
    DraftFile.objects.filter(pk__in=[f.pk for f in files]).delete()
