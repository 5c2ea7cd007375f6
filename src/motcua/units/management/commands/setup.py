import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _static_fingerprint() -> str:
    """Paths, sizes and modification times of every static source file."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Migrate, load reference data and collect static assets (what `motcua run` does)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also seed the demo province")

    def handle(self, *args, demo: bool = False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_units")
        call_command("catalog", "seed")
        self._collect_static()
        if demo:
            call_command("seed_demo")
            call_command("demo_pki")
            call_command("seed_demo_dossiers")

    def _collect_static(self) -> None:
        # Hashing and compressing every asset takes seconds; skip it when no source changed
        # since the last run, so a second `make run` starts at once.
        stamp = Path(settings.STATIC_ROOT) / ".motcua-fingerprint"
        fingerprint = _static_fingerprint()
        if stamp.exists() and stamp.read_text() == fingerprint:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
