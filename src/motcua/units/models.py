"""Administrative units, agencies inside them, officers and the roles they hold per unit.

Two datasets coexist: the two-level model in force from 1 July 2025 (34 provinces, 3,321
communes; Resolution 202/2025/QH15 and the Standing Committee's 2025 resolutions on commune
rearrangement) and the legacy 63 provinces / 696 districts / 10,051 wards kept for history
and for dossiers received before the reorganisation. Codes overlap across datasets (legacy
ward 4 is not new ward 4), so every stored code carries its dataset.
"""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Dataset(models.TextChoices):
    TWO_LEVEL = "two_level", _("Two-level model (from 01/07/2025)")
    LEGACY = "legacy", _("Legacy three-level model (before 01/07/2025)")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(dataset=Dataset.TWO_LEVEL)

    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def visible_to(self, user):
        from motcua.units.access import scope_for

        return self.filter(scope_for(user).q("id", province_path="province_id"))


class Unit(models.Model):
    dataset = models.CharField(_("dataset"), max_length=16, choices=Dataset.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    code = models.PositiveIntegerField(_("code"))
    name = models.CharField(_("name"), max_length=120)
    division_type = models.CharField(_("division type"), max_length=40)
    codename = models.CharField(_("code name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The province the unit lies in (itself for a province): every scoping query filters on
    # it, so it is stored rather than walked up through districts.
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["dataset", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "level", "code"], name="unit_code_unique_per_dataset"
            ),
            models.CheckConstraint(
                condition=~(Q(dataset="two_level") & Q(level="district")),
                name="unit_two_level_has_no_district",
            ),
        ]
        indexes = [
            # Scoping: "the communes of province P" (visible_to for provincial roles).
            models.Index(fields=["province", "level"], name="unit_province_level_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """A code that cannot be confused across datasets, e.g. ``legacy:commune:4``."""
        return f"{self.dataset}:{self.level}:{self.code}"


class UnitSuccession(models.Model):
    """Which new unit(s) took over a legacy unit on 1 July 2025.

    One legacy ward may be split across several new communes (``partial``), and one new
    commune usually merges several legacy wards: read the table either way.
    """

    legacy = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successions", verbose_name=_("legacy unit")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessions", verbose_name=_("successor")
    )
    partial = models.BooleanField(_("partly merged"), default=False)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["legacy", "successor"], name="succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.legacy} → {self.successor}"


class ReferenceDataLoad(models.Model):
    """Which version of a reference dataset is loaded, so a second load is a no-op."""

    name = models.CharField(max_length=40, unique=True)
    version = models.CharField(max_length=40)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class AgencyKind(models.TextChoices):
    SERVICE_CENTER = "service_center", _("Public administration service center")
    DEPARTMENT = "department", _("Department")
    COMMUNE_OFFICE = "commune_office", _("Commune office")
    OTHER = "other", _("Other agency")


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        from motcua.units.access import scope_for

        return self.filter(scope_for(user).q("unit_id", province_path="unit__province_id"))


class Agency(models.Model):
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("administrative unit"),
        limit_choices_to={"dataset": Dataset.TWO_LEVEL},
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    # Identifier under the national document-exchange coding (e.g. 000.00.06.H56); the first
    # part of every dossier code issued by this agency (Circular 01/2018 art. 19).
    identifier = models.CharField(_("identifier"), max_length=40, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["unit__code", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD_OF_DEPARTMENT = "head_of_department", _("Head of department")
    LEADER = "leader", _("Leader")
    INSPECTOR = "inspector", _("Inspector")
    ADMINISTRATOR = "administrator", _("Administrator")
    DIGITAL_HELPER = "digital_helper", _("Community digital helper")


# Roles that only read: an inspector may look at everything in scope but change nothing.
READ_ONLY_ROLES = frozenset({Role.INSPECTOR})


class UserQuerySet(models.QuerySet):
    def officers(self):
        return self.filter(agency__isnull=False)

    def visible_to(self, user):
        from motcua.units.access import scope_for

        return self.filter(
            scope_for(user).q("agency__unit_id", province_path="agency__unit__province_id")
        )


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """Anyone who logs in: officers (who belong to an agency) and citizens (who do not)."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("agency"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name.
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_officer(self) -> bool:
        return self.agency_id is not None


class RoleAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from motcua.units.access import scope_for

        return self.filter(scope_for(user).q("unit_id", province_path="unit__province_id"))


class RoleAssignment(models.Model):
    """A role an officer holds in one unit; provincial roles reach the province's communes."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("officer")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("administrative unit"),
        limit_choices_to={"dataset": Dataset.TWO_LEVEL},
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_unique_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
