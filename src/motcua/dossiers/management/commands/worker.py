"""``motcua worker``: runs background tasks (slips, notifications) from the database queue
and flags deadlines every few minutes. One or more may run beside the web processes."""

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from motcua.dossiers.services.deadlines import deadlines_flag

log = logging.getLogger(__name__)


def _flag_forever(interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            report = deadlines_flag()
            if report.dossiers or report.steps:
                log.info("deadline flags changed: %s %s", report.dossiers, report.steps)
        except Exception:
            # A failed pass is logged and retried at the next interval; the worker stays up.
            log.exception("deadline flagging failed")
        try:
            # Notifications whose task was lost or whose attempt is due again (called by
            # name: dossiers does not import the notify app).
            call_command("notify_retry", verbosity=0)
        except Exception:
            log.exception("notification retry sweep failed")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Run the background task worker and the periodic deadline flagging."

    def add_arguments(self, parser):
        parser.add_argument("--flag-interval", type=int, default=300, help="seconds")

    def handle(self, *args, flag_interval: int = 300, **options):
        stop = threading.Event()
        flagger = threading.Thread(
            target=_flag_forever, args=(flag_interval, stop), daemon=True, name="flagger"
        )
        flagger.start()
        try:
            call_command("db_worker")
        finally:
            stop.set()
