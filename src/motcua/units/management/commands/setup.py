from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load reference data and collect static assets (what `motcua run` does)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also seed the demo province")

    def handle(self, *args, demo: bool = False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_units")
        call_command("catalog", "seed")
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo:
            call_command("seed_demo")
