from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.models import Dossier
from motcua.dossiers.verify import verify_all


class Command(BaseCommand):
    help = "Check every dossier's hash-chained history; name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="only these dossier codes")

    def handle(self, *args, codes=None, **options):
        codes_by_pk = {}
        breaks = list(verify_all(codes=codes or None))
        if breaks:
            codes_by_pk = dict(
                Dossier.objects.filter(pk__in=[b.dossier_id for b in breaks]).values_list(
                    "pk", "code"
                )
            )
        for found in breaks:
            code = codes_by_pk.get(found.dossier_id) or f"#{found.dossier_id}"
            where = f"sự kiện #{found.seq}" if found.seq is not None else "bản ghi hồ sơ"
            self.stderr.write(f"{code}: {where} / event {found.seq}: {found.problem}")
        checked = Dossier.objects.exclude(event_count=0).count() if not codes else len(codes)
        if breaks:
            raise CommandError(
                f"{len(breaks)} hồ sơ có chuỗi sự kiện bị sửa / dossiers with a broken chain",
                returncode=1,
            )
        self.stdout.write(f"OK: {checked} hồ sơ, chuỗi sự kiện nguyên vẹn / chains intact")
