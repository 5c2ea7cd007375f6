"""API tokens and the personal-data access log in the admin: both read-only.

Tokens are created with ``motcua api-token create`` (the secret is shown once, on the
terminal); here an administrator sees them and revokes them. The access log is evidence:
nobody edits or deletes it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.api.models import ApiToken, PersonalDataAccess
from motcua.api.services import api_token_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked=False):
            api_token_revoke(token=token)

    def has_revoke_permission(self, request):
        # Revoking is the one change allowed here; it needs the model's change permission.
        return request.user.has_perm("api.change_apitoken")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "dossier_code", "purpose"]
    list_filter = ["purpose"]
    search_fields = ["=dossier_code", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    show_full_result_count = False
