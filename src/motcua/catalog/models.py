"""The procedure catalogue: procedures, their required documents, and internal processes.

A procedure (thủ tục hành chính) is what an applicant asks for; its legal time limit drives
every deadline (Decree 61/2018/ND-CP art. 19; Decree 118/2025/ND-CP from 1 July 2025). An
internal process (quy trình nội bộ) splits that limit between ordered steps, each done by a
role in an agency. One national template per procedure serves every agency that has not
published its own process.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.rules import StepSpec, process_problems
from motcua.catalog.text import normalize_vietnamese, search_words
from motcua.units.models import Agency, Role


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class OnlineLevel(models.TextChoices):
    # "Toàn trình": the whole procedure, payment and result included, can be done online;
    # "một phần": some part (usually signing or handing in originals) needs a visit.
    FULL = "full", _("Full (end-to-end online)")
    PARTIAL = "partial", _("Partial")


class LimitKind(models.TextChoices):
    # The values are those of the pure enum motcua.calendar.LimitKind, which computes the
    # due moment from (kind, amount); tests/catalog/test_models.py keeps them equal.
    WORKING_DAYS = "days", _("Working days")
    WORKING_HOURS = "hours", _("Working hours")
    CALENDAR_DAYS = "calendar-days", _("Calendar days")
    SAME_DAY = "same-day", _("Same day")


# The calendar refuses larger amounts as typos (motcua.calendar.MAX_AMOUNT); refuse them here
# first so a bad catalogue row never reaches a dossier.
MAX_LIMIT_AMOUNT = 3650


class SupplementRule(models.TextChoices):
    # Decree 61/2018 art. 19.4: the time limit restarts from zero once the complete dossier
    # is back. This is the legal default.
    RESTART = "restart", _("Restart the time limit when the dossier is complete")
    # The clock stops while the applicant supplements and resumes with the time left.
    PAUSE = "pause", _("Pause the clock while the applicant supplements")


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ORIGINAL_OR_COPY = "original_or_copy", _("Original or copy")


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    ASSIGN = "assign", _("Assign")
    APPRAISE = "appraise", _("Appraise")
    CONSULT = "consult", _("Consult")
    REVIEW = "review", _("Review")
    APPROVE = "approve", _("Approve and sign")
    RETURN = "return", _("Return the result")


class ProcessMissing(ObjectDoesNotExist):
    """Neither the agency's own process nor a national template exists for a procedure."""


class ProcedureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, q: str | None):
        """Accent-insensitive search on name and code: every word must appear.

        "khai sinh", "KHAI SINH" and "khai sinh" all find "Đăng ký khai sinh", and
        "1.001193" finds it by code.
        """
        return self.filter(search_q(q))


def search_q(q: str | None, *, prefix: str = "") -> Q:
    """The filter behind ``ProcedureQuerySet.search``, reusable through a relation prefix
    (``prefix="procedure__"`` searches the processes of matching procedures)."""
    condition = Q()
    for word in search_words(q):
        condition &= Q(**{f"{prefix}search_text__contains": word})
    return condition


