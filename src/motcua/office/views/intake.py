"""Counter intake: pick the procedure, enter or look up the applicant, tick the papers
against the checklist, scan, then receive, ask for a supplement, or refuse."""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_get, procedure_list
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier, State
from motcua.dossiers.services import Applicant
from motcua.office import selectors, services
from motcua.office.auth import officer_required
from motcua.office.forms import ApplicantForm, max_upload_mb
from motcua.office.views.common import error_text

RECENT_KEY = "office_recent_procedures"
RECENT_MAX = 8


def _require_counter(request):
    if not selectors.can_receive(request.user) or request.user.agency_id is None:
        raise PermissionDenied


@officer_required
def intake_start(request):
    _require_counter(request)
    q = request.GET.get("q", "").strip()
    recent_codes = request.session.get(RECENT_KEY, [])
    recent = []
    if recent_codes and not q:
        by_code = {p.code: p for p in Procedure.objects.active().filter(code__in=recent_codes)}
        recent = [by_code[c] for c in recent_codes if c in by_code]
    procedures = list(procedure_list(q=q)[:15]) if q else []
    template = "office/intake_start.html"
    if getattr(request, "htmx", False):
        template += "#procedures"
    return render(
        request,
        template,
        {"q": q, "procedures": procedures, "recent": recent},
    )


def _papers_from(request, procedure) -> list[services.Paper]:
    papers = []
    for document in procedure.documents.all():
        scan = request.FILES.get(f"scan_{document.pk}")
        content = None
        if scan is not None:
            # One byte past the limit is enough for the check to refuse it.
            content = scan.read(settings.MOTCUA_MAX_UPLOAD_BYTES + 1)
        papers.append(
            services.Paper(
                required_document=document,
                seen=request.POST.get(f"seen_{document.pk}") == "on",
                scan_name=scan.name if scan is not None else "",
                scan=content,
            )
        )
    return papers


@officer_required
def intake_form(request, procedure_code: str):
    _require_counter(request)
    try:
        procedure = procedure_get(procedure_code)
    except Procedure.DoesNotExist:
        raise Http404 from None
    error = ""
    form = ApplicantForm(request.POST or None)
    seen = set()
    if request.method == "POST":
        seen = {d.pk for d in procedure.documents.all() if request.POST.get(f"seen_{d.pk}") == "on"}
        decision = request.POST.get("decision", "")
        if form.is_valid():
            a = form.cleaned_data
            intake = services.IntakeRequest(
                procedure=procedure,
                applicant=Applicant(
                    name=a["name"],
                    id_number=a["id_number"],
                    phone=a["phone"].strip(),
                    email=a["email"],
                    address=a["address"].strip(),
                    kind=a["kind"],
                ),
                papers=_papers_from(request, procedure),
                decision=decision,
                reason=request.POST.get("reason", ""),
                guidance=request.POST.get("guidance", ""),
                extra_items=request.POST.get("extra_items", "").splitlines(),
                idempotency_key=request.POST.get("key", "")[:80],
            )
            try:
                dossier = services.intake_receive(
                    user=request.user, agency=request.user.agency, request=intake
                )
            except DossierError as err:
                error = error_text(err)
            else:
                _remember(request, procedure.code)
                return redirect(_after_intake(dossier))
    key = request.POST.get("key") or uuid.uuid4().hex
    return render(
        request,
        "office/intake_form.html",
        {
            "procedure": procedure,
            "form": form,
            "documents": procedure.documents.all(),
            "seen": seen,
            "error": error,
            "key": key,
            "decision": request.POST.get("decision", ""),
            "reason": request.POST.get("reason", ""),
            "guidance": request.POST.get("guidance", ""),
            "extra_items": request.POST.get("extra_items", ""),
            "max_upload_mb": max_upload_mb(),
        },
        status=400 if error or form.errors else 200,
    )


def _after_intake(dossier: Dossier) -> str:
    slip = {
        State.RECEIVED: "receipt",
        State.SUPPLEMENT_REQUESTED: "supplement",
        State.REFUSED: "refusal",
    }.get(dossier.state, "")
    url = reverse("office:dossier", args=[dossier.code])
    return f"{url}?done={slip}" if slip else url


def _remember(request, code: str) -> None:
    recent = [c for c in request.session.get(RECENT_KEY, []) if c != code]
    request.session[RECENT_KEY] = [code, *recent][:RECENT_MAX]


@require_GET
@officer_required
def applicant_lookup(request):
    """Fill the applicant from their latest dossier the officer can see, by ID number
    (index ``dossier_applicant_id``). The read is logged as a personal-data view."""
    _require_counter(request)
    id_number = request.GET.get("id_number", "").strip()
    found = None
    if id_number.isdigit() and len(id_number) >= 9:
        found = (
            Dossier.objects.visible_to(request.user)
            .filter(applicant_id_number=id_number)
            .order_by("-submitted_at", "-id")
            .first()
        )
        if found is not None:
            services.personal_data_viewed(
                user=request.user, dossier=found, page=services.PAGE_INTAKE
            )
    form = None
    if found is not None:
        form = ApplicantForm(
            initial={
                "kind": found.applicant_kind,
                "id_number": found.applicant_id_number,
                "name": found.applicant_name,
                "phone": found.applicant_phone,
                "email": found.applicant_email,
                "address": found.applicant_address,
            }
        )
    return render(
        request,
        "office/intake_form.html#applicant",
        {
            "form": form or ApplicantForm(initial={"id_number": id_number}),
            "found": found,
            "looked_up": True,
        },
    )
