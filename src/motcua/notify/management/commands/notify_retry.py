"""``manage.py notify_retry``: enqueue the notifications that are due and not in flight."""

from django.core.management.base import BaseCommand

from motcua.notify.services import notifications_retry


class Command(BaseCommand):
    help = (
        "Enqueue pending notifications whose next attempt is due (and claims left by a "
        "worker that died). --failed gives notifications that ran out of attempts another set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="retry failed ones too")
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, failed: bool = False, limit: int = 1000, **options):
        count = notifications_retry(include_failed=failed, limit=limit)
        self.stdout.write(f"{count} notification(s) enqueued")
