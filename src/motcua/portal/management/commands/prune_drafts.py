"""Delete drafts nobody has touched for a long time, with their uploaded files.

Run daily (cron or the worker host): ``motcua prune_drafts --days 90``. Submitted drafts
are kept: their files belong to the dossier's documents.
"""

from django.core.management.base import BaseCommand

from motcua.portal.services import draft_prune


class Command(BaseCommand):
    help = "Delete unsubmitted drafts untouched for --days days (default 90) and their files."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, days: int, **options):
        count = draft_prune(older_than_days=days)
        self.stdout.write(f"{count} draft(s) deleted.")