class Procedure(models.Model):
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_(
            "National procedure code as on the National Public Service Portal "
            "(e.g. 1.001193), or a local code where none is known."
        ),
    )
    code_note = models.CharField(
        _("code note"),
        max_length=300,
        blank=True,
        help_text=_("Why the code is local or provisional, if it is."),
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(
        _("field"), max_length=200, help_text=_("Field of the procedure, e.g. civil status.")
    )
    level = models.CharField(_("level"), max_length=16, choices=ProcedureLevel.choices)
    competent_agency = models.CharField(
        _("competent agency"),
        max_length=300,
        help_text=_("The body competent to decide, e.g. the commune People's Committee."),
    )
    limit_kind = models.CharField(_("time limit kind"), max_length=16, choices=LimitKind.choices)
    limit_amount = models.PositiveIntegerField(
        _("time limit"), help_text=_("Number of days or hours; 0 for a same-day procedure.")
    )
    limit_source = models.CharField(
        _("legal basis of the time limit"),
        max_length=500,
        help_text=_("The law or decree and article that sets the time limit."),
    )
    supplement_rule = models.CharField(
        _("supplement rule"),
        max_length=16,
        choices=SupplementRule.choices,
        default=SupplementRule.RESTART,
        help_text=_(
            "What happens to the time limit while the applicant supplements the dossier "
            "(Decree 61/2018, article 19.4: it restarts)."
        ),
    )
    fee_vnd = models.PositiveIntegerField(
        _("fee (VND)"), default=0, help_text=_("Fee or charge in VND; 0 means free.")
    )
    fee_note = models.TextField(_("fee note"), blank=True)
    result_type = models.CharField(
        _("result"),
        max_length=300,
        help_text=_("What the applicant receives, e.g. a birth certificate."),
    )
    online_level = models.CharField(
        _("online service level"), max_length=16, choices=OnlineLevel.choices
    )
    is_inter_agency = models.BooleanField(_("inter-agency"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Name and code without diacritics, lowercased, đ → d: maintained by save(), so a plain
    # LIKE finds "Đăng ký khai sinh" from "dang ky khai sinh" on every database.
    search_text = models.CharField(_("search text"), max_length=600, editable=False, db_index=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name"]
        indexes = [
            # The catalogue list, portal and back office alike: active procedures by name.
            models.Index(fields=["name"], name="procedure_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_kind__in=LimitKind.values),
                name="procedure_limit_kind_valid",
                violation_error_message=_("Unknown time limit kind."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(limit_kind=LimitKind.SAME_DAY, limit_amount=0)
                    | (~Q(limit_kind=LimitKind.SAME_DAY) & Q(limit_amount__gte=1))
                ),
                name="procedure_limit_amount_fits_kind",
                violation_error_message=_(
                    "A same-day time limit has amount 0; any other kind needs at least 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(limit_amount__lte=MAX_LIMIT_AMOUNT),
                name="procedure_limit_amount_sane",
                violation_error_message=_("The time limit is implausibly large."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text(name=self.name, code=self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @staticmethod
    def build_search_text(*, name: str, code: str) -> str:
        return normalize_vietnamese(f"{name} {code}")

    def time_limit(self) -> tuple[LimitKind, int]:
        """``(limit_kind, limit_amount)``, e.g. ``(LimitKind.WORKING_DAYS, 3)``."""
        return LimitKind(self.limit_kind), self.limit_amount


class RequiredDocument(models.Model):
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("procedure"),
    )
    name = models.CharField(_("name"), max_length=500)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    form = models.CharField(_("form"), max_length=20, choices=DocumentForm.choices)
    template_name = models.CharField(
        _("template"),
        max_length=300,
        blank=True,
        help_text=_("Name of the form template the applicant fills in, if any."),
    )
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "order"], name="required_document_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessQuerySet(models.QuerySet):
    def templates(self):
        return self.filter(agency__isnull=True)

    def visible_to(self, user):
        """National templates, plus the processes of agencies in the caller's scope."""
        from motcua.units.access import scope_for

        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        return self.filter(
            Q(agency__isnull=True)
            | scope.q("agency__unit_id", province_path="agency__unit__province_id")
        )

    def for_procedure(self, procedure: Procedure, agency: Agency | None = None) -> "Process":
        """The process ``agency`` follows for ``procedure``: its own, else the template.

        One query for the process (its own sorts before the template) and one for its
        steps, in order. Raises ``ProcessMissing`` when neither exists.
        """
        candidates = self.filter(procedure=procedure)
        if agency is None:
            candidates = candidates.filter(agency__isnull=True)
        else:
            candidates = candidates.filter(Q(agency=agency) | Q(agency__isnull=True))
        process = (
            candidates.order_by(F("agency").asc(nulls_last=True))
            .prefetch_related(Prefetch("steps", queryset=ProcessStep.objects.order_by("order")))
            .first()
        )
        if process is None:
            where_vi = f"của {agency}" if agency is not None else "mẫu"
            where_en = f"for {agency}" if agency is not None else "template"
            raise ProcessMissing(
                f"Thủ tục {procedure.code} chưa có quy trình nội bộ {where_vi} và chưa có quy "
                f"trình mẫu / Procedure {procedure.code} has no internal process {where_en} "
                "and no national template"
            )
        return process


class Process(models.Model):
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="processes",
        verbose_name=_("procedure"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processes",
        verbose_name=_("agency"),
        help_text=_("Empty for the national template, used by any agency without its own."),
    )
    name = models.CharField(_("name"), max_length=300)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal process")
        verbose_name_plural = _("internal processes")
        # By key, not by names through joins: the import and the dossier code fetch
        # processes in bulk and must not pay for two joins they do not need.
        ordering = ["procedure_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency"], name="process_unique_per_agency"
            ),
            # NULLs are distinct in a unique constraint, so the pair above allows many
            # templates; this partial index allows one.
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(agency__isnull=True),
                name="process_one_template_per_procedure",
                violation_error_message=_("This procedure already has a national template."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.agency_id is None

    def check_steps(self, steps: Iterable["ProcessStep"] | None = None) -> None:
        """Raise ``ValidationError`` unless ``steps`` (default: the saved ones) make a valid
        process for this procedure's time limit; see ``motcua.catalog.rules``."""
        if steps is None:
            steps = self.steps.all()
        specs = [StepSpec(s.order, s.kind, Decimal(s.budget_hours)) for s in steps]
        problems = process_problems(
            limit_kind=self.procedure.limit_kind,
            limit_amount=self.procedure.limit_amount,
            steps=specs,
        )
        if problems:
            raise ValidationError([p.message for p in problems])


class ProcessStep(models.Model):
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="steps", verbose_name=_("process")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
        help_text=_("Empty: the process's own agency (the receiving desk for a template)."),
    )
    budget_hours = models.DecimalField(
        _("time budget (working hours)"),
        max_digits=7,
        decimal_places=2,
        help_text=_("This step's share of the legal time limit, in working hours."),
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="process_step_order_unique"),
            models.CheckConstraint(
                condition=Q(budget_hours__gte=0),
                name="process_step_budget_not_negative",
                violation_error_message=_("A step's time budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"
