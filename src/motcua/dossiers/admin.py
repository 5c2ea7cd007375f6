"""Dossiers in the admin are read-only: every change goes through the services (and the
back office), so the admin can never write a state without its event."""

from django.contrib import admin

from motcua.dossiers.models import Dossier, DossierEvent, DossierStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class StepInline(admin.TabularInline):
    model = DossierStep
    fields = [
        "order",
        "kind",
        "agency",
        "assignee",
        "started_at",
        "due_at",
        "finished_at",
        "outcome",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "procedure", "state", "received_at", "due_at", "deadline_status"]
    list_filter = ["state", "deadline_status", "channel"]
    search_fields = ["=code"]
    list_select_related = ["procedure"]
    inlines = [StepInline]
    show_full_result_count = False
    exclude = ["applicant_id_number", "applicant_phone", "applicant_email", "applicant_address"]


@admin.register(DossierEvent)
class DossierEventAdmin(admin.ModelAdmin):
    list_display = ["dossier", "seq", "at", "action", "from_state", "to_state", "actor_name"]
    list_filter = ["action"]
    search_fields = ["=dossier__code"]
    list_select_related = ["dossier"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        visible = Dossier.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(dossier__in=visible)
