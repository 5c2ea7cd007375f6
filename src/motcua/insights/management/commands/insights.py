"""``motcua insights rebuild [--from DATE]``: recompute the indicator facts from the events."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from motcua.insights.facts import rebuild


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise CommandError(
        f"Ngày không hợp lệ / invalid date: {text!r} (YYYY-MM-DD hoặc dd/mm/yyyy)", returncode=2
    )


class Command(BaseCommand):
    help = "Indicator facts: rebuild them from the dossier events (all, or from a date on)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("rebuild", help="recompute the facts from the events")
        build.add_argument(
            "--from",
            dest="since",
            help="first day to recompute (YYYY-MM-DD or dd/mm/yyyy); all days when omitted",
        )
        build.add_argument("--chunk", type=int, default=250_000, help="dossiers per set-based pass")
        build.add_argument(
            "--workers",
            type=int,
            default=1,
            help="PostgreSQL connections sharing the passes (one per spare core)",
        )

    def handle(self, *args, action, since=None, chunk=250_000, workers=1, **options):
        start = _date(since) if since else None
        began = time.monotonic()

        def progress(first, last, high):
            self.stdout.write(f"  dossiers {first}–{last} / {high}")

        if workers < 1:
            raise CommandError("--workers phải ≥ 1 / must be at least 1", returncode=2)
        report = rebuild(
            start=start,
            chunk=chunk,
            workers=workers,
            progress=progress if options["verbosity"] > 1 else None,
        )
        elapsed = time.monotonic() - began
        scope = f"từ {start:%d/%m/%Y}" if start else "toàn bộ"
        self.stdout.write(
            f"Đã tính lại số liệu chỉ tiêu ({scope}) / facts rebuilt "
            f"({'from ' + start.isoformat() if start else 'all days'}): "
            f"{report.daily_rows} daily rows, {report.monthly_rows} monthly rows, "
            f"{len(report.chunks)} passes, {elapsed:.1f} s."
        )
        if options["verbosity"] > 1:
            phases = report.phases.items()
            self.stdout.write("  " + ", ".join(f"{name} {s:.1f} s" for name, s in phases))
