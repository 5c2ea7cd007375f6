"""The office's own rows in the admin: locks can be lifted and authenticators reset
(deleted: the next login enrols a new one); nothing is edited by hand, and the TOTP
secret is never shown."""

from django.contrib import admin

from motcua.office.models import LoginThrottle, SignedResult, TotpDevice


class _NoEdit(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(_NoEdit):
    list_display = ["username", "ip", "failures", "last_failure_at", "locked_until"]
    search_fields = ["username", "ip"]


@admin.register(TotpDevice)
class TotpDeviceAdmin(_NoEdit):
    list_display = ["user", "created_at", "confirmed_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "confirmed_at"]


@admin.register(SignedResult)
class SignedResultAdmin(_NoEdit):
    list_display = ["dossier", "signed_by", "signed_at", "delivered_at", "sha256"]
    list_select_related = ["dossier", "signed_by"]
    search_fields = ["dossier__code"]

    def has_delete_permission(self, request, obj=None):
        return False
