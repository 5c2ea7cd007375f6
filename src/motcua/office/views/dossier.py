"""One dossier: its page, every action on it, its files, the return desk and the
approval review. Each view fetches through the access rule (404 outside the caller's
units) and acts through a service."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.dossiers import services as dossier_services
from motcua.dossiers import workflow as wf
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import (
    Apology,
    DocumentKind,
    DossierDocument,
    DossierStep,
    Slip,
    SlipKind,
    State,
    Timeliness,
)
from motcua.dossiers.selectors import dossier_events
from motcua.dossiers.services import core
from motcua.dossiers.services.processing import step_outcome
from motcua.office import forms as f
from motcua.office import selectors, services
from motcua.office.auth import officer_required
from motcua.office.models import SignedResult
from motcua.office.views.common import dossier_for, error_text
from motcua.units.models import User

S = wf.State
_DISPATCHERS = frozenset({wf.COUNTER, wf.HEAD, wf.LEADER})
_PROCESSORS = frozenset({wf.COUNTER, wf.SPECIALIST, wf.HEAD, wf.LEADER})


def available_actions(dossier, roles: frozenset[str], has_apology: bool) -> set[str]:
    """The actions to offer, read from the transition table and the caller's roles over
    this dossier. The services check again; this only keeps the page honest."""
    current = S(dossier.state)
    received = dossier.received_at is not None

    def can(target: S) -> bool:
        return target in wf.TRANSITIONS[current] and bool(roles & wf.actors_for(current, target))

    actions = set()
    pairs = {
        "receive": S.RECEIVED,
        "request_supplement": S.SUPPLEMENT_REQUESTED,
        "refuse": S.REFUSED,
        "consult": S.CONSULTING,
        "transfer": S.TRANSFERRED,
        "propose": S.AWAITING_APPROVAL,
        "approve": S.APPROVED,
        "reject": S.REJECTED,
        "return": S.RETURNED,
        "withdraw": S.WITHDRAWN,
        "stop": S.STOPPED,
    }
    actions.update(name for name, target in pairs.items() if can(target))
    if current is S.SUPPLEMENT_REQUESTED and can(S.PROCESSING if received else S.SUBMITTED):
        actions.add("complete_supplement")
    if (current is S.RECEIVED and can(S.PROCESSING)) or (
        current is S.PROCESSING and roles & _DISPATCHERS
    ):
        actions.add("assign")
    if current is S.PROCESSING and roles & _PROCESSORS:
        actions.add("hand_over")
    if current in (S.CONSULTING, S.TRANSFERRED) and can(S.PROCESSING):
        actions.add("answer")
    if current is S.AWAITING_APPROVAL and can(S.PROCESSING):
        actions.add("send_back")
    if current is S.APPROVED and can(S.RESULT_READY):
        actions.add("take_result")
    if (
        current not in {S.DRAFT, S.SUBMITTED, *wf.TERMINAL}
        and not has_apology
        and roles & _PROCESSORS
    ):
        actions.add("apologize")
    return actions


def _forms(request, dossier, bound: dict | None = None) -> dict:
    """One form per action, initialised with the version the officer sees now."""
    initial = {"version": dossier.event_count}
    officers = selectors.assignable_officers(request.user, dossier)
    agencies = selectors.transfer_agencies(request.user, dossier)
    forms = {
        "request_supplement": f.SupplementForm(initial=initial),
        "refuse": f.ReasonForm(initial=initial),
        "complete_supplement": f.NoteForm(initial=initial),
        "assign": f.AssignForm(initial=initial, officers=officers),
        "hand_over": f.HandOverForm(initial=initial, officers=officers),
        "consult": f.AgencyRequestForm(initial=initial, agencies=agencies),
        "transfer": f.AgencyRequestForm(initial=initial, agencies=agencies),
        "answer": f.AnswerForm(initial=initial),
        "propose": f.ProposeForm(initial=initial),
        "approve": f.NoteForm(initial=initial),
        "reject": f.ReasonForm(initial=initial),
        "send_back": f.ReasonForm(initial=initial),
        "apologize": f.ApologyForm(initial=initial),
        "return": f.ReturnForm(initial=initial),
        "withdraw": f.ReasonForm(initial=initial),
        "stop": f.ReasonForm(initial=initial),
        "version": f.VersionForm(initial=initial),
    }
    for name, form in (bound or {}).items():
        forms[name] = form
    return forms


def _bind(name: str, request, dossier):
    data, files = request.POST, request.FILES
    if name in {"assign", "hand_over"}:
        officers = selectors.assignable_officers(request.user, dossier)
        cls = f.AssignForm if name == "assign" else f.HandOverForm
        return cls(data, officers=officers)
    if name in {"consult", "transfer"}:
        return f.AgencyRequestForm(
            data, agencies=selectors.transfer_agencies(request.user, dossier)
        )
    cls = {
        "receive": f.VersionForm,
        "request_supplement": f.SupplementForm,
        "refuse": f.ReasonForm,
        "complete_supplement": f.NoteForm,
        "answer": f.AnswerForm,
        "propose": f.ProposeForm,
        "approve": f.NoteForm,
        "reject": f.ReasonForm,
        "send_back": f.ReasonForm,
        "take_result": f.VersionForm,
        "apologize": f.ApologyForm,
        "return": f.ReturnForm,
        "withdraw": f.ReasonForm,
        "stop": f.ReasonForm,
    }.get(name)
    if cls is None:
        raise Http404
    return cls(data, files) if name == "propose" else cls(data)


def _run(name: str, form, dossier, user):
    c = form.cleaned_data
    v = c["version"]
    s = dossier_services
    common = {"dossier": dossier, "user": user, "version": v}
    match name:
        case "receive":
            return s.dossier_receive(**common)
        case "request_supplement":
            return s.dossier_request_supplement(
                **common, items=form.item_list(), guidance=c["guidance"]
            )
        case "refuse":
            return s.dossier_refuse(**common, reason=c["reason"])
        case "complete_supplement":
            return s.dossier_complete_supplement(**common, note=c["note"])
        case "assign":
            return s.step_assign(**common, assignee=c["assignee"])
        case "hand_over":
            return s.step_hand_over(**common, to_user=c["to_user"], note=c["note"])
        case "consult" | "transfer":
            service = s.dossier_consult if name == "consult" else s.dossier_transfer
            return service(**common, to_agency=c["to_agency"], task=c["task"], limit=form.limit())
        case "answer":
            return s.request_answer(**common, answer=c["answer"])
        case "propose":
            upload = c["file"]
            content = upload.read(settings.MOTCUA_MAX_UPLOAD_BYTES + 1)
            return s.dossier_propose_result(
                **common, file_name=upload.name or "", content=content, note=c["note"]
            )
        case "approve":
            return services.approval_approve(**common, note=c["note"])
        case "reject":
            return s.dossier_reject(**common, reason=c["reason"])
        case "send_back":
            return s.dossier_send_back(**common, reason=c["reason"])
        case "take_result":
            return services.desk_take_result(**common)
        case "apologize":
            return s.dossier_apologize(**common, reason=c["reason"], new_due_at=form.new_due_at())
        case "return":
            return s.dossier_return(**common, method=c["method"])
        case "withdraw":
            return s.dossier_withdraw(**common, reason=c["reason"])
        case "stop":
            return s.dossier_stop(**common, reason=c["reason"])
    raise Http404


DONE_MESSAGES = {
    "receive": gettext_lazy("The dossier was received. Print the receipt for the applicant."),
    "request_supplement": gettext_lazy("The supplement request was recorded. Print the slip."),
    "refuse": gettext_lazy("The refusal was recorded. Print the slip."),
    "complete_supplement": gettext_lazy("The supplement was recorded."),
    "assign": gettext_lazy("The dossier was assigned."),
    "hand_over": gettext_lazy("The dossier was handed over to the next step."),
    "consult": gettext_lazy("The consultation request was sent."),
    "transfer": gettext_lazy("The dossier was transferred."),
    "answer": gettext_lazy("The answer was recorded."),
    "propose": gettext_lazy("The draft result was sent for approval."),
    "reject": gettext_lazy("The dossier was rejected with reasons."),
    "send_back": gettext_lazy("The draft was sent back for rework."),
    "take_result": gettext_lazy("The signed result is at the desk, ready to return."),
    "apologize": gettext_lazy("The apology was recorded. Print it for the applicant."),
    "return": gettext_lazy("The result was returned."),
    "withdraw": gettext_lazy("The withdrawal was recorded."),
    "stop": gettext_lazy("Processing was stopped."),
}


def _done_message(action: str, dossier) -> str:
    if action == "approve":
        if dossier.state == State.RESULT_READY:
            return _("Approved and signed. The result is ready to return.")
        return _("Approved and signed. The desk will record the result and return it.")
    return DONE_MESSAGES[action]


@require_POST
@officer_required
def act(request, code: str, action: str):
    dossier = dossier_for(request, code, write=True)
    form = _bind(action, request, dossier)
    page = request.POST.get("page", "dossier")
    error, status = "", 400
    if form.is_valid():
        try:
            dossier = _run(action, form, dossier, request.user)
        except DossierError as err:
            error, status = error_text(err), err.status
        else:
            messages.success(request, _done_message(action, dossier))
            return redirect(_after(action, dossier, page))
    else:
        error = _("Please correct the fields marked below.")
    renderer = {"return": return_page, "approval": approval_page}.get(page, dossier_page)
    response = renderer(request, code, bound={action: form}, error=error, failed=action)
    response.status_code = status
    return response


def _after(action: str, dossier, page: str) -> str:
    code = dossier.code
    if action == "approve" or (action in {"reject", "send_back"} and page == "approval"):
        return reverse("office:approvals")
    if action in {"apologize", "take_result"} and page == "return":
        return reverse("office:return", args=[code])
    if action == "return":
        return reverse("office:dossier", args=[code]) + "?done=control"
    done = {"request_supplement": "supplement", "refuse": "refusal", "apologize": "apology"}
    if action in done:
        return reverse("office:dossier", args=[code]) + f"?done={done[action]}"
    if action == "receive":
        return reverse("office:dossier", args=[code]) + "?done=receipt"
    return reverse("office:dossier", args=[code])


def _detail(dossier):
    """The dossier's related rows, each in one query."""
    documents = list(
        DossierDocument.objects.filter(dossier=dossier)
        .select_related("required_document", "uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    steps = list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "assignee")
        .order_by("order")
    )
    requests = list(dossier.requests.select_related("from_agency", "to_agency"))
    events = list(dossier_events(dossier))
    slips = list(Slip.objects.filter(dossier=dossier).order_by("created_at", "pk"))
    apology = Apology.objects.filter(dossier=dossier).select_related("issued_by").first()
    return documents, steps, requests, events, slips, apology


def _timeliness(dossier, now):
    """On time or late against the legal due date (the apology's new date aside), as the
    return service judges it (Decree 61/2018 art. 19.9)."""
    if not dossier.deadline:
        return None, None
    calendar = core.calendar_of(dossier)
    legal_due = core.legal_due_without_extension(dossier, calendar)
    if legal_due is None:
        return None, None
    ended = dossier.finished_at or now
    return legal_due, step_outcome(ended, legal_due)


def _signature(dossier):
    """Verify the result's signature (pyHanko) for the page; None when there is no file."""
    if not dossier.result_file:
        return None
    try:
        from motcua.signing.services import verify_pdf
    except ImportError:
        return {"available": False}
    try:
        with dossier.result_file.open("rb") as handle:
            result = verify_pdf(handle.read())
    except FileNotFoundError:
        return {"available": True, "missing": True}
    return {"available": True, "result": result}


def _ledger(dossier) -> dict | None:
    data = dossier.deadline
    if not data:
        return None
    return {
        "rule": data.get("rule", ""),
        "start": _parse(data.get("start")),
        "limit": data.get("limit", {}),
        "supplement_rule": data.get("supplement_rule", ""),
        "supplements": [
            {"requested_at": _parse(s["requested_at"]), "completed_at": _parse(s["completed_at"])}
            for s in data.get("supplements", [])
        ],
        "extension": (
            {
                "new_due": _parse(data["extension"]["new_due"]),
                "reason": data["extension"]["reason"],
            }
            if data.get("extension")
            else None
        ),
        "calendar_version": data.get("calendar_version", ""),
    }


def _parse(value):
    return dt.datetime.fromisoformat(value) if value else None


def dossier_page(request, code: str, *, bound=None, error="", failed=""):
    dossier = dossier_for(request, code)
    documents, steps, requests, events, slips, apology = _detail(dossier)
    roles = core.roles_for(request.user, dossier)
    actions = available_actions(dossier, roles, apology is not None)
    now = timezone.now()
    legal_due, outcome = _timeliness(dossier, now)
    # The page shows the ID number, phone and address: log the view before rendering.
    services.personal_data_viewed(user=request.user, dossier=dossier, page=services.PAGE_DOSSIER)
    current = next((s for s in steps if s.started_at and not s.finished_at), None)
    context = {
        "names": _officer_names(events),
        "dossier": dossier,
        "components": [d for d in documents if d.kind == DocumentKind.COMPONENT],
        "drafts": [d for d in documents if d.kind == DocumentKind.DRAFT_RESULT],
        "steps": steps,
        "current_step": current,
        "requests": requests,
        "events": events,
        "slips": slips,
        "apology": apology,
        "actions": actions,
        "forms": _forms(request, dossier, bound),
        "error": error,
        "failed": failed,
        "done": request.GET.get("done", ""),
        "done_slip": _latest_slip(slips, request.GET.get("done", "")),
        "ledger": _ledger(dossier),
        "legal_due": legal_due,
        "outcome": outcome,
        "late": outcome == Timeliness.LATE,
        "signature": _signature(dossier),
        "pending_signed": SignedResult.objects.filter(dossier=dossier, delivered_at__isnull=True)
        .only("pk", "signed_at")
        .first()
        if dossier.state == State.APPROVED
        else None,
        "now": now,
        "is_open": dossier.state in {s.value for s in S} - {*wf.TERMINAL, S.DRAFT},
    }
    return render(request, "office/dossier.html", context)


def _officer_names(events) -> dict[int, str]:
    """Names of the officers the events hand the dossier to, in one query."""
    ids = {
        e.payload.get(key)
        for e in events
        for key in ("assignee", "to_user")
        if isinstance(e.payload, dict) and isinstance(e.payload.get(key), int)
    }
    if not ids:
        return {}
    return {u.pk: f.officer_name(u) for u in User.objects.filter(pk__in=ids)}


def _latest_slip(slips, kind: str):
    matching = [s for s in slips if s.kind == kind]
    return matching[-1] if matching else None


@officer_required
def dossier_view(request, code: str):
    return dossier_page(request, code)


# -- the return desk ----------------------------------------------------------------------


def return_page(request, code: str, *, bound=None, error="", failed=""):
    dossier = dossier_for(request, code)
    apology = Apology.objects.filter(dossier=dossier).first()
    roles = core.roles_for(request.user, dossier)
    actions = available_actions(dossier, roles, apology is not None)
    now = timezone.now()
    legal_due, outcome = _timeliness(dossier, now)
    late = outcome == Timeliness.LATE
    context = {
        "dossier": dossier,
        "apology": apology,
        "actions": actions,
        "forms": _forms(request, dossier, bound),
        "error": error,
        "failed": failed,
        "legal_due": legal_due,
        "outcome": outcome,
        "late": late,
        "needs_apology": late and apology is None,
        "pending_signed": SignedResult.objects.filter(dossier=dossier, delivered_at__isnull=True)
        .only("pk", "signed_at")
        .first()
        if dossier.state == State.APPROVED
        else None,
    }
    return render(request, "office/return.html", context)


@officer_required
def return_view(request, code: str):
    return return_page(request, code)


# -- the approval review ------------------------------------------------------------------


def approval_page(request, code: str, *, bound=None, error="", failed=""):
    dossier = dossier_for(request, code)
    roles = core.roles_for(request.user, dossier)
    actions = available_actions(dossier, roles, True)
    steps = list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "assignee")
        .order_by("order")
    )
    proposal = (
        dossier.events.filter(action="propose").select_related("actor").order_by("-seq").first()
    )
    context = {
        "dossier": dossier,
        "draft": selectors.latest_draft(dossier),
        "proposal": proposal,
        "steps": steps,
        "actions": actions,
        "forms": _forms(request, dossier, bound),
        "error": error,
        "failed": failed,
    }
    return render(request, "office/approval.html", context)


