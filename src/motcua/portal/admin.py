"""Online payments in the admin, read-only: they are the providers' records."""

from django.contrib import admin

from motcua.portal.models import Payment, PaymentEvent
from motcua.units.access import scope_for


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ["at", "action", "actor", "payload"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "provider", "dossier", "amount_vnd", "status", "paid_at"]
    list_filter = ["provider", "status"]
    list_select_related = ["dossier"]
    search_fields = ["=reference", "dossier__code"]
    inlines = [PaymentEventInline]
    readonly_fields = [
        "dossier",
        "amount_vnd",
        "provider",
        "reference",
        "status",
        "started_by",
        "created_at",
        "paid_at",
    ]

    def get_queryset(self, request):
        scope = scope_for(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(
                scope.q("dossier__unit_id", province_path="dossier__province_id")
                | scope.q(
                    "dossier__competent_unit_id", province_path="dossier__competent_province_id"
                )
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
