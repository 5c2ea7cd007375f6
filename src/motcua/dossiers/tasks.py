"""Background work on dossiers (django.tasks; the database worker runs it in production)."""

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from motcua import documents
from motcua.catalog.models import StepKind
from motcua.documents import slips as slip_types
from motcua.dossiers.models import (
    Channel,
    DossierEvent,
    Slip,
    SlipKind,
    Timeliness,
)
from motcua.dossiers.public import status_url

log = logging.getLogger(__name__)

_FORM_LABELS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao chứng thực",
    "original_or_copy": "Bản chính hoặc bản sao",
}
_OUTCOME_LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}
_CHANNEL_LABELS = {
    Channel.COUNTER: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Qua dịch vụ bưu chính",
    Channel.ASSISTED: "Trực tuyến (Tổ công nghệ số cộng đồng hỗ trợ)",
}


def _header(event: DossierEvent) -> slip_types.SlipHeader:
    dossier = event.dossier
    agency = dossier.receiving_agency
    return slip_types.SlipHeader(
        agency_name=agency.name.upper(),
        agency_parent_name=f"UBND {agency.unit.province.name}".upper()
        if agency.unit.level == "province"
        else f"UBND {agency.unit.name}".upper(),
        dossier_code=dossier.code,
        procedure_name=dossier.procedure.name,
        applicant=slip_types.Applicant(
            name=dossier.applicant_name,
            id_number=dossier.applicant_id_number,
            phone=dossier.applicant_phone,
            address=dossier.applicant_address,
        ),
        status_url=status_url(dossier.code),
        issued_at=event.at,
        officer_name=event.actor_name or "Hệ thống",
    )


def build_slip(event: DossierEvent, kind: str):
    dossier = event.dossier
    header = _header(event)
    payload = event.payload
    if kind == SlipKind.RECEIPT:
        lines = tuple(
            slip_types.DocumentLine(
                name=doc.name,
                form_label=_FORM_LABELS.get(doc.required_document.form, "")
                if doc.required_document
                else "",
            )
            for doc in dossier.documents.filter(kind="component").select_related(
                "required_document"
            )
        ) or tuple(
            slip_types.DocumentLine(name=req.name, form_label=_FORM_LABELS.get(req.form, ""))
            for req in dossier.procedure.documents.filter(mandatory=True).order_by("order")
        )
        return slip_types.ReceiptSlip(
            header=header,
            documents=lines,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            channel_label=_CHANNEL_LABELS.get(dossier.channel, dossier.channel),
            result_place=dossier.receiving_agency.name,
        )
    if kind == SlipKind.SUPPLEMENT:
        items = tuple(
            slip_types.SupplementItem(name=i["name"], reason=i.get("reason", ""))
            for i in payload.get("items", [])
        )
        return slip_types.SupplementSlip(
            header=header, items=items, guidance=payload.get("guidance", "") or "—"
        )
    if kind == SlipKind.REFUSAL:
        return slip_types.RefusalSlip(header=header, reasons=(payload.get("reason", ""),))
    if kind == SlipKind.APOLOGY:
        apology = dossier.apology
        return slip_types.ApologySlip(
            header=header,
            original_due_at=apology.original_due_at,
            new_due_at=apology.new_due_at,
            reason=apology.reason,
            signer_name=event.actor_name,
        )
    if kind == SlipKind.CONTROL:
        rows = []
        for step in dossier.steps.select_related("assignee", "agency").order_by("order"):
            if step.started_at is None:
                continue
            who = step.assignee.get_full_name() if step.assignee else step.agency.name
            rows.append(
                slip_types.ControlRow(
                    from_label=f"{step.order}. {StepKind(step.kind).label}",
                    to_label=who,
                    handed_at=step.started_at,
                    due_at=step.due_at,
                    outcome_label=_OUTCOME_LABELS.get(step.outcome, ""),
                    note="",
                )
            )
        return slip_types.ControlSlip(
            header=header,
            rows=tuple(rows),
            received_at=dossier.received_at,
            due_at=dossier.due_at,
        )
    raise ValueError(f"unknown slip kind {kind!r}")


@task()
def generate_slip(event_id: int, kind: str) -> int | None:
    """Render and store one slip; a retry after success finds it done (unique per event)."""
    existing = Slip.objects.filter(event_id=event_id, kind=kind).values_list("pk", flat=True)
    if existing:
        return existing[0]
    event = DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__receiving_agency__unit__province"
    ).get(pk=event_id)
    pdf = documents.render(build_slip(event, kind))
    try:
        with transaction.atomic():
            slip = Slip(dossier=event.dossier, kind=kind, event=event)
            stamp = timezone.localtime(event.at).strftime("%Y%m%d-%H%M%S")
            slip.file.save(f"{event.dossier.code}-{kind}-{stamp}.pdf", ContentFile(pdf), save=False)
            slip.save()
    except IntegrityError:
        log.info("slip %s for event %s was generated concurrently", kind, event_id)
        return None
    return slip.pk
