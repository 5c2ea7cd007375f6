from django.core.management.base import BaseCommand

from motcua.units.loading import load_units


class Command(BaseCommand):
    help = "Load the administrative units (two-level, legacy, and the old→new mapping)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="reload even if this version is loaded"
        )

    def handle(self, *args, force: bool = False, **options):
        report = load_units(force=force)
        for name, count in report.loaded.items():
            self.stdout.write(f"{name}: {count} rows")
        for name in report.skipped:
            self.stdout.write(f"{name}: already loaded")
        self.stdout.write(f"units loaded in {report.seconds:.2f} s")
