"""The citizen pages: catalogue, online submission, status lookup, result, verification.

Thin views (STYLE.md 13): parse, check access, call a service or a selector, render. Pages
carry no script at all and one small stylesheet: they work on any phone browser and stay
well under 100 KB (tests/portal/test_catalogue.py weighs them).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.models import Procedure, Process
from motcua.catalog.selectors import procedure_field_list, procedure_get, procedure_list
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier, State
from motcua.dossiers.public import status_token_valid
from motcua.dossiers.services.uploads import checked_upload
from motcua.portal import ratelimit
from motcua.portal.forms import ApplicantForm, CatalogueFilter, LookupForm
from motcua.portal.models import Draft, Payment, PaymentStatus
from motcua.portal.payments import SandboxProvider, payment_provider
from motcua.portal.selectors import (
    is_digital_helper,
    own_dossier_get,
    own_dossiers,
    public_status,
    public_status_queryset,
    receiving_agencies,
    receiving_provinces,
)
from motcua.portal.services import (
    FORM_FIELDS,
    Upload,
    UploadsRefused,
    draft_create,
    draft_delete,
    draft_file_delete,
    draft_missing,
    draft_save,
    draft_submit,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 20

# Citizens log in with their electronic identification, not the staff login page.
citizen_login_required = _login_required(login_url=reverse_lazy("identity:login"))


def error_text(error: DossierError) -> str:
    """A service error in the page's language (Vietnamese first)."""
    return error.message_en if get_language() == "en" else error.message_vi


def missing_text(item) -> str:
    return item.message_en if get_language() == "en" else item.message_vi


# -- catalogue -------------------------------------------------------------------------------


@require_GET
def home(request):
    form = CatalogueFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    procedures = procedure_list(
        q=data.get("q"),
        level=data.get("cap") or None,
        field=data.get("linh_vuc") or None,
        online_level=data.get("truc_tuyen") or None,
    ).only(
        "code", "name", "field", "level", "online_level", "limit_kind", "limit_amount", "fee_vnd"
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/home.html",
        {
            "form": form,
            "page": page,
            "fields": procedure_field_list(),
            "chosen": data,
            "query": query.urlencode(),
        },
    )


@require_GET
def procedure_detail(request, code: str):
    try:
        procedure = procedure_get(code)
    except Procedure.DoesNotExist:
        raise Http404 from None
    own_processes = (
        Process.objects.filter(procedure=procedure, agency__isnull=False, agency__is_active=True)
        .select_related("agency__unit")
        .order_by("agency__name")[:50]
    )
    return render(
        request,
        "portal/procedure.html",
        {
            "procedure": procedure,
            "documents": procedure.documents.all(),
            "agencies": [p.agency for p in own_processes],
        },
    )


# -- drafts and submission -------------------------------------------------------------------


@citizen_login_required
@require_http_methods(["GET", "POST"])
def draft_start(request, code: str):
    procedure = get_object_or_404(Procedure.objects.active(), code=code)
    provinces = list(receiving_provinces(procedure))
    province_id = request.GET.get("tinh") or request.POST.get("tinh")
    if not province_id and len(provinces) == 1:
        province_id = provinces[0].pk
    try:
        province_id = int(province_id) if province_id else None
    except ValueError:
        province_id = None
    agencies = list(receiving_agencies(procedure, province_id=province_id)) if province_id else []
    helper = is_digital_helper(request.user)
    error = None
    if request.method == "POST":
        agency = next((a for a in agencies if str(a.pk) == request.POST.get("co_quan")), None)
        if agency is None:
            error = pgettext("portal", "Choose where to submit the dossier.")
        else:
            try:
                draft = draft_create(
                    owner=request.user,
                    procedure=procedure,
                    receiving_agency=agency,
                    assisted=helper and request.POST.get("ho_tro") == "1",
                )
            except DossierError as e:
                error = error_text(e)
            else:
                return redirect("portal:draft_edit", pk=draft.pk)
    return render(
        request,
        "portal/draft_start.html",
        {
            "procedure": procedure,
            "provinces": provinces,
            "province_id": province_id,
            "agencies": agencies,
            "helper": helper,
            "error": error,
        },
        status=400 if error else 200,
    )


def _own_draft(request, pk: int) -> Draft:
    return get_object_or_404(
        Draft.objects.select_related("procedure", "receiving_agency", "dossier"),
        pk=pk,
        owner=request.user,
    )


