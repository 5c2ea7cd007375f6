"""A real SMTP server on loopback (aiosmtpd) and the dossier fixtures, for notifications."""

import email
import logging
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.dossiers.conftest import clock, procedure, staff, submit  # noqa: F401 - fixtures


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received; it can refuse the next messages or answer slowly."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refused = 0
        self.refuse_next = 0
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refuse_next:
                self.refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Mail server temporarily unavailable, try again later"
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: a slow server, on purpose
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 2.0.0 OK: queued"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()


def smtp_mailer(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp(settings, smtp_server):
    """Notifications go out through Django's SMTP backend to the loopback server."""
    settings.MAILERS = smtp_mailer(smtp_server.port)
    settings.DEFAULT_FROM_EMAIL = "Một cửa Huế <mot-cua@hue.gov.vn.invalid>"
    return smtp_server
