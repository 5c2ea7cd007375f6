"""Dossiers, their steps, requests to other agencies, apologies, slips and the event chain.

The dossier row is a projection of its events (STYLE.md 9): only
``motcua.dossiers.services`` writes it, in the same transaction as the event that explains
the change. Events are append-only and hash-chained per dossier.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.workflow import State as WorkflowState
from motcua.units.models import Agency, Unit


class State(models.TextChoices):
    DRAFT = WorkflowState.DRAFT, _("Draft")
    SUBMITTED = WorkflowState.SUBMITTED, _("Submitted")
    RECEIVED = WorkflowState.RECEIVED, _("Received")
    SUPPLEMENT_REQUESTED = WorkflowState.SUPPLEMENT_REQUESTED, _("Supplement requested")
    REFUSED = WorkflowState.REFUSED, _("Refused")
    PROCESSING = WorkflowState.PROCESSING, _("Processing")
    CONSULTING = WorkflowState.CONSULTING, _("Consulting another agency")
    TRANSFERRED = WorkflowState.TRANSFERRED, _("Transferred to another agency")
    AWAITING_APPROVAL = WorkflowState.AWAITING_APPROVAL, _("Awaiting approval")
    APPROVED = WorkflowState.APPROVED, _("Approved")
    REJECTED = WorkflowState.REJECTED, _("Rejected on the merits")
    RESULT_READY = WorkflowState.RESULT_READY, _("Result ready")
    RETURNED = WorkflowState.RETURNED, _("Returned")
    WITHDRAWN = WorkflowState.WITHDRAWN, _("Withdrawn")
    STOPPED = WorkflowState.STOPPED, _("Stopped")


OPEN_STATES = [
    s
    for s in State.values
    if s not in {State.DRAFT, State.REFUSED, State.RETURNED, State.WITHDRAWN, State.STOPPED}
]


class Channel(models.TextChoices):
    # Decree 61/2018 art. 15; national sync codes 1 in person, 2 online, 3 postal.
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")
    ASSISTED = "assisted", _("Online, assisted by a community digital helper")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class DeadlineStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RECEIVE = "receive", _("Received")
    REQUEST_SUPPLEMENT = "request_supplement", _("Supplement requested")
    COMPLETE_SUPPLEMENT = "complete_supplement", _("Supplement completed")
    REFUSE = "refuse", _("Refused")
    START_PROCESSING = "start_processing", _("Processing started")
    ASSIGN = "assign", _("Assigned")
    HAND_OVER = "hand_over", _("Handed over")
    CONSULT = "consult", _("Consultation requested")
    TRANSFER = "transfer", _("Transferred")
    ANSWER = "answer", _("Answer from another agency")
    PROPOSE = "propose", _("Result proposed")
    SEND_BACK = "send_back", _("Sent back for rework")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected on the merits")
    RESULT_READY = "result_ready", _("Result ready")
    RETURN = "return", _("Returned")
    WITHDRAW = "withdraw", _("Withdrawn")
    STOP = "stop", _("Stopped")
    APOLOGIZE = "apologize", _("Apology issued")
    DEADLINE_MOVED = "deadline_moved", _("Due date recomputed")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Dossiers received in, decided in, or sent to a unit the caller serves."""
        from motcua.units.access import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        # A citizen (or anybody) sees the dossiers they own, whatever their units.
        owned = (
            Q(owner_id=user.pk)
            if user is not None and user.is_authenticated and user.is_active
            else None
        )
        if scope.is_empty:
            return self.filter(owned) if owned is not None else self.none()
        requests = AgencyRequest.objects.filter(dossier=OuterRef("pk")).filter(
            scope.q("to_agency__unit_id", province_path="to_agency__unit__province_id")
        )
        q = (
            scope.q("unit_id", province_path="province_id")
            | scope.q("competent_unit_id", province_path="competent_province_id")
            | Q(Exists(requests))
        )
        return self.filter(q | owned if owned is not None else q)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, now):
        return self.open().filter(due_at__lt=now)


