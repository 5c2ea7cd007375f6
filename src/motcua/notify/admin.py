from django.contrib import admin

from motcua.dossiers.models import Dossier
from motcua.notify.models import Notification, SmsOutbox


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the dossier services and the sending task."""

    list_display = ["dossier", "kind", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["dossier__code"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_queryset(self, request):
        # The same scope as the dossiers: an officer sees the messages of their units only.
        visible = Dossier.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(dossier__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SmsOutbox)
class SmsOutboxAdmin(admin.ModelAdmin):
    list_display = ["phone", "created_at", "reference"]
    readonly_fields = ["phone", "body", "reference", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
