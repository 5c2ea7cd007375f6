"""The citizen portal's own rows: drafts of online applications with their uploaded files,
and fee payments made online with their audit trail.

A draft is not a dossier: a ``Dossier`` gets its code at submission (Circular 01/2018
art. 19) and a draft has none, so the portal keeps drafts here and creates the dossier
only on submit, through ``dossier_submit``, with the idempotency key issued when the draft
was created (a double click or a retry gives one dossier).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.dossiers.models import Dossier
from motcua.units.models import Agency


class Draft(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="portal_drafts",
        verbose_name=_("owner"),
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", verbose_name=_("procedure")
    )
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving agency")
    )
    # A community digital helper filling this in for a citizen: submitted as "assisted",
    # owned by nobody online (the citizen follows it with the code and their phone).
    assisted = models.BooleanField(_("assisted by a community digital helper"), default=False)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    # Issued once when the draft is created and passed to dossier_submit: every retry of
    # the submission carries it, so the dossier is created once.
    idempotency_key = models.CharField(max_length=80, unique=True, editable=False)
    dossier = models.OneToOneField(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_draft",
        verbose_name=_("dossier"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        indexes = [
            # "My dossiers": a citizen's unsubmitted drafts, newest first.
            models.Index(fields=["owner", "dossier", "-updated_at"], name="draft_owner_open"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.dossier_id is not None


class DraftFile(models.Model):
    """A file checked by ``checked_upload`` (type by extension and content, size) and
    stored; it becomes a ``DossierDocument`` (kind component) when the draft is submitted."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    # Empty: an extra paper the applicant adds beyond the list.
    required_document = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=255)
    file = models.FileField(upload_to="portal/drafts/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")
        ordering = ["draft", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.Model):
    """One attempt to pay a dossier's fee online through a payment provider."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("dossier")
    )
    amount_vnd = models.PositiveIntegerField(_("amount (VND)"))
    provider = models.CharField(_("provider"), max_length=40)
    # The provider's transaction reference (ours for the sandbox).
    reference = models.CharField(_("provider reference"), max_length=80)
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="payment_reference"),
            # A fee is paid once: a second confirmation can never record a second payment.
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(status="paid"), name="payment_paid_once"
            ),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False)
                | (~Q(status="paid") & Q(paid_at__isnull=True)),
                name="payment_paid_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.reference}"


class PaymentAction(models.TextChoices):
    START = "start", _("Started")
    PAID = "paid", _("Paid")
    CANCEL = "cancel", _("Cancelled")


class PaymentEvent(models.Model):
    """Append-only audit of a payment: who started it, what the provider answered."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=12, choices=PaymentAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["payment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment} {self.action}"
