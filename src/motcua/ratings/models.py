"""Per-dossier ratings, the reviews a negative rating opens, and citizens' feedback.

Rating criteria (Circular 01/2018/TT-VPCP art. 13): of the nine criteria, the four the
applicant can judge from their own experience, each scored 0/1/2 as the circular scores
them, as the applicant perceived it:

* ``time`` — criterion 1, total time against the appointment: earlier 2, on the date 1,
  later 0;
* ``contacts`` — criterion 3, how many times the applicant had to come or get in touch to
  complete the file: once 2, twice 1, three times or more 0;
* ``bodies`` — criterion 4, how many bodies the applicant had to deal with: the one-stop
  desk only 2, two 1, three or more 0;
* ``attitude`` — criterion 7, the officers' conduct: polite and helpful 2, acceptable 1,
  caused trouble or asked for money not due 0.

Criteria 2, 5, 6, 8 and 9 concern the agency's own records and are computed by the
indicators, not asked. ``satisfaction`` is the SIPAS-style overall satisfaction, 1 (very
dissatisfied) to 5 (very satisfied), optional. A rating with any criterion at 0 or a
satisfaction of 1 or 2 is negative and opens a ``Review`` for the head of the competent
agency.

Feedback (phản ánh, kiến nghị) deadlines follow the Decision 766/QD-TTg indicator
"feedback handled on time" (RULES.md): refuse within 2 working days, ask for a supplement
within 5, resolve within 15, publish the answer within 2 after resolving it; all counted
on the working calendar of the feedback's province.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.units.models import Agency, Unit

# -- ratings ----------------------------------------------------------------------------------


class Rating(models.Model):
    # One rating per dossier, enforced by the database: the link is single use even when
    # two clicks race (the second insert fails on this unique key).
    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="rating", verbose_name=_("dossier")
    )
    # The competent agency at the time of rating, for per-agency statistics and reviews.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("agency")
    )
    time = models.PositiveSmallIntegerField(_("time against the appointment"))
    contacts = models.PositiveSmallIntegerField(_("number of contacts needed"))
    bodies = models.PositiveSmallIntegerField(_("number of bodies contacted"))
    attitude = models.PositiveSmallIntegerField(_("officers' attitude"))
    satisfaction = models.PositiveSmallIntegerField(
        _("overall satisfaction"), null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    CRITERIA = ("time", "contacts", "bodies", "attitude")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__lte": 2}), name=f"rating_{name}_0_to_2"
                )
                for name in ("time", "contacts", "bodies", "attitude")
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="rating_satisfaction_1_to_5",
            ),
        ]
        indexes = [
            # Satisfaction per agency and period (indicators, scorecards).
            models.Index(fields=["agency", "created_at"], name="rating_agency_created"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}/8"

    @property
    def score(self) -> int:
        return self.time + self.contacts + self.bodies + self.attitude

    @property
    def low_criteria(self) -> list[str]:
        low = [name for name in self.CRITERIA if getattr(self, name) == 0]
        if self.satisfaction is not None and self.satisfaction <= 2:
            low.append("satisfaction")
        return low

    @property
    def is_negative(self) -> bool:
        return bool(self.low_criteria)


class ReviewState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Review(models.Model):
    """A negative rating to be looked into by the head of the competent agency."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="review")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("agency")
    )
    reasons = models.JSONField(_("low criteria"), default=list)
    state = models.CharField(
        _("state"), max_length=8, choices=ReviewState.choices, default=ReviewState.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-opened_at"]
        indexes = [
            # The agency head's queue: open reviews of an agency, oldest first.
            models.Index(fields=["agency", "state", "opened_at"], name="review_agency_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", resolved_at__isnull=True)
                | Q(state="closed", resolved_at__isnull=False),
                name="review_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.dossier_id}"


# -- feedback ---------------------------------------------------------------------------------


class FeedbackKind(models.TextChoices):
    PROCEDURE = "procedure", _("About a procedure")
    CONDUCT = "conduct", _("About an officer's conduct")
    PETITION = "petition", _("Petition or proposal")


class FeedbackState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("portal", "Received")
    SUPPLEMENT_REQUESTED = (
        "supplement_requested",
        pgettext_lazy("portal", "Waiting for more information"),
    )
    REJECTED = "rejected", pgettext_lazy("portal", "Not accepted")
    ANSWERED = "answered", pgettext_lazy("portal", "Answered")
    PUBLISHED = "published", pgettext_lazy("portal", "Answer published")


FEEDBACK_OPEN_STATES = [FeedbackState.RECEIVED, FeedbackState.SUPPLEMENT_REQUESTED]


class FeedbackChannel(models.TextChoices):
    WEB = "web", _("Portal")
    OPEN311 = "open311", _("Open311")


class FeedbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Feedback about the caller's units (by agency, else by province)."""
        from motcua.units.access import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(
            scope.q("agency__unit_id", province_path="agency__unit__province_id")
            | Q(agency__isnull=True, province_id__in=sorted(scope.province_ids))
        )

    def open(self):
        return self.filter(state__in=FEEDBACK_OPEN_STATES)


class Feedback(models.Model):
    # Public reference the author follows the feedback with, e.g. PA-260309-7K3QF9.
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=FeedbackKind.choices)
    state = models.CharField(
        _("state"), max_length=24, choices=FeedbackState.choices, default=FeedbackState.RECEIVED
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=FeedbackChannel.choices, default=FeedbackChannel.WEB
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    # Whose working calendar counts the deadlines and whose officers answer.
    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    # Personal data: shown to the officers who handle it, never published or fed out.
    author_name = models.CharField(_("author's name"), max_length=200, blank=True)
    author_phone = models.CharField(_("phone"), max_length=20, blank=True)
    author_email = models.EmailField(_("e-mail"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    received_at = models.DateTimeField(_("received at"))
    reject_due_at = models.DateTimeField(_("refuse by"))
    supplement_due_at = models.DateTimeField(_("ask for more information by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)

    rejected_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_question = models.TextField(blank=True)
    supplement_received_at = models.DateTimeField(null=True, blank=True)
    supplement_text = models.TextField(blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at"]
        indexes = [
            # Open feedback by resolution deadline: the "late" list and the indicator.
            models.Index(fields=["state", "resolve_due_at"], name="feedback_state_due"),
            models.Index(fields=["agency", "state", "resolve_due_at"], name="feedback_agency_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["answered", "published"]) | Q(answered_at__isnull=False),
                name="feedback_answered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="feedback_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in FEEDBACK_OPEN_STATES


class FeedbackAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    REJECT = "reject", _("Not accepted")
    REQUEST_SUPPLEMENT = "request_supplement", _("More information requested")
    SUPPLEMENT = "supplement", _("More information given")
    ANSWER = "answer", _("Answered")
    PUBLISH = "publish", _("Published")


class FeedbackEvent(models.Model):
    """Append-only history of a feedback item, with the on-time outcome of each stage."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=20, choices=FeedbackAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whether the stage this action ends was done by its deadline (None: no deadline).
    on_time = models.BooleanField(null=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["feedback", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"
