"""The indicator facts: additive counters kept in step with the dossier events.

Three tables, all projections of ``dossiers.DossierEvent`` (docs/indicators.md, "Facts"):

* ``DailyFact``: one row per (local day, receiving unit, competent agency, procedure,
  officer, channel): the grain every dashboard can drill down to.
* ``MonthlyFact``: the same counters summed per month without the officer: what a
  province-wide year reads (a few hundred thousand rows instead of millions).
* ``OpenTotal``: per (receiving unit, competent agency, procedure, officer, channel) the
  sum over all days of the two stock deltas, so a stock at any date is this total minus
  the deltas dated after it (no scan of the whole history).

Counters are integers that only ever get added to (``x = x + EXCLUDED.x``), by the event
hook inside the transaction that appends the event, and by ``motcua insights rebuild``.
The officer is a plain integer, 0 meaning "no officer": a unique key over a NULL column
never conflicts (NULLS NOT DISTINCT is PostgreSQL-only), and the upsert needs it to.
Foreign keys carry no database constraint: the facts are derived and rebuildable, and the
dimension rows are already protected by the dossiers that point at them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Agency, Unit

# The counters, in the order of the SQL in facts.py.
COUNTERS = (
    "received",
    "refused",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "rejected",
    "returned",
    "withdrawn",
    "stopped",
    "apologies",
    "processing_seconds",
    "fee_bearing",
    "paid_online",
    "digitised",
    "electronic_result",
    "unit_late",
    "one_supplement",
    "more_supplements",
    "open_delta",
    "late_delta",
)
# Key columns (the grain) and the columns they determine (stored for indexed filters).
DAILY_KEY = ("day", "unit_id", "competent_agency_id", "procedure_id", "officer_id", "channel")
MONTHLY_KEY = ("month", "unit_id", "competent_agency_id", "procedure_id", "channel")
TOTAL_KEY = ("unit_id", "competent_agency_id", "procedure_id", "officer_id", "channel")
DERIVED = ("province_id", "competent_unit_id", "competent_province_id")


def _fields(columns: tuple[str, ...]) -> list[str]:
    """Field names of key columns (``unit_id`` → ``unit``; ``officer_id`` is a field)."""
    foreign = {"unit_id", "competent_agency_id", "procedure_id"}
    return [c.removesuffix("_id") if c in foreign else c for c in columns]


def _fk(model, name):
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=name,
    )


class Dimensions(models.Model):
    unit = _fk(Unit, _("receiving unit"))
    province = _fk(Unit, _("province"))
    competent_agency = _fk(Agency, _("competent agency"))
    competent_unit = _fk(Unit, _("competent unit"))
    competent_province = _fk(Unit, _("competent province"))
    procedure = _fk("catalog.Procedure", _("procedure"))
    channel = models.CharField(_("channel"), max_length=16)

    class Meta:
        abstract = True


class Counters(models.Model):
    received = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    finished_early = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    apologies = models.IntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    electronic_result = models.IntegerField(default=0)
    unit_late = models.IntegerField(default=0)
    one_supplement = models.IntegerField(default=0)
    more_supplements = models.IntegerField(default=0)
    # Stock deltas: +1 when a dossier enters "in progress" (or "in progress late") under
    # this key, −1 when it leaves; the stock at a date is the sum up to that date.
    open_delta = models.IntegerField(default=0)
    late_delta = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyFact(Dimensions, Counters):
    day = models.DateField(_("day"))
    officer_id = models.BigIntegerField(_("officer"), default=0)

    class Meta:
        verbose_name = _("daily fact")
        verbose_name_plural = _("daily facts")
        constraints = [
            # The grain, and the conflict target of every upsert.
            models.UniqueConstraint(fields=_fields(DAILY_KEY), name="dailyfact_grain"),
        ]
        indexes = [
            # A commune's (or agency's) figures over a period: scoped by the deciding unit.
            models.Index(fields=["competent_unit", "day"], name="dailyfact_cunit_day"),
            # The same by the receiving unit (basis "receiving").
            models.Index(fields=["unit", "day"], name="dailyfact_unit_day"),
            # A province's partial months at the ends of a period.
            models.Index(fields=["competent_province", "day"], name="dailyfact_cprov_day"),
            # An officer's figures and scorecard.
            models.Index(fields=["officer_id", "day"], name="dailyfact_officer_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.competent_agency_id}/{self.procedure_id}/{self.channel}"


class MonthlyFact(Dimensions, Counters):
    month = models.DateField(_("month"))  # the first day of the month

    class Meta:
        verbose_name = _("monthly fact")
        verbose_name_plural = _("monthly facts")
        constraints = [
            models.UniqueConstraint(fields=_fields(MONTHLY_KEY), name="monthlyfact_grain"),
        ]
        indexes = [
            models.Index(fields=["competent_unit", "month"], name="monthlyfact_cunit_month"),
            models.Index(fields=["unit", "month"], name="monthlyfact_unit_month"),
            models.Index(fields=["competent_province", "month"], name="monthlyfact_cprov_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.competent_agency_id}/{self.procedure_id}/{self.channel}"


class OpenTotal(Dimensions):
    officer_id = models.BigIntegerField(_("officer"), default=0)
    open_delta = models.IntegerField(default=0)
    late_delta = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("stock total")
        verbose_name_plural = _("stock totals")
        constraints = [
            models.UniqueConstraint(fields=_fields(TOTAL_KEY), name="opentotal_grain"),
        ]
        indexes = [
            models.Index(fields=["competent_unit"], name="opentotal_cunit"),
            models.Index(fields=["unit"], name="opentotal_unit"),
            models.Index(fields=["competent_province"], name="opentotal_cprov"),
            models.Index(fields=["officer_id"], name="opentotal_officer"),
        ]

    def __str__(self) -> str:
        return f"{self.competent_agency_id}/{self.procedure_id}/{self.officer_id}/{self.channel}"


class Grain(models.TextChoices):
    DAY = "d", _("day")
    MONTH = "m", _("month")
    TOTAL = "t", _("all days")


class AgencyFact(Counters):
    """The facts rolled up to (day | month | all days, competent agency, channel).

    Province-wide figures read this small table (a few hundred rows per day or month)
    instead of the rows per procedure, receiving unit and officer; the daily, monthly
    and total rows of ``DailyFact``, ``MonthlyFact`` and ``OpenTotal`` summed per agency
    and channel. Total rows (``grain = t``, dated 0001-01-01) carry the stock deltas only.
    """

    grain = models.CharField(max_length=1, choices=Grain.choices)
    date = models.DateField()
    competent_agency = _fk(Agency, _("competent agency"))
    competent_unit = _fk(Unit, _("competent unit"))
    competent_province = _fk(Unit, _("competent province"))
    channel = models.CharField(_("channel"), max_length=16)

    class Meta:
        verbose_name = _("agency fact")
        verbose_name_plural = _("agency facts")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "date", "competent_agency", "channel"], name="agencyfact_grain"
            ),
        ]
        indexes = [
            # A province's (or a commune's) figures: one range per grain.
            models.Index(fields=["competent_province", "grain", "date"], name="agencyfact_cprov"),
            models.Index(fields=["competent_unit", "grain", "date"], name="agencyfact_cunit"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.date} {self.competent_agency_id}/{self.channel}"