def _uploads(request, draft: Draft) -> list[Upload]:
    """The files of the request, each bound to the required document of its input.

    At most the size limit plus one byte is read of each file: enough for the check to
    refuse an oversized file without holding all of it in memory.
    """
    limit = settings.MOTCUA_MAX_UPLOAD_BYTES
    uploads = []
    for key in request.FILES:
        if key == "tep-khac":
            document_id = None
        elif key.startswith("tep-") and key[4:].isdigit():
            document_id = int(key[4:])
        else:
            continue
        for file in request.FILES.getlist(key):
            uploads.append(Upload(file.name, file.read(limit + 1), document_id))
    return uploads


def _draft_context(draft: Draft, form, errors=()) -> dict:
    files = list(draft.files.all())
    documents = []
    for document in draft.procedure.documents.all():
        documents.append(
            {
                "document": document,
                "files": [f for f in files if f.required_document_id == document.pk],
            }
        )
    return {
        "draft": draft,
        "form": form,
        "documents": documents,
        "extra_files": [f for f in files if f.required_document_id is None],
        "upload_errors": list(errors),
        "max_mb": settings.MOTCUA_MAX_UPLOAD_BYTES // (1024 * 1024),
    }


@citizen_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_edit(request, pk: int):
    draft = _own_draft(request, pk)
    if draft.dossier_id:
        return redirect("portal:dossier", code=draft.dossier.code)
    if request.method == "GET":
        form = ApplicantForm(initial=draft.form_data, draft=True)
        return render(request, "portal/draft_edit.html", _draft_context(draft, form))
    form = ApplicantForm(request.POST, draft=True)
    if not form.is_valid():
        return render(request, "portal/draft_edit.html", _draft_context(draft, form), status=400)
    try:
        draft_save(
            draft=draft,
            user=request.user,
            form_data={k: form.cleaned_data.get(k, "") for k in FORM_FIELDS},
            uploads=_uploads(request, draft),
        )
    except UploadsRefused as refused:
        return render(
            request,
            "portal/draft_edit.html",
            _draft_context(draft, form, [error_text(e) for e in refused.errors]),
            status=400,
        )
    except DossierError as error:
        messages.error(request, error_text(error))
        return redirect("portal:draft_edit", pk=draft.pk)
    if request.POST.get("tiep") == "1":
        return redirect("portal:draft_review", pk=draft.pk)
    messages.success(
        request, pgettext("portal", "Draft saved. You can come back to it from “My dossiers”.")
    )
    return redirect("portal:draft_edit", pk=draft.pk)


@citizen_login_required
@require_POST
def draft_file_remove(request, pk: int, file_pk: int):
    draft = _own_draft(request, pk)
    try:
        draft_file_delete(draft=draft, user=request.user, file_id=file_pk)
    except DossierError as error:
        messages.error(request, error_text(error))
    return redirect("portal:draft_edit", pk=draft.pk)


@citizen_login_required
@require_POST
def draft_discard(request, pk: int):
    draft = _own_draft(request, pk)
    try:
        draft_delete(draft=draft, user=request.user)
    except DossierError as error:
        messages.error(request, error_text(error))
        return redirect("portal:draft_edit", pk=draft.pk)
    messages.success(request, pgettext("portal", "The draft was deleted."))
    return redirect("portal:my_dossiers")


@citizen_login_required
@never_cache
@require_GET
def draft_review(request, pk: int):
    draft = _own_draft(request, pk)
    if draft.dossier_id:
        return redirect("portal:dossier", code=draft.dossier.code)
    return _render_review(request, draft)


def _render_review(request, draft: Draft, error: str = "", status: int = 200):
    context = _draft_context(draft, None)
    context.update(
        {
            "missing": [missing_text(m) for m in draft_missing(draft)],
            "data": draft.form_data,
            "error": error,
        }
    )
    return render(request, "portal/draft_review.html", context, status=status)


@citizen_login_required
@require_POST
def draft_send(request, pk: int):
    draft = _own_draft(request, pk)
    try:
        dossier = draft_submit(draft=draft, user=request.user)
    except DossierError as error:
        return _render_review(request, draft, error_text(error), status=400)
    messages.success(
        request, pgettext("portal", "Your dossier was submitted. Keep its code to follow it.")
    )
    return redirect("portal:dossier", code=dossier.code)


# -- a citizen's own dossiers ----------------------------------------------------------------


