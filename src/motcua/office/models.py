"""What the back office keeps of its own: login throttling, the second factor of leaders
and administrators, and the signed result a leader produced on approval.

Personal-data reads are logged in ``motcua.api.models.PersonalDataAccess`` (one log for
the API and the pages), not here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed logins of one username from one address, and the lock they caused.

    Keyed by username *and* address: a wrong password typed at one counter PC does not
    lock the officer out of every other PC, and one address trying many usernames gets
    one row per username (each locked after the same number of failures).
    """

    username = models.CharField(_("username"), max_length=150)
    ip = models.GenericIPAddressField(_("address"))
    failures = models.PositiveIntegerField(_("failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")
        constraints = [
            # One row per pair: the login view reads and updates it by this key.
            models.UniqueConstraint(fields=["username", "ip"], name="office_throttle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}: {self.failures}"


class TotpDevice(models.Model):
    """The authenticator app of a leader or administrator (RFC 6238, 30-second steps).

    ``confirmed_at`` is set once the officer typed a first valid code at enrolment;
    until then the device does not count. ``last_step`` is the time step of the last
    accepted code: a code is accepted once only (no replay within its 30 seconds).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="totp_device",
        verbose_name=_("user"),
    )
    secret = models.CharField(_("secret"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last used time step"), default=0)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"TOTP {self.user}"


class SignedResult(models.Model):
    """The PAdES-signed result a leader produced when approving a dossier.

    Signing happens in the approval request; the signed file becomes the dossier's
    result through ``dossier_mark_result_ready``. Where the leader may not record the
    result as ready (the desk does), the file waits here until the desk does
    (``delivered_at`` empty), so nobody has to sign twice.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="+", verbose_name=_("dossier")
    )
    draft = models.ForeignKey(
        "dossiers.DossierDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("draft result"),
    )
    file = models.FileField(_("signed result"), upload_to="signed/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    delivered_at = models.DateTimeField(_("made the result at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed result")
        verbose_name_plural = _("signed results")
        indexes = [
            # "Is a signed result waiting for this dossier?" on the dossier page and desk.
            models.Index(fields=["dossier", "delivered_at"], name="office_signed_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.signed_at:%Y-%m-%d %H:%M}"
