"""The administrator's screens for the procedure catalogue and internal processes.

Search is accent-insensitive through ``Procedure.search_text``. A process's steps are
checked as a whole when saved (first receive, last return, budgets fitting the legal
limit: ``motcua.catalog.rules``), and the problems are shown as form errors. National
templates are edited by superusers only; a provincial or commune administrator manages the
processes of agencies in their own scope.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    LimitKind,
    Procedure,
    Process,
    ProcessStep,
    RequiredDocument,
    search_q,
)
from motcua.catalog.rules import StepSpec, process_problems
from motcua.units.models import Agency


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["order", "name", "mandatory", "form", "template_name"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "field",
        "level",
        "time_limit_display",
        "online_level",
        "is_inter_agency",
        "is_active",
    ]
    list_filter = ["level", "field", "online_level", "limit_kind", "is_inter_agency", "is_active"]
    # The search box needs a field name; get_search_results does the real, normalised search.
    search_fields = ["search_text"]
    readonly_fields = ["updated_at"]
    inlines = [RequiredDocumentInline]
    fieldsets = (
        (None, {"fields": ("code", "code_note", "name", "field", "level", "competent_agency")}),
        (
            _("Time limit"),
            {"fields": ("limit_kind", "limit_amount", "limit_source", "supplement_rule")},
        ),
        (
            _("Fee and result"),
            {"fields": ("fee_vnd", "fee_note", "result_type", "online_level")},
        ),
        (None, {"fields": ("is_inter_agency", "is_active", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(search_q(search_term)), False

    @admin.display(description=_("time limit"), ordering="limit_amount")
    def time_limit_display(self, obj: Procedure) -> str:
        if obj.limit_kind == LimitKind.SAME_DAY:
            return str(obj.get_limit_kind_display())
        return f"{obj.limit_amount} {obj.get_limit_kind_display().lower()}"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new time limit and the processes' budgets cannot be edited on one screen, so a
        # limit change is saved and every process that no longer fits is named here, to be
        # adjusted next (the process screen refuses to save it until it fits).
        for process in form.instance.processes.prefetch_related("steps"):
            try:
                process.check_steps()
            except ValidationError as error:
                messages.warning(
                    request,
                    f"Quy trình «{process}» cần điều chỉnh / Process '{process}' needs "
                    f"adjusting: {'; '.join(error.messages)}",
                )


class ProcessStepFormSet(BaseInlineFormSet):
    """Validates the steps together: the rules are about the whole sequence."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        process = self.instance
        if process.procedure_id is None:
            return  # the process form itself is invalid; its errors are shown instead
        steps = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            steps.append(StepSpec(data["order"], data["kind"], Decimal(data["budget_hours"])))
        problems = process_problems(
            limit_kind=process.procedure.limit_kind,
            limit_amount=process.procedure.limit_amount,
            steps=steps,
        )
        if problems:
            raise ValidationError([problem.message for problem in problems])


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0
    fields = ["order", "kind", "role", "agency", "budget_hours"]
    autocomplete_fields = ["agency"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = Agency.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProcessAdminForm(forms.ModelForm):
    templates_allowed = False

    class Meta:
        model = Process
        fields = ["procedure", "agency", "name"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agency") is None and not self.templates_allowed:
            raise ValidationError(
                _("Only a superuser may edit a national template; choose your agency.")
            )
        return cleaned


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    form = ProcessAdminForm
    list_display = ["name", "procedure", "agency", "fits_limit"]
    list_filter = [("agency", admin.EmptyFieldListFilter), "procedure__level"]
    search_fields = ["procedure__search_text"]
    autocomplete_fields = ["procedure", "agency"]
    list_select_related = ["procedure", "agency"]
    inlines = [ProcessStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).prefetch_related("steps")

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(search_q(search_term, prefix="procedure__")), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.templates_allowed = request.user.is_superuser
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = Agency.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_template and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_template and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("fits the time limit"), boolean=True)
    def fits_limit(self, obj: Process) -> bool:
        steps = [StepSpec(s.order, s.kind, Decimal(s.budget_hours)) for s in obj.steps.all()]
        return not process_problems(
            limit_kind=obj.procedure.limit_kind,
            limit_amount=obj.procedure.limit_amount,
            steps=steps,
        )
