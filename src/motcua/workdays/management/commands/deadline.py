"""``motcua deadline``: the due moment of one receipt, as the product computes it.

$ motcua deadline --received 2026-03-09T10:00 --days 3
2026-03-12T10:00:00+07:00
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.calendar import CalendarError, LimitKind, TimeLimit
from motcua.units.models import Unit
from motcua.workdays import services
from motcua.workdays.management.commands.calendar import _one_line_errors


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Compute the due moment of a dossier received at a given time."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _one_line_errors(parser)
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--received", required=True, help="ISO 8601; local time unless it has an offset"
        )
        limit = parser.add_mutually_exclusive_group(required=True)
        limit.add_argument("--days", type=int, help="working days")
        limit.add_argument("--hours", type=int, help="working hours")
        limit.add_argument("--calendar-days", type=int, dest="calendar_days")
        limit.add_argument("--same-day", action="store_true", dest="same_day")
        parser.add_argument("--province", help="province code (two-level model)")

    def handle(self, *args, **options):
        received = _parse_received(options["received"])
        if options["same_day"]:
            limit_kind, amount = LimitKind.SAME_DAY, 0
        else:
            for name, kind in (
                ("days", LimitKind.WORKING_DAYS),
                ("hours", LimitKind.WORKING_HOURS),
                ("calendar_days", LimitKind.CALENDAR_DAYS),
            ):
                if options[name] is not None:
                    limit_kind, amount = kind, options[name]
                    break
        province = None
        if options.get("province"):
            try:
                province = services.province_by_code(options["province"])
            except Unit.DoesNotExist:
                raise _fail(
                    f"Không có tỉnh mã {options['province']} / unknown province code "
                    f"{options['province']}"
                ) from None
        try:
            limit = TimeLimit(limit_kind, amount)
            due = services.calendar_for(province).due(received, limit)
        except CalendarError as error:
            raise _fail(f"Không tính được hạn / cannot compute the due moment: {error}") from None
        self.stdout.write(due.isoformat(timespec="seconds"))


def _parse_received(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _fail(
            f"Thời điểm tiếp nhận không hợp lệ / invalid --received: {text!r} "
            "(ví dụ / e.g. 2026-03-09T10:00)"
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
    return moment
