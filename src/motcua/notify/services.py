"""Notifications: written with the dossier event, sent after commit, retried, sent once.

1. :func:`on_dossier_event` runs inside the transaction that appends a dossier event
   (``motcua.dossiers.services.core.register_event_hook``). For a receipt, a supplement
   request, an apology or a ready result it renders the Vietnamese messages and inserts one
   :class:`Notification` per channel the applicant can be reached on, and asks for
   :func:`motcua.notify.tasks.send_notification` to be enqueued once the transaction
   commits. A rolled-back action leaves neither row nor task.
2. :func:`notification_send` (the task's body) claims the row with one conditional UPDATE
   (pending → sending), delivers it, and marks it sent. A second task for the same row, a
   retry after success or a concurrent worker finds nothing to claim and does nothing.
3. A failed delivery puts the row back to pending with the error, an attempt counted and a
   backoff; the task is enqueued again to run then (``run_after``). After
   ``MOTCUA_NOTIFY_MAX_ATTEMPTS`` the row is marked failed and stays for an operator.
   :func:`notifications_retry` (``manage.py notify_retry``) re-enqueues what is due: rows
   whose task was lost (a crash between commit and enqueue) and claims left by a worker
   that died mid-send.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.documents.formatting import to_local
from motcua.dossiers.models import Action, ApplicantKind, Dossier, DossierEvent
from motcua.dossiers.public import status_url
from motcua.dossiers.services import statements
from motcua.notify.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
    NotifyChannel,
)
from motcua.notify.sms import get_gateway

log = logging.getLogger(__name__)

KIND_OF_ACTION = {
    Action.RECEIVE: NotificationKind.RECEIVED,
    Action.REQUEST_SUPPLEMENT: NotificationKind.SUPPLEMENT,
    Action.APOLOGIZE: NotificationKind.APOLOGY,
    Action.RESULT_READY: NotificationKind.RESULT_READY,
}
# Seconds to wait after the n-th failed attempt (the last value repeats).
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)
# A claim older than this belongs to a worker that died mid-send: the sweep takes it over.
# Longer than any SMTP or gateway timeout, so a slow live send is never sent twice.
LEASE = dt.timedelta(minutes=15)
SMS_PROCEDURE_CHARS = 60


def max_attempts() -> int:
    return int(getattr(settings, "MOTCUA_NOTIFY_MAX_ATTEMPTS", 5))


# -- writing the rows, inside the dossier's transaction ------------------------------------


def _moment(value) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's civil time, from a datetime or the event's ISO text."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _context(dossier: Dossier, event: DossierEvent) -> dict:
    payload = event.payload or {}
    procedure = dossier.procedure.name
    person = dossier.applicant_kind == ApplicantKind.PERSON
    # Never the ID number: a message can be read by whoever holds the phone or mailbox.
    return {
        "code": dossier.code,
        "procedure": procedure,
        "procedure_short": _shorten(procedure, SMS_PROCEDURE_CHARS),
        "salutation": f"Ông/Bà {dossier.applicant_name}" if person else dossier.applicant_name,
        "addressee": "Ông/Bà" if person else "Quý cơ quan, tổ chức",
        "agency": dossier.receiving_agency.name,
        "appointment": _moment(dossier.due_at),
        "original_appointment": _moment(payload.get("original_due_at")),
        "reason": payload.get("reason", ""),
        "items": payload.get("items", []),
        "guidance": payload.get("guidance", ""),
        "status_url": status_url(dossier.code),
    }


def _render(kind: str, part: str, context: dict) -> str:
    return render_to_string(f"notify/{kind}_{part}.txt", context).strip()


def _recipients(dossier: Dossier) -> dict[str, str]:
    owner = dossier.owner if dossier.owner_id else None
    email = dossier.applicant_email or (owner.email if owner else "")
    phone = dossier.applicant_phone or (owner.phone if owner else "")
    found = {}
    if email.strip():
        found[NotifyChannel.EMAIL] = email.strip()
    if phone.strip():
        found[NotifyChannel.SMS] = phone.strip()
    return found


def notifications_create(*, dossier: Dossier, event: DossierEvent) -> list[Notification]:
    """Render and insert this event's notifications; the caller's transaction holds them."""
    kind = KIND_OF_ACTION.get(event.action)
    if kind is None:
        return []
    recipients = _recipients(dossier)
    if not recipients:
        return []
    context = _context(dossier, event)
    now = timezone.now()
    rows = []
    for channel, recipient in recipients.items():
        is_email = channel == NotifyChannel.EMAIL
        rows.append(
            Notification(
                dossier=dossier,
                event=event,
                kind=kind,
                channel=channel,
                recipient=recipient,
                subject=" ".join(_render(kind, "subject", context).split()) if is_email else "",
                body=_render(kind, "email" if is_email else "sms", context),
                next_attempt_at=now,
            )
        )
    # One compiled INSERT … RETURNING for the rows (the transitions' own statements):
    # through bulk_create, compiling it cost more than the database took to run it.
    statements.insert(*rows)
    return rows


def on_dossier_event(dossier: Dossier, event: DossierEvent) -> None:
    """The dossier event hook: write the rows now, enqueue their sending after commit."""
    for notification in notifications_create(dossier=dossier, event=event):
        _enqueue_on_commit(notification.pk)


def _enqueue_on_commit(notification_id: int) -> None:
    from motcua.notify.tasks import send_notification

    # robust: the action has committed; a failed enqueue must not turn it into an error
    # page. The row stays pending and the retry sweep enqueues it.
    transaction.on_commit(lambda: send_notification.enqueue(notification_id), robust=True)


# -- sending, in the background worker ------------------------------------------------------


def _claim(notification_id: int, now: dt.datetime) -> str | None:
    """Take the row for this attempt, or None when someone else has it or it is done.

    One UPDATE with the condition in its WHERE clause: on PostgreSQL the second of two
    concurrent claims waits for the first's row lock, re-reads the row, finds it 'sending'
    and updates nothing; SQLite runs one writer at a time. Exactly one claim wins.
    """
    token = secrets.token_hex(16)
    claimable = Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - LEASE
    )
    won = (
        Notification.objects.filter(claimable, pk=notification_id).update(
            status=NotificationStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        == 1
    )
    return token if won else None


def _message_id(notification: Notification) -> str:
    domain = urlsplit(settings.MOTCUA_PUBLIC_URL).hostname or "motcua.invalid"
    return f"<motcua-notification-{notification.pk}@{domain}>"


def _deliver(notification: Notification) -> None:
    if notification.channel == NotifyChannel.EMAIL:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
            headers={
                # The same Message-ID on every attempt: should a crash between the server's
                # acceptance and our commit cause a resend, mail clients show it once.
                "Message-ID": _message_id(notification),
                "Auto-Submitted": "auto-generated",  # RFC 3834: no auto-replies
            },
        ).send()
    else:
        get_gateway().send(
            phone=notification.recipient,
            body=notification.body,
            reference=f"motcua-notification-{notification.pk}",
        )


def notification_send(*, notification_id: int) -> str:
    """Send one notification if it is still to be sent; returns what happened."""
    now = timezone.now()
    token = _claim(notification_id, now)
    if token is None:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    try:
        _deliver(notification)
    except Exception as error:
        return _record_failure(notification, token, error)
    Notification.objects.filter(pk=notification_id, claim_token=token).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
        claim_token="",
    )
    return "sent"


def _record_failure(notification: Notification, token: str, error: Exception) -> str:
    from motcua.notify.tasks import send_notification

    attempts = notification.attempts
    text = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    if attempts >= max_attempts():
        Notification.objects.filter(pk=notification.pk, claim_token=token).update(
            status=NotificationStatus.FAILED, last_error=text, claim_token="", claimed_at=None
        )
        log.error(
            "notification %s (%s) failed for good after %s attempts: %s",
            notification.pk,
            notification.channel,
            attempts,
            text,
        )
        return "failed"
    deferrable = send_notification.get_backend().supports_defer
    delay = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    # A backend that cannot defer (the immediate one in tests) retries at once.
    retry_at = now + dt.timedelta(seconds=delay) if deferrable else now
    Notification.objects.filter(pk=notification.pk, claim_token=token).update(
        status=NotificationStatus.PENDING,
        last_error=text,
        next_attempt_at=retry_at,
        claim_token="",
        claimed_at=None,
    )
    log.warning(
        "notification %s (%s) attempt %s failed, retry at %s: %s",
        notification.pk,
        notification.channel,
        attempts,
        retry_at.isoformat(),
        text,
    )
    task = send_notification.using(run_after=retry_at) if deferrable else send_notification
    try:
        task.enqueue(notification.pk)
    except Exception:
        log.exception("could not enqueue the retry of notification %s", notification.pk)
    return "retry"


def notifications_retry(*, include_failed: bool = False, limit: int = 1000) -> int:
    """Enqueue every notification that is due and has no live claim; returns how many.

    ``include_failed`` gives rows that ran out of attempts a fresh set (after an operator
    fixed the mail server, say).
    """
    from motcua.notify.tasks import send_notification

    now = timezone.now()
    if include_failed:
        Notification.objects.filter(status=NotificationStatus.FAILED).update(
            status=NotificationStatus.PENDING, attempts=0, next_attempt_at=now
        )
    due = list(
        Notification.objects.filter(
            Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - LEASE)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        send_notification.enqueue(pk)
    return len(due)
