"""Pluggable SMS gateways.

``MOTCUA_SMS_GATEWAY`` names a class (dotted path) whose instances have
``send(*, phone, body, reference)``: deliver one message or raise :class:`SmsError` (any
exception counts as a failed attempt and is retried). ``reference`` is unique per message;
a gateway whose provider accepts a client reference should pass it on, so that the
provider can drop a duplicate after a worker crash.

The default, :class:`OutboxGateway`, stores the messages in :class:`SmsOutbox` (the
development outbox, visible in the admin) and sends nothing.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from motcua.notify.models import SmsOutbox

DEFAULT_GATEWAY = "motcua.notify.sms.OutboxGateway"


class SmsError(Exception):
    """The gateway did not accept the message."""


class SmsGateway(Protocol):
    def send(self, *, phone: str, body: str, reference: str) -> None: ...


class OutboxGateway:
    def send(self, *, phone: str, body: str, reference: str) -> None:
        try:
            with transaction.atomic():
                SmsOutbox.objects.create(phone=phone, body=body, reference=reference)
        except IntegrityError:
            # Already delivered under this reference: delivering again is a no-op.
            pass


def get_gateway() -> SmsGateway:
    path = getattr(settings, "MOTCUA_SMS_GATEWAY", "") or DEFAULT_GATEWAY
    return import_string(path)()
