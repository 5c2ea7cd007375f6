"""The stored part of the working calendar: overrides and office hours per province.

The rules themselves live in the pure ``motcua.calendar`` package; these tables only say
which days a province (or the whole country) adds or removes, and when its offices open.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Dataset, Level, Unit


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKDAY = "workday", _("Worked day")


class CalendarOverride(models.Model):
    """A day off or a worked day the ``holidays`` package does not know about.

    The Prime Minister fixes the Tết and National Day days each year and may swap a
    Saturday (Labour Code 2019 art. 112); provinces add their own decisions.
    """

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Null: national, applies to every province.
    province = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_overrides",
        verbose_name=_("province"),
        limit_choices_to={"dataset": Dataset.TWO_LEVEL, "level": Level.PROVINCE},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Part of the calendar cache's fingerprint: a changed override rebuilds the calendar.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(province__isnull=True),
                name="override_one_national_per_date",
            ),
            models.UniqueConstraint(
                fields=["date", "province"],
                condition=Q(province__isnull=False),
                name="override_one_per_province_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.reason}"


class OfficeHours(models.Model):
    """When a province's offices are open. Absent: 08:00–12:00, 13:00–17:00, Mon–Fri."""

    province = models.OneToOneField(
        Unit,
        on_delete=models.CASCADE,
        related_name="office_hours",
        verbose_name=_("province"),
        limit_choices_to={"dataset": Dataset.TWO_LEVEL, "level": Level.PROVINCE},
    )
    morning_start = models.TimeField(_("morning opens"), default=time(8, 0))
    morning_end = models.TimeField(_("morning closes"), default=time(12, 0))
    afternoon_start = models.TimeField(_("afternoon opens"), default=time(13, 0))
    afternoon_end = models.TimeField(_("afternoon closes"), default=time(17, 0))
    # Decree 61/2018 art. 19 (and Decree 118/2025): paper dossiers received after this time
    # move on the next working day; same-day procedures are then due the next working day.
    cutoff = models.TimeField(_("same-day cut-off"), default=time(15, 0))
    weekdays = models.CharField(
        _("working weekdays"),
        max_length=13,
        default="0,1,2,3,4",
        help_text=_("Comma-separated weekday numbers, Monday = 0."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="office_hours_sessions_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.province)

    def weekday_set(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.weekdays.split(",") if part.strip())

    def clean(self) -> None:
        try:
            days = self.weekday_set()
        except ValueError:
            raise ValidationError({"weekdays": _("Use weekday numbers 0–6.")}) from None
        if not days or not days <= set(range(7)):
            raise ValidationError({"weekdays": _("Use weekday numbers 0–6.")})
