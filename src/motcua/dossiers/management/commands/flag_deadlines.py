from django.core.management.base import BaseCommand

from motcua.dossiers.services.deadlines import deadlines_flag


class Command(BaseCommand):
    help = "Flag open dossiers and steps as on track, at risk or late (run every few minutes)."

    def handle(self, *args, **options):
        report = deadlines_flag()
        self.stdout.write(
            f"dossiers: {report.dossiers or 'no change'}; steps: {report.steps or 'no change'}"
        )
