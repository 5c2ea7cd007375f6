"""The rating page behind the one-click link, and the feedback form (no login needed)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.catalog.models import Procedure
from motcua.dossiers.errors import DossierError
from motcua.portal import ratelimit
from motcua.portal.views import error_text
from motcua.ratings.forms import FeedbackForm
from motcua.ratings.models import Feedback, FeedbackState
from motcua.ratings.services import (
    Author,
    feedback_submit,
    feedback_supplement,
    feedback_token,
    feedback_token_valid,
    rating_dossier,
    rating_submit,
)
from motcua.units.models import Dataset, Level, Unit

# (value, label) of each criterion, best first (Circular 01/2018 art. 13; see models.py).
CRITERIA = [
    (
        "time",
        pgettext_lazy("portal", "When did you get the result?"),
        [
            (2, pgettext_lazy("portal", "Before the appointment")),
            (1, pgettext_lazy("portal", "On the appointment date")),
            (0, pgettext_lazy("portal", "After the appointment")),
        ],
    ),
    (
        "contacts",
        pgettext_lazy(
            "portal", "How many times did you have to come or get in touch to complete the dossier?"
        ),
        [
            (2, pgettext_lazy("portal", "Once")),
            (1, pgettext_lazy("portal", "Twice")),
            (0, pgettext_lazy("portal", "Three times or more")),
        ],
    ),
    (
        "bodies",
        pgettext_lazy("portal", "How many offices did you have to deal with?"),
        [
            (2, pgettext_lazy("portal", "Only the one-stop desk")),
            (1, pgettext_lazy("portal", "Two offices")),
            (0, pgettext_lazy("portal", "Three or more offices")),
        ],
    ),
    (
        "attitude",
        pgettext_lazy("portal", "How did the officers treat you?"),
        [
            (2, pgettext_lazy("portal", "Politely and helpfully")),
            (1, pgettext_lazy("portal", "Acceptably")),
            (0, pgettext_lazy("portal", "They caused trouble or asked for money not due")),
        ],
    ),
]
SATISFACTION = [
    (5, pgettext_lazy("portal", "Very satisfied")),
    (4, pgettext_lazy("portal", "Satisfied")),
    (3, pgettext_lazy("portal", "Neither satisfied nor dissatisfied")),
    (2, pgettext_lazy("portal", "Dissatisfied")),
    (1, pgettext_lazy("portal", "Very dissatisfied")),
]


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    try:
        dossier = rating_dossier(token)
    except DossierError as error:
        done = error.code == "already_rated"
        return render(
            request,
            "ratings/rate.html",
            {"error": error_text(error), "done": done},
            status=200 if done else 410 if error.code == "link_expired" else 404,
        )
    context = {"dossier": dossier, "criteria": CRITERIA, "satisfaction": SATISFACTION}
    if request.method == "POST":
        values = {name: request.POST.get(name) for name, _label, _choices in CRITERIA}
        context["chosen"] = {k: str(v) for k, v in values.items() if v is not None}
        context["chosen"]["satisfaction"] = request.POST.get("satisfaction", "")
        context["comment"] = request.POST.get("comment", "")
        try:
            rating = rating_submit(
                token=token,
                satisfaction=request.POST.get("satisfaction") or None,
                comment=request.POST.get("comment", ""),
                **values,
            )
        except DossierError as error:
            context["error"] = error_text(error)
            return render(request, "ratings/rate.html", context, status=400)
        return render(
            request,
            "ratings/rate.html",
            {"done": True, "negative": rating.is_negative, "dossier": dossier},
        )
    return render(request, "ratings/rate.html", context)


def _provinces():
    return Unit.objects.filter(dataset=Dataset.TWO_LEVEL, level=Level.PROVINCE).order_by("name")


@require_http_methods(["GET", "POST"])
def feedback_create(request):
    procedure = None
    code = request.GET.get("thu_tuc") or request.POST.get("thu_tuc")
    if code:
        procedure = Procedure.objects.active().filter(code=code).first()
    provinces = _provinces()
    if request.method == "GET":
        initial = {"kind": "procedure" if procedure else "conduct"}
        if request.user.is_authenticated:
            initial.update(name=request.user.get_full_name(), email=request.user.email)
        form = FeedbackForm(initial=initial, provinces=provinces)
        return render(request, "ratings/feedback_form.html", {"form": form, "procedure": procedure})
    form = FeedbackForm(request.POST, provinces=provinces)
    ip = ratelimit.client_ip(request)
    error, status = None, 400
    if ratelimit.FEEDBACK_PER_CLIENT.blocked(ip):
        error, status = (
            pgettext("portal", "Too many messages from this connection. Please try again later."),
            429,
        )
    elif form.is_valid():
        data = form.cleaned_data
        try:
            feedback = feedback_submit(
                kind=data["kind"],
                subject=data["subject"],
                content=data["content"],
                author=Author(
                    name=data["name"], phone=data["phone"], email=data["email"], user=request.user
                ),
                procedure=procedure,
                dossier_code=data["dossier_code"],
                province=data["province"],
            )
        except DossierError as e:
            error = error_text(e)
        else:
            ratelimit.FEEDBACK_PER_CLIENT.hit(ip)
            return redirect(
                f"{_detail_path(feedback)}?k={feedback_token(feedback)}&moi=1",
            )
    return render(
        request,
        "ratings/feedback_form.html",
        {"form": form, "procedure": procedure, "error": error},
        status=status,
    )


def _detail_path(feedback: Feedback) -> str:
    from django.urls import reverse

    return reverse("ratings:feedback_detail", args=[feedback.reference])


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_detail(request, reference: str):
    """The author's view of their feedback: the reference and its key (from the link)."""
    token = request.GET.get("k", "")
    feedback = (
        Feedback.objects.select_related("procedure", "agency").filter(reference=reference).first()
    )
    if feedback is None or not feedback_token_valid(feedback, token):
        raise Http404
    error = None
    if request.method == "POST" and feedback.state == FeedbackState.SUPPLEMENT_REQUESTED:
        try:
            feedback = feedback_supplement(feedback=feedback, text=request.POST.get("text", ""))
        except DossierError as e:
            error = error_text(e)
        else:
            return redirect(f"{_detail_path(feedback)}?k={token}")
    return render(
        request,
        "ratings/feedback_detail.html",
        {
            "feedback": feedback,
            "new": request.GET.get("moi") == "1",
            "link": request.build_absolute_uri(f"{_detail_path(feedback)}?k={token}"),
            "error": error,
        },
    )
