"""The public Open311 GeoReport v2 feed (http://wiki.open311.org/GeoReport_v2).

* services = the active procedures of the catalogue; a service definition lists the
  procedure's required documents as informational attributes;
* requests = submitted dossiers, by code: status open/closed, the procedure, the dates
  and the competent agency, and nothing personal: no applicant name, phone, ID number,
  address, e-mail, description, location or media. ``expected_datetime`` is the due date
  (the appointment);
* POST requests creates FEEDBACK about a procedure (never a dossier) and answers with a
  token (the spec's "batch" services); ``GET tokens/{token}`` gives its reference, and
  ``GET requests/{reference}`` its status and, once published, the answer.

Both formats of the spec: JSON, and XML written with the standard library
(``xml.etree.ElementTree`` escapes text and attributes).

Deviations, documented in docs/portal.md: location (lat/long, address) is optional on POST
(a procedure has no location); ``api_key`` is accepted and not required.
"""

import datetime as dt
import json
import xml.etree.ElementTree as ET

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import OPEN_STATES, Dossier, State
from motcua.portal import ratelimit
from motcua.ratings.models import Feedback, FeedbackChannel, FeedbackKind, FeedbackState
from motcua.ratings.services import Author, feedback_submit, feedback_token

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-22T00:00:00Z"  # bump when this feed's behaviour changes
MAX_REQUESTS = 1000  # the spec's cap on one GET requests answer
DEFAULT_DAYS = 90  # the spec's default window when no dates are given

# Dossiers count as open while the agency still has work on them.
_OPEN = frozenset({*OPEN_STATES, State.SUBMITTED, State.SUPPLEMENT_REQUESTED})


# -- rendering --------------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml_item(parent: ET.Element, tag: str, item: dict, list_tags: dict) -> None:
    element = ET.SubElement(parent, tag)
    for key, value in item.items():
        if isinstance(value, list):
            container = ET.SubElement(element, key)
            child_tag = list_tags.get(key, key.rstrip("s"))
            for child in value:
                if isinstance(child, dict):
                    _xml_item(container, child_tag, child, list_tags)
                else:
                    ET.SubElement(container, child_tag).text = _text(child)
        else:
            ET.SubElement(element, key).text = _text(value)


