from django.contrib import admin

from motcua.workdays.models import CalendarOverride, OfficeHours


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "reason", "source", "province", "created_by"]
    list_filter = ["kind", "province"]
    search_fields = ["reason", "source"]
    date_hierarchy = "date"
    autocomplete_fields = ["province"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = [
        "province",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "cutoff",
        "weekdays",
    ]
    autocomplete_fields = ["province"]
