"""API tokens for programs that call the API, and the log of personal-data reads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked=False, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token that acts as its user.

    Only the SHA-256 of the token is stored: a leaked database does not leak usable
    tokens. A plain, unsalted hash is enough because the token itself is 256 random bits
    (``secrets.token_urlsafe(32)``): there is nothing to guess, unlike a password.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    # The first characters of the token, shown in listings so an operator can tell tokens
    # apart without the secret (too short to help anyone guess the rest).
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    # Unique: authentication looks the token up by this hash (one indexed equality).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.name} ({self.prefix}…)"


class AccessPurpose(models.TextChoices):
    API = "api", _("Read through the API")
    OFFICE_DOSSIER = "office_dossier", _("Dossier page in the back office")
    OFFICE_INTAKE = "office_intake", _("Applicant look-up at intake")


class PersonalDataAccess(models.Model):
    """One read of a dossier's personal data (ID number, phone, e-mail, address).

    Vietnam's personal-data protection rules (Decree 13/2023) ask that processing be
    traceable; this table answers "who saw this citizen's data, when" with a query.
    Written in the same request as the read, before the data leaves the server.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    # The code, not a foreign key: the log outlives any change to the dossier tables.
    dossier_code = models.CharField(_("dossier code"), max_length=40)
    at = models.DateTimeField(_("at"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=AccessPurpose.choices)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [
            # "Who read this dossier's personal data?" (an inspection or a citizen's request).
            models.Index(fields=["dossier_code", "at"], name="pda_dossier_at"),
            # "What did this user read?" (an audit of one officer).
            models.Index(fields=["user", "at"], name="pda_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.dossier_code} {self.at:%Y-%m-%d %H:%M}"
