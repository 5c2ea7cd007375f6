"""Where an officer's signing key lives and how to open it. The key itself never does.

Production credentials name an environment variable that holds the passphrase (or token
PIN), set in the service manager next to SECRET_KEY: a database dump, a backup or an admin
screen then never carries a secret that opens a leader's key. Demo credentials (made by
`motcua demo-pki`) keep their random passphrase in ``demo_passphrase`` instead, because the
demo must sign out of the box on a bare machine; the services refuse to use a demo
credential outside demo mode, and the database refuses a demo passphrase on a credential
that is not marked as demo.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CredentialKind(models.TextChoices):
    PKCS12 = "pkcs12", _("PKCS#12 file")
    PKCS11 = "pkcs11", _("PKCS#11 token")


env_name_validator = RegexValidator(
    r"^[A-Z_][A-Z0-9_]*$",
    _("Use an environment variable name: capital letters, digits and underscores."),
)


class SigningCredentialQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        from motcua.units.access import scope_for

        return self.filter(
            scope_for(user).q(
                "user__agency__unit_id", province_path="user__agency__unit__province_id"
            )
        )


class SigningCredential(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signing_credential",
        verbose_name=_("officer"),
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=CredentialKind.choices, default=CredentialKind.PKCS12
    )
    pkcs12_path = models.CharField(
        _("PKCS#12 file"),
        max_length=500,
        blank=True,
        help_text=_("Absolute path on the server to the .p12/.pfx file."),
    )
    pkcs11_module = models.CharField(
        _("PKCS#11 module"),
        max_length=500,
        blank=True,
        help_text=_("Path to the token vendor's PKCS#11 library (.so)."),
    )
    pkcs11_token_label = models.CharField(_("token label"), max_length=64, blank=True)
    pkcs11_key_label = models.CharField(_("key label"), max_length=64, blank=True)
    passphrase_env = models.CharField(
        _("passphrase environment variable"),
        max_length=100,
        blank=True,
        validators=[env_name_validator],
        help_text=_(
            "Name of the environment variable that holds the passphrase or PIN. "
            "The secret itself is never stored in the database."
        ),
    )
    is_demo = models.BooleanField(_("demo credential"), default=False)
    # Demo only (see the module docstring): a random passphrase for a worthless demo key.
    demo_passphrase = models.CharField(_("demo passphrase"), max_length=100, blank=True)
    # Read from the certificate when the credential is saved; shown in the admin only.
    certificate_subject = models.CharField(_("certificate subject"), max_length=500, blank=True)
    certificate_serial = models.CharField(_("certificate serial"), max_length=64, blank=True)
    certificate_not_after = models.DateTimeField(
        _("certificate valid until"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SigningCredentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CredentialKind.values), name="signingcredential_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=CredentialKind.PKCS12) | ~Q(pkcs12_path=""),
                name="signingcredential_pkcs12_has_path",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CredentialKind.PKCS11)
                | (~Q(pkcs11_module="") & ~Q(pkcs11_key_label="")),
                name="signingcredential_pkcs11_has_module_and_key",
            ),
            # A passphrase in the database is acceptable for demo keys only.
            models.CheckConstraint(
                condition=Q(is_demo=True) | Q(demo_passphrase=""),
                name="signingcredential_demo_passphrase_only_on_demo",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}"
