"""Citizens' electronic identities: who the national eID provider says a citizen is.

A citizen is a :class:`motcua.units.models.User` without an agency; the identity links that
user to one subject of one OpenID Connect issuer. The subject, not the ID number, is the
key: the provider guarantees it is stable and unique per issuer (OpenID Connect Core 1.0,
section 5.7), and an ID number can be corrected or re-issued.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject identifier"), max_length=255)
    # The 12-digit personal identification number (Law on Identification 2023), as the
    # provider released it; personal data: never printed in notifications or logs.
    id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # The `acr` claim of the last login: the assurance level of the eID account used
    # (Decree 69/2024/ND-CP: level 1 or level 2), stored verbatim as the provider sent it.
    assurance_level = models.CharField(_("assurance level"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login at"))

    class Meta:
        verbose_name = _("citizen identity")
        verbose_name_plural = _("citizen identities")
        constraints = [
            # One local account per person per provider: a second login finds this row.
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.subject} ({self.issuer})"
