"""The administrator's screen for signing credentials: where each leader's key lives.

The passphrase is never typed here: the form takes the *name* of an environment variable,
set on the server. Saving reads the certificate (subject, serial, expiry) for display.
"""

from django.contrib import admin, messages
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from motcua.signing.errors import SigningUnavailable
from motcua.signing.models import SigningCredential
from motcua.signing.services import credential_certificate, credential_save
from motcua.units.admin import ScopedAdmin


def _message(problem: SigningUnavailable) -> str:
    language = translation.get_language() or "vi"
    return problem.message_vi if language.startswith("vi") else problem.message_en


@admin.register(SigningCredential)
class SigningCredentialAdmin(ScopedAdmin):
    list_display = [
        "user",
        "kind",
        "certificate_subject",
        "certificate_not_after",
        "is_demo",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "certificate_subject"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    fieldsets = (
        (None, {"fields": ("user", "kind", "is_active", "passphrase_env")}),
        (_("PKCS#12 file"), {"fields": ("pkcs12_path",)}),
        (
            _("PKCS#11 token"),
            {"fields": ("pkcs11_module", "pkcs11_token_label", "pkcs11_key_label")},
        ),
        (
            _("Certificate"),
            {
                "fields": (
                    "certificate_subject",
                    "certificate_serial",
                    "certificate_not_after",
                    "is_demo",
                    "created_at",
                )
            },
        ),
    )
    readonly_fields = [
        "certificate_subject",
        "certificate_serial",
        "certificate_not_after",
        "is_demo",
        "created_at",
    ]
    actions = ["check_credentials"]

    def save_model(self, request, obj, form, change):
        credential_save(credential=obj)
        if not obj.certificate_serial:
            try:
                credential_certificate(obj)
            except SigningUnavailable as problem:
                self.message_user(request, _message(problem), messages.WARNING)

    @admin.action(description=_("Check that the selected credentials open"))
    def check_credentials(self, request, queryset):
        for credential in queryset.select_related("user"):
            try:
                info = credential_certificate(credential)
            except SigningUnavailable as problem:
                self.message_user(
                    request, f"{credential.user}: {_message(problem)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("%(user)s: %(subject)s, valid until %(until)s")
                    % {
                        "user": credential.user,
                        "subject": info.subject,
                        "until": info.not_after.date().isoformat(),
                    },
                    messages.SUCCESS,
                )
