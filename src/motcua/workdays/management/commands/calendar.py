"""``motcua calendar``: show the working calendar and maintain its overrides."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from motcua.calendar import DayKind
from motcua.units.models import Unit
from motcua.workdays import services

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    raise _fail(f"Ngày không hợp lệ / invalid date: {text!r} (YYYY-MM-DD hoặc dd/mm/yyyy)")


class Command(BaseCommand):
    help = "Show the working calendar of a year; add or remove days off and worked days."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _one_line_errors(parser)
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="days off and worked days of a year")
        show.add_argument("year", type=int)
        show.add_argument("--province", help="province code (two-level model)")
        for name, kind in (("add-day-off", "day off"), ("add-workday", "worked day")):
            add = sub.add_parser(name, help=f"add a {kind}")
            add.add_argument("date")
            add.add_argument("--reason", required=True)
            add.add_argument("--source", default="")
            add.add_argument("--province")
        remove = sub.add_parser("remove", help="remove an override")
        remove.add_argument("date")
        remove.add_argument("--province")
        recompute = sub.add_parser("recompute", help="move open dossiers' due dates")
        recompute.add_argument("--from", dest="since")
        for child in sub.choices.values():
            _one_line_errors(child)

    def _province(self, code) -> Unit | None:
        if code in (None, ""):
            return None
        try:
            return services.province_by_code(code)
        except Unit.DoesNotExist:
            raise _fail(f"Không có tỉnh mã {code} / unknown province code {code}") from None

    def handle(self, *args, action: str, **options):
        province = self._province(options.get("province"))
        if action == "show":
            self._show(options["year"], province)
        elif action in {"add-day-off", "add-workday"}:
            day = _date(options["date"])
            kind = DayKind.DAY_OFF if action == "add-day-off" else DayKind.WORKDAY
            if not options["reason"].strip():
                raise _fail("Cần nêu lý do / a reason is required")
            services.override_set(
                date=day,
                kind=kind,
                reason=options["reason"],
                source=options["source"],
                province=province,
            )
            where = province.name if province else "toàn quốc / national"
            self.stdout.write(f"{day:%d/%m/%Y}: {kind} ({where})")
            self.stdout.write(
                "Hạn đã lưu không đổi; chạy `motcua calendar recompute` để cập nhật / "
                "stored due dates are unchanged until `motcua calendar recompute`."
            )
        elif action == "remove":
            day = _date(options["date"])
            if not services.override_remove(date=day, province=province):
                raise _fail(f"Không có điều chỉnh ngày {day:%d/%m/%Y} / no override on that date")
            self.stdout.write(f"{day:%d/%m/%Y}: removed")
        elif action == "recompute":
            since = _date(options["since"]) if options.get("since") else None
            moved = []
            for recompute in services.RECOMPUTERS:
                moved.extend(recompute(since=since))
            for move in moved:
                self.stdout.write(
                    f"{move.code}: {move.old_due.isoformat()} → {move.new_due.isoformat()}"
                )
            self.stdout.write(f"{len(moved)} hồ sơ đổi hạn / dossiers moved")

    def _show(self, year: int, province: Unit | None) -> None:
        if not 1900 < year < 2200:
            raise _fail(f"Năm không hợp lệ / invalid year: {year}")
        from motcua.calendar import CalendarError

        try:
            rows = services.calendar_year_listing(year, province)
        except CalendarError as error:
            raise _fail(str(error)) from None
        title = province.name if province else "toàn quốc / national"
        self.stdout.write(f"Lịch làm việc {year} — {title}")
        for day, kind, reason, source in rows:
            label = "nghỉ     " if kind == DayKind.DAY_OFF else "làm việc "
            extra = f" ({source})" if source else ""
            self.stdout.write(
                f"{day:%d/%m/%Y} {WEEKDAYS_VI[day.weekday()]:<9} {label}{reason}{extra}"
            )


def _one_line_errors(parser) -> None:
    """Argument errors end in one line and exit code 2, not a usage dump."""

    def error(message):
        if getattr(parser, "called_from_command_line", False):
            sys.stderr.write(f"motcua: lỗi tham số / invalid arguments: {message}\n")
            sys.exit(2)
        raise CommandError(message, returncode=2)

    parser.error = error