@officer_required
def approval_view(request, code: str):
    return approval_page(request, code)


# -- files --------------------------------------------------------------------------------


def _file_response(field, filename: str, content_type: str = "application/pdf"):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
def document_file(request, code: str, pk: int):
    dossier = dossier_for(request, code)
    document = DossierDocument.objects.filter(dossier=dossier, pk=pk).first()
    if document is None or not document.file:
        raise Http404
    name = document.file.name.rsplit("/", 1)[-1]
    return _file_response(document.file, name, document.content_type)


@officer_required
def result_file(request, code: str):
    dossier = dossier_for(request, code)
    if not dossier.result_file:
        raise Http404
    return _file_response(dossier.result_file, f"ket-qua-{dossier.code}.pdf")


@officer_required
def slip_file(request, code: str, pk: int):
    dossier = dossier_for(request, code)
    slip = Slip.objects.filter(dossier=dossier, pk=pk).first()
    if slip is None:
        raise Http404
    return _file_response(slip.file, f"{dossier.code}-{slip.kind}.pdf")


@officer_required
def slip_latest(request, code: str, kind: str):
    """The newest slip of ``kind``; slips are made after commit by the worker, so this
    page waits for it (htmx polls) and then opens the PDF for printing."""
    if kind not in SlipKind.values:
        raise Http404
    dossier = dossier_for(request, code)
    slip = Slip.objects.filter(dossier=dossier, kind=kind).order_by("-created_at", "-pk").first()
    if slip is not None:
        url = reverse("office:slip", args=[dossier.code, slip.pk])
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    template = "office/slip_wait.html"
    if getattr(request, "htmx", False):
        template += "#wait"
    return render(
        request, template, {"dossier": dossier, "kind": kind, "label": SlipKind(kind).label}
    )
