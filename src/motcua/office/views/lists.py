"""Lists: the inbox (mine, my agency, waiting for intake), the approval queue, the return
queue and the search. All paginated by 25, all starting from the caller's scope."""

from django.shortcuts import render
from django.utils import timezone

from motcua.catalog.models import StepKind
from motcua.dossiers.models import OPEN_STATES, DeadlineStatus
from motcua.dossiers.selectors import dossier_list
from motcua.office import selectors
from motcua.office.auth import officer_required
from motcua.office.forms import SearchForm
from motcua.office.views.common import page_of, query_without, template_for
from motcua.units.models import Agency

BOXES = ("mine", "agency", "intake")


def _sort(request, allowed) -> str:
    sort = request.GET.get("sort") or "due"
    return sort if sort in allowed else "due"


@officer_required
def inbox(request):
    user = request.user
    box = request.GET.get("box") or "mine"
    if box not in BOXES:
        box = "mine"
    colour = request.GET.get("colour") or ""
    kind = request.GET.get("step") or ""
    if kind not in StepKind.values:
        kind = ""
    now = timezone.now()
    agencies = []
    agency_id = None
    if box == "intake":
        sort = _sort(request, selectors.DOSSIER_SORTS)
        rows, counts = selectors.dossier_queue(
            user, selectors.INTAKE_STATES, colour=colour, sort=sort, now=now
        )
    else:
        sort = _sort(request, selectors.STEP_SORTS)
        if box == "agency":
            agencies = list(
                Agency.objects.visible_to(user).filter(is_active=True).order_by("name")[:200]
            )
            try:
                agency_id = int(request.GET.get("agency") or user.agency_id or 0) or None
            except ValueError:
                agency_id = user.agency_id
        rows, counts = selectors.inbox_steps(
            user,
            box=box,
            agency_id=agency_id,
            kind=kind,
            colour=colour,
            unassigned=request.GET.get("unassigned") == "1",
            sort=sort,
            now=now,
        )
    context = {
        "box": box,
        "page": page_of(request, rows),
        "counts": counts,
        "colour": colour,
        "step": kind,
        "sort": sort,
        "step_kinds": StepKind.choices,
        "colours": DeadlineStatus.choices,
        "agencies": agencies,
        "agency_id": agency_id,
        "unassigned": request.GET.get("unassigned") == "1",
        "query_nosort": query_without(request, "sort", "page"),
        "query_nopage": query_without(request, "page"),
        "now": now,
    }
    return render(request, template_for(request, "office/inbox.html", "results"), context)


def _queue(request, states, template, title_key):
    now = timezone.now()
    sort = _sort(request, selectors.DOSSIER_SORTS)
    colour = request.GET.get("colour") or ""
    rows, counts = selectors.dossier_queue(request.user, states, colour=colour, sort=sort, now=now)
    context = {
        "page": page_of(request, rows),
        "counts": counts,
        "colour": colour,
        "sort": sort,
        "colours": DeadlineStatus.choices,
        "query_nosort": query_without(request, "sort", "page"),
        "query_nopage": query_without(request, "page"),
        "queue": title_key,
        "now": now,
    }
    return render(request, template_for(request, template, "results"), context)


@officer_required
def approvals(request):
    return _queue(request, selectors.APPROVAL_STATES, "office/queue.html", "approvals")


@officer_required
def returns(request):
    return _queue(request, selectors.RETURN_STATES, "office/queue.html", "returns")


@officer_required
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() and not form.is_blank():
        data = form.cleaned_data
        rows = dossier_list(
            request.user,
            state=data["state"] or None,
            procedure_code=data["procedure"].strip() or None,
            q=data["q"] or None,
            id_number=data["id_number"] or None,
            phone=data["phone"] or None,
            received_from=data["received_from"],
            received_to=data["received_to"],
            deadline_status=data["deadline"] or None,
        ).annotate(colour=selectors.colour_annotation(timezone.now()))
        page = page_of(request, rows, capped=True)
    context = {
        "form": form,
        "page": page,
        "query_nopage": query_without(request, "page"),
        "open_states": OPEN_STATES,
    }
    return render(request, template_for(request, "office/search.html", "results"), context)
