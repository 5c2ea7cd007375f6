"""The administrator's screens for units, agencies, officers and roles.

Every list goes through ``visible_to``: a provincial administrator manages the province's
agencies and officers, not another province's.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Agency, RoleAssignment, Unit, UnitSuccession, User


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "dataset", "parent"]
    list_filter = ["dataset", "level", "division_type"]
    search_fields = ["name", "codename", "=code"]
    list_select_related = ["parent"]
    readonly_fields = [f.name for f in Unit._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        # Units come from the national list (`motcua load-units`), never typed in by hand.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["legacy", "successor", "partial"]
    list_filter = ["partial"]
    search_fields = ["legacy__name", "successor__name"]
    list_select_related = ["legacy", "successor"]
    readonly_fields = ["legacy", "successor", "partial"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ["name", "identifier", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "identifier", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    list_display = ["username", "last_name", "first_name", "agency", "is_active", "is_staff"]
    list_select_related = ["agency"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["agency"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Agency"), {"fields": ("agency", "phone")}),
    )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
