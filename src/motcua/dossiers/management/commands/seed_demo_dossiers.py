from django.core.management.base import BaseCommand

from motcua.dossiers.demo import seed_demo_dossiers


class Command(BaseCommand):
    help = "Create a few demo dossiers of the demo commune in different states (idempotent)."

    def handle(self, *args, **options):
        codes = seed_demo_dossiers()
        self.stdout.write(f"Hồ sơ mẫu / demo dossiers: {', '.join(codes)}")
