"""Notifications to applicants (e-mail, SMS) and the development SMS outbox.

A notification row is written in the same transaction as the dossier event that causes it,
so a rolled-back action leaves none, and it is sent after commit by a background task.
The row is the unit of idempotency: one per event and channel (the unique constraint), and
a send first claims the row (pending → sending) with one conditional UPDATE.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent


class NotifyChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class NotificationKind(models.TextChoices):
    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT = "supplement", _("Supplement requested")
    APOLOGY = "apology", _("Apology and new appointment")
    RESULT_READY = "result_ready", _("Result ready")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("dossier")
    )
    # No database constraint on the event: the event table is append-only (its own trigger
    # refuses deletions) and is meant to be partitioned by month, which a foreign key into
    # it would prevent (ARCHITECTURE.md, data at scale). Django still protects it.
    event = models.ForeignKey(
        DossierEvent,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name=_("event"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    channel = models.CharField(_("sending channel"), max_length=8, choices=NotifyChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("e-mail subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The earliest moment of the next attempt (backoff after a failure).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # Who holds the row while it is 'sending', and since when: a worker that died mid-send
    # leaves a claim that the retry sweep takes over once it is older than the lease.
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One event gives at most one message per channel: a replayed hook or a
            # retried task can never make a second one.
            models.UniqueConstraint(fields=["event", "channel"], name="notification_once"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            # The retry sweep: unsent rows whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.channel} {self.status}"


class SmsOutbox(models.Model):
    """The development SMS gateway: messages are stored here instead of being sent."""

    phone = models.CharField(_("phone"), max_length=20)
    body = models.TextField(_("body"))
    # The sender's reference (the notification): a second delivery of one message is
    # refused by the database.
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS in the outbox")
        verbose_name_plural = _("SMS outbox")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.body[:40]}"