@citizen_login_required
@never_cache
@require_GET
def my_dossiers(request):
    page = Paginator(own_dossiers(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    drafts = (
        Draft.objects.filter(owner=request.user, dossier__isnull=True)
        .select_related("procedure")
        .order_by("-updated_at")[:50]
    )
    return render(request, "portal/my_dossiers.html", {"page": page, "drafts": drafts})


def _own(request, code: str) -> Dossier:
    try:
        return own_dossier_get(request.user, code)
    except Dossier.DoesNotExist:
        raise Http404 from None


@citizen_login_required
@never_cache
@require_GET
def dossier_detail(request, code: str):
    from motcua.ratings.models import Rating
    from motcua.ratings.services import rating_path

    dossier = _own(request, code)
    status = public_status(public_status_queryset().get(pk=dossier.pk))
    rating_link = None
    if dossier.state == State.RETURNED and not Rating.objects.filter(dossier=dossier).exists():
        rating_link = rating_path(dossier)
    provider = payment_provider()
    return render(
        request,
        "portal/dossier.html",
        {
            "dossier": dossier,
            "status": status,
            "documents": dossier.documents.filter(kind="component").order_by("uploaded_at", "pk"),
            "payments": dossier.payments.order_by("-created_at")[:5],
            "can_pay": provider is not None
            and dossier.fee_vnd > 0
            and not dossier.fee_paid_online
            and dossier.state not in {State.REFUSED, State.WITHDRAWN, State.STOPPED},
            "has_result": bool(dossier.result_file)
            and dossier.state in {State.RESULT_READY, State.RETURNED},
            "rating_link": rating_link,
        },
    )


@citizen_login_required
@require_GET
def result_download(request, code: str):
    dossier = _own(request, code)
    if dossier.state not in {State.RESULT_READY, State.RETURNED} or not dossier.result_file:
        raise Http404
    return FileResponse(
        dossier.result_file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"ket-qua-{dossier.code}.pdf",
    )


# -- payment ----------------------------------------------------------------------------------


@citizen_login_required
@require_POST
def payment_start(request, code: str):
    dossier = _own(request, code)
    provider = payment_provider()
    if provider is None:
        messages.error(
            request, pgettext("portal", "Online payment is not available; pay at the counter.")
        )
        return redirect("portal:dossier", code=code)
    try:
        url = provider.start(dossier, dossier.fee_vnd, user=request.user)
    except DossierError as error:
        messages.error(request, error_text(error))
        return redirect("portal:dossier", code=code)
    return HttpResponseRedirect(url)


@require_GET
@never_cache
def sandbox_pay(request, reference: str):
    """The sandbox's pretend bank page (only while the sandbox is the provider)."""
    provider = payment_provider()
    if not isinstance(provider, SandboxProvider):
        raise Http404
    payment = get_object_or_404(
        Payment.objects.select_related("dossier"),
        provider=provider.name,
        reference=reference,
        status=PaymentStatus.PENDING,
    )
    return render(
        request,
        "portal/sandbox_pay.html",
        {
            "payment": payment,
            "paid_signature": provider.signature(reference, "paid"),
            "cancel_signature": provider.signature(reference, "cancelled"),
        },
    )


# A gateway brings the citizen back here (often a cross-site POST or a GET with a signed
# query): CSRF cannot apply, and the provider's own signature check in confirm() replaces it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_return(request):
    provider = payment_provider()
    if provider is None:
        raise Http404
    try:
        payment = provider.confirm(request)
    except DossierError as error:
        messages.error(request, error_text(error))
        return redirect("portal:my_dossiers")
    if payment.status == PaymentStatus.PAID:
        messages.success(request, pgettext("portal", "The fee was paid. Thank you."))
    else:
        messages.info(request, pgettext("portal", "The payment was cancelled."))
    if own_dossiers(request.user).filter(pk=payment.dossier_id).exists():
        return redirect("portal:dossier", code=payment.dossier.code)
    return redirect("portal:status_lookup")


# -- status lookup ---------------------------------------------------------------------------


def _not_found_message() -> str:
    # One message for "no such code" and "wrong phone digits": no enumeration.
    return pgettext(
        "portal",
        "No dossier matches this code and these digits. Check the code on your receipt "
        "and the last four digits of the phone number given when applying.",
    )


def _too_many_message() -> str:
    minutes = ratelimit.LOOKUP_PER_CLIENT.window // 60
    return pgettext(
        "portal",
        "Too many unsuccessful lookups. For the security of applicants' data, please try "
        "again in %(minutes)d minutes.",
    ) % {"minutes": minutes}


def _phone_matches(dossier: Dossier, digits: str) -> bool:
    from django.utils.crypto import constant_time_compare

    phone = "".join(ch for ch in dossier.applicant_phone if ch.isdigit())
    return len(phone) >= 4 and constant_time_compare(phone[-4:], digits)


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request):
    ip = ratelimit.client_ip(request)
    context = {
        "form": LookupForm(initial={"ma": request.GET.get("ma", "")}),
        "status": None,
        "mine": own_dossiers(request.user)[:20] if request.user.is_authenticated else [],
    }

    def answer(status_code: int = 200, **extra):
        context.update(extra)
        response = render(request, "portal/lookup.html", context, status=status_code)
        if status_code == 429:
            response["Retry-After"] = str(ratelimit.LOOKUP_PER_CLIENT.window)
        return response

    qr = request.method == "GET" and request.GET.get("k")
    if not qr and request.method == "GET":
        return answer()
    if ratelimit.LOOKUP_PER_CLIENT.blocked(ip):
        return answer(429, error=_too_many_message())
    dossier = None
    if qr:
        code = request.GET.get("ma", "").strip()
        if code and status_token_valid(code, request.GET["k"]):
            dossier = public_status_queryset().filter(code=code).first()
    else:
        form = LookupForm(request.POST)
        context["form"] = form
        if not form.is_valid():
            return answer(400)
        code, digits = form.cleaned_data["ma"], form.cleaned_data["so"]
        if ratelimit.LOOKUP_PER_CODE.blocked(code):
            return answer(429, error=_too_many_message())
        candidate = public_status_queryset().filter(code=code).first()
        if candidate is not None and _phone_matches(candidate, digits):
            dossier = candidate
        if dossier is None:
            ratelimit.LOOKUP_PER_CODE.hit(code)
    if dossier is None:
        ratelimit.LOOKUP_PER_CLIENT.hit(ip)
        log.info("status lookup miss from %s", ip)
        return answer(404, error=_not_found_message())
    return answer(status=public_status(dossier), rating_link=_rating_link(dossier))


def _rating_link(dossier: Dossier) -> str | None:
    from motcua.ratings.models import Rating
    from motcua.ratings.services import rating_path

    if dossier.state != State.RETURNED or Rating.objects.filter(dossier=dossier).exists():
        return None
    return rating_path(dossier)


# -- signature verification ------------------------------------------------------------------


def _verify_pdf(content: bytes):
    """The signing app's verifier (imported late: the portal does not need it to start)."""
    from motcua.signing.services import verify_pdf

    return verify_pdf(content)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    context = {"max_mb": settings.MOTCUA_MAX_UPLOAD_BYTES // (1024 * 1024)}
    if request.method == "GET":
        return render(request, "portal/verify.html", context)
    ip = ratelimit.client_ip(request)
    if ratelimit.VERIFY_PER_CLIENT.blocked(ip):
        context["error"] = pgettext("portal", "Too many files checked. Please try again later.")
        return render(request, "portal/verify.html", context, status=429)
    ratelimit.VERIFY_PER_CLIENT.hit(ip)
    upload = request.FILES.get("tep")
    if upload is None:
        context["error"] = pgettext("portal", "Choose the PDF file to check.")
        return render(request, "portal/verify.html", context, status=400)
    content = upload.read(settings.MOTCUA_MAX_UPLOAD_BYTES + 1)
    try:
        checked = checked_upload(upload.name, content)
        if checked.content_type != "application/pdf":
            raise DossierError(
                "file_type",
                "Chỉ kiểm tra được tệp PDF có chữ ký số.",
                "Only signed PDF files can be checked.",
            )
    except DossierError as error:
        context["error"] = error_text(error)
        return render(request, "portal/verify.html", context, status=400)
    try:
        result = _verify_pdf(content)
    except (ImportError, ImproperlyConfigured):
        log.exception("signature verification is not available")
        context["error"] = pgettext("portal", "Verification is not available at the moment.")
        return render(request, "portal/verify.html", context, status=503)
    except Exception:
        log.warning("could not verify an uploaded PDF", exc_info=True)
        context["error"] = pgettext("portal", "This file could not be read as a signed PDF.")
        return render(request, "portal/verify.html", context, status=400)
    context.update(
        {
            "result": result,
            "summary": result.summary_en if get_language() == "en" else result.summary_vi,
            "file_name": upload.name,
        }
    )
    return render(request, "portal/verify.html", context)