class Dossier(models.Model):
    # <agency identifier>-<YYMMDD>-<NNNN> (Decree 61/2018 art. 26, Circular 01/2018 art.
    # 19); issued at submission, never reused. Drafts have none.
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.DRAFT)
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("procedure")
    )
    # Decree 118/2025: a center accepts any procedure of the province, so the receiving
    # unit and the competent one may differ. Both are stored with their province, so that
    # scoping is an indexed IN (see units.access).
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving agency")
    )
    # The three unit keys lead the (…, state, due_at) indexes below, which serve every
    # lookup by the key alone: an index of their own would only be one more to write.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    competent_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competent agency")
    )
    competent_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    competent_province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    applicant_kind = models.CharField(
        _("applicant kind"),
        max_length=16,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Accent-free, lower-case applicant name for search ("nguyen van a").
    applicant_search = models.CharField(max_length=200, blank=True, editable=False)
    # The citizen who owns the dossier online (None at the counter).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The eID assurance level (the OpenID Connect ``acr``) of the login that submitted it.
    assurance_level = models.CharField(_("assurance level"), max_length=255, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    # A retried submission carries the same key and gets the same dossier back.
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # When the current count of the limit began (receipt, or the return of a supplement
    # under a restart): the at-risk share is measured from here.
    clock_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("processing ended at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    # The deadline ledger (motcua.calendar.DeadlineLedger.to_dict()); due_at is its result.
    deadline = models.JSONField(_("deadline ledger"), null=True, blank=True)
    deadline_status = models.CharField(
        max_length=12, choices=DeadlineStatus.choices, default=DeadlineStatus.ON_TRACK
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Timeliness.choices, blank=True)
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), default=0)
    fee_paid_online = models.BooleanField(_("fee paid online"), default=False)
    result_file = models.FileField(_("result"), upload_to="results/%Y/%m/", blank=True)
    result_note = models.TextField(_("result note"), blank=True)

    chain_head = models.CharField(max_length=64, blank=True, editable=False)
    event_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # Open dossiers of a unit ordered by due date: inboxes and "overdue" lists.
            models.Index(fields=["unit", "state", "due_at"], name="dossier_unit_state_due"),
            models.Index(
                fields=["competent_unit", "state", "due_at"], name="dossier_comp_state_due"
            ),
            models.Index(fields=["province", "state", "due_at"], name="dossier_prov_state_due"),
            # Public feeds (Open311) and "latest first" lists over every dossier.
            models.Index(fields=["submitted_at"], name="dossier_submitted_at"),
            # The late-flagging task: open dossiers by due date.
            models.Index(fields=["state", "due_at"], name="dossier_state_due"),
            # Search by applicant name: a prefix LIKE, which PostgreSQL serves from a btree
            # only with the pattern operator class (the database collation is not C).
            # Other backends ignore the operator class. The scope columns ride along so
            # that PostgreSQL finds a commune's matches of a common name from the index
            # alone (an index-only scan): reading the rows to test the commune took
            # 3,500 page reads for "tran" in one commune of a million dossiers.
            models.Index(
                fields=["applicant_search"],
                name="dossier_applicant_prefix",
                opclasses=["varchar_pattern_ops"],
                include=[
                    "id",
                    "unit",
                    "competent_unit",
                    "province",
                    "competent_province",
                    "owner",
                ],
            ),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id"),
            models.Index(fields=["applicant_phone"], name="dossier_applicant_phone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(code__isnull=False),
                name="dossier_code_after_draft",
            ),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True)
                | Q(due_at__isnull=False)
                | Q(state="supplement_requested")
                | Q(state="withdrawn")
                | Q(state="stopped"),
                name="dossier_received_has_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"draft #{self.pk}"


class DocumentKind(models.TextChoices):
    COMPONENT = "component", _("Component of the dossier")
    DRAFT_RESULT = "draft_result", _("Draft result")
    RESULT = "result", _("Result")


class DossierDocument(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    name = models.CharField(_("name"), max_length=255)
    file = models.FileField(upload_to="dossiers/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Ticked against the checklist at the counter: a paper seen but not scanned.
    paper_copy = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One step of the internal process, with its own officer and due moment."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    role = models.CharField(max_length=24)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
    )
    budget_seconds = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    deadline_status = models.CharField(
        max_length=12, choices=DeadlineStatus.choices, default=DeadlineStatus.ON_TRACK
    )

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="step_order_unique"),
        ]
        indexes = [
            # "My dossiers": the open steps of an officer by due moment.
            models.Index(fields=["assignee", "finished_at", "due_at"], name="step_assignee_open"),
            models.Index(fields=["agency", "finished_at", "due_at"], name="step_agency_open"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.order} {self.kind}"


class RequestKind(models.TextChoices):
    CONSULT = "consult", _("Consultation")
    TRANSFER = "transfer", _("Inter-agency transfer")


class AgencyRequest(models.Model):
    """A consultation or an inter-agency transfer with its own task and deadline.

    The dossier stays one dossier: statistics count it once (RULES.md, inter-agency).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    task = models.TextField()
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["to_agency", "answered_at", "due_at"], name="request_to_open"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.to_agency}"


class Apology(models.Model):
    """Decree 61/2018 art. 19.9: a late dossier gets a written apology with a new date,
    sent at least one working day before the due date where possible, once only."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    reason = models.TextField()
    original_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    # False when it went out later than one working day before the due date.
    issued_in_time = models.BooleanField()

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.new_due_at:%d/%m/%Y}"


class DossierEvent(models.Model):
    """One action on a dossier; append-only, each event's hash covers the previous one."""

    # Found through ``event_seq_unique`` (dossier, seq), which it leads.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    # The acting unit is recorded, never searched by: no index (71 million events in the
    # benchmark province; an administrative unit is retired, not deleted).
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class DossierCodeCounter(models.Model):
    """The last sequence number issued per agency and day (Circular 01/2018 art. 19)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="code_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class SlipKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt and appointment")
    SUPPLEMENT = "supplement", _("Supplement request")
    REFUSAL = "refusal", _("Refusal")
    APOLOGY = "apology", _("Apology and new appointment")
    CONTROL = "control", _("Processing control slip")


class Slip(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="slips")
    kind = models.CharField(max_length=12, choices=SlipKind.choices)
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="slips/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A slip is generated once per event and kind: a retried task finds it done.
            models.UniqueConstraint(fields=["event", "kind"], name="slip_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.kind}"