def _respond(fmt: str, data, *, root: str, item: str | None, list_tags=None, status=200):
    """``data`` as JSON, or as XML under ``root`` (items of a list under ``item``)."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            status=status,
        )
    list_tags = list_tags or {}
    if item is None:  # one object: its fields under the root element
        element = ET.Element("_")
        _xml_item(element, root, data, list_tags)
        tree = element[0]
    else:
        tree = ET.Element(root)
        for entry in data:
            _xml_item(tree, item, entry, list_tags)
    body = ET.tostring(tree, encoding="unicode")
    return HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        content_type="text/xml; charset=utf-8",
        status=status,
    )


def _errors(fmt: str, status: int, *messages: str):
    return _respond(
        fmt,
        [{"code": status, "description": m} for m in messages],
        root="errors",
        item="error",
        status=status,
    )


def _base_url(request) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{reverse('ratings:open311_root')}"


# -- discovery and services ---------------------------------------------------------------


@require_GET
def discovery(request, fmt: str):
    data = {
        "changeset": CHANGESET,
        "contact": "Trung tâm Phục vụ hành chính công / Public Administration Service Center",
        "key_service": "Không cần khóa API / no API key is needed",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _respond(
        fmt,
        data,
        root="discovery",
        item=None,
        list_tags={"endpoints": "endpoint", "formats": "format"},
    )


def _service(procedure: Procedure) -> dict:
    return {
        "service_code": procedure.code,
        "service_name": procedure.name,
        "description": f"{procedure.result_type} — {procedure.competent_agency}",
        "metadata": True,
        "type": "batch",
        "keywords": procedure.field,
        "group": procedure.field,
    }


@require_GET
def service_list(request, fmt: str):
    procedures = Procedure.objects.active().order_by("name", "code")
    fields = ("code", "name", "result_type", "competent_agency", "field")
    return _respond(
        fmt,
        [_service(p) for p in procedures.only(*fields)],
        root="services",
        item="service",
    )


@require_GET
def service_definition(request, code: str, fmt: str):
    procedure = (
        Procedure.objects.active()
        .prefetch_related(
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order"))
        )
        .filter(code=code)
        .first()
    )
    if procedure is None:
        return _errors(fmt, 404, f"No service with code {code}.")
    attributes = [
        {
            # Informational: the papers a dossier needs. Feedback posted here needs none.
            "variable": False,
            "code": f"document-{document.order}",
            "datatype": "string",
            "required": document.mandatory,
            "datatype_description": document.get_form_display(),
            "order": document.order,
            "description": document.name,
        }
        for document in procedure.documents.all()
    ]
    attributes.append(
        {
            "variable": True,
            "code": "dossier_code",
            "datatype": "string",
            "required": False,
            "datatype_description": "Mã hồ sơ / dossier code, e.g. 000.00.06.H56-231027-0361",
            "order": len(attributes) + 1,
            "description": "Mã hồ sơ liên quan (nếu có) / related dossier code (optional)",
        }
    )
    return _respond(
        fmt,
        {"service_code": procedure.code, "attributes": attributes},
        root="service_definition",
        item=None,
        list_tags={"attributes": "attribute"},
    )


# -- requests -------------------------------------------------------------------------------


def _status_of(state: str) -> str:
    return "open" if state in _OPEN else "closed"


def _dossier_request(d: Dossier) -> dict:
    from motcua.dossiers.services.core import STATE_LABELS_VI

    # Whitelisted fields only: nothing here identifies the applicant.
    return {
        "service_request_id": d.code,
        "status": _status_of(d.state),
        "status_notes": STATE_LABELS_VI.get(d.state, d.state),
        "service_name": d.procedure.name,
        "service_code": d.procedure.code,
        "agency_responsible": d.competent_agency.name,
        "service_notice": "",
        "requested_datetime": _iso(d.submitted_at),
        "updated_datetime": _iso(d.updated_at),
        "expected_datetime": _iso(d.due_at),
    }


def _feedback_request(f: Feedback) -> dict:
    # The author's text and identity stay private; a published answer is public.
    return {
        "service_request_id": f.reference,
        "status": "open" if f.is_open else "closed",
        "status_notes": f.answer if f.state == FeedbackState.PUBLISHED else "",
        "service_name": f.procedure.name if f.procedure else "Phản ánh, kiến nghị",
        "service_code": f.procedure.code if f.procedure else "",
        "agency_responsible": f.agency.name if f.agency else "",
        "service_notice": "",
        "requested_datetime": _iso(f.received_at),
        "updated_datetime": _iso(f.updated_at),
        "expected_datetime": _iso(f.resolve_due_at),
    }


def _dossiers():
    return (
        Dossier.objects.exclude(state=State.DRAFT)
        .select_related("procedure", "competent_agency")
        .only(
            "code",
            "state",
            "submitted_at",
            "updated_at",
            "due_at",
            "procedure__code",
            "procedure__name",
            "competent_agency__name",
        )
    )


def _parse_moment(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value.strip().replace(" ", "+"))
    if moment is None:
        raise ValueError(f"{name} must be a w3 date-time, e.g. 2026-03-09T09:00:00+07:00.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@csrf_exempt
@require_http_methods(["GET", "POST"])
def request_list(request, fmt: str):
    if request.method == "POST":
        return _request_create(request, fmt)
    query = request.GET
    try:
        start = _parse_moment(query.get("start_date"), "start_date")
        end = _parse_moment(query.get("end_date"), "end_date")
    except ValueError as error:
        return _errors(fmt, 400, str(error))
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    dossiers = _dossiers()
    if ids := query.get("service_request_id"):
        # The spec: a list of ids overrides every other argument.
        wanted = [i.strip() for i in ids.split(",") if i.strip()][:MAX_REQUESTS]
        rows = dossiers.filter(code__in=wanted).order_by("-submitted_at", "-id")
        return _respond(
            fmt, [_dossier_request(d) for d in rows], root="service_requests", item="request"
        )
    if start is not None:
        dossiers = dossiers.filter(submitted_at__gte=start)
    if end is not None:
        dossiers = dossiers.filter(submitted_at__lte=end)
    if codes := query.get("service_code"):
        dossiers = dossiers.filter(procedure__code__in=[c.strip() for c in codes.split(",")])
    status = query.get("status")
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            return _errors(fmt, 400, "status must be open or closed.")
        if wanted == {"open"}:
            dossiers = dossiers.filter(state__in=_OPEN)
        elif wanted == {"closed"}:
            dossiers = dossiers.exclude(state__in=_OPEN)
    rows = dossiers.order_by("-submitted_at", "-id")[:MAX_REQUESTS]
    return _respond(
        fmt, [_dossier_request(d) for d in rows], root="service_requests", item="request"
    )


@require_GET
def request_detail(request, request_id: str, fmt: str):
    if request_id.startswith("PA-"):
        feedback = (
            Feedback.objects.select_related("procedure", "agency")
            .filter(reference=request_id)
            .first()
        )
        rows = [_feedback_request(feedback)] if feedback else []
    else:
        rows = [_dossier_request(d) for d in _dossiers().filter(code=request_id)]
    if not rows:
        return _errors(fmt, 404, f"No service request with id {request_id}.")
    return _respond(fmt, rows, root="service_requests", item="request")


@require_GET
def token_detail(request, token: str, fmt: str):
    reference = _reference_for_token(token)
    if reference is None:
        return _errors(fmt, 404, "Unknown token.")
    return _respond(
        fmt,
        [{"service_request_id": reference, "token": token}],
        root="service_requests",
        item="request",
    )


def _token(feedback: Feedback) -> str:
    # The reference followed by its key: the token proves the poster created it.
    return f"{feedback.reference}.{feedback_token(feedback)}"


def _reference_for_token(token: str) -> str | None:
    reference, _, key = token.partition(".")
    feedback = Feedback.objects.filter(reference=reference).only("reference").first()
    if feedback is None or not key or _token(feedback) != token:
        return None
    return feedback.reference


def _request_create(request, fmt: str):
    ip = ratelimit.client_ip(request)
    if ratelimit.FEEDBACK_PER_CLIENT.blocked(ip):
        return _errors(fmt, 429, "Too many requests from this address; try again later.")
    data = request.POST
    problems = []
    code = (data.get("service_code") or "").strip()
    procedure = Procedure.objects.active().filter(code=code).first() if code else None
    if not code:
        problems.append("service_code is required.")
    elif procedure is None:
        problems.append(f"No service with code {code}.")
    description = (data.get("description") or "").strip()
    if len(description) < 10:
        problems.append("description is required (10 characters at least).")
    for name in ("lat", "long"):
        if data.get(name):
            try:
                float(data[name])
            except ValueError:
                problems.append(f"{name} must be a number.")
    if problems:
        return _errors(fmt, 400, *problems)
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p)
    try:
        feedback = feedback_submit(
            kind=FeedbackKind.PROCEDURE,
            subject=description.splitlines()[0][:200],
            content=description,
            author=Author(
                name=name.strip(),
                phone=(data.get("phone") or "").strip(),
                email=(data.get("email") or "").strip(),
            ),
            procedure=procedure,
            dossier_code=data.get("attribute[dossier_code]", ""),
            channel=FeedbackChannel.OPEN311,
        )
    except DossierError as error:
        return _errors(fmt, 400, error.message_en)
    ratelimit.FEEDBACK_PER_CLIENT.hit(ip)
    notice = (
        "Phản ánh đã được tiếp nhận; hạn xử lý: "
        f"{timezone.localtime(feedback.resolve_due_at):%d/%m/%Y}. "
        "Feedback received; to be resolved by that date."
    )
    return _respond(
        fmt,
        [{"token": _token(feedback), "service_notice": notice, "account_id": None}],
        root="service_requests",
        item="request",
        status=201,
    )


def root(request):
    """``/open311/v2/``: point to the discovery document."""
    from django.shortcuts import redirect

    return redirect("ratings:open311_discovery", fmt="json")
