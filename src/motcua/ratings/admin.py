"""Ratings, reviews and feedback in the admin.

Ratings are read-only (they are the citizens' words). Reviews and feedback are scoped to
the officer's units; answering a feedback item or closing a review here goes through the
services (``feedback_answer``, ``feedback_publish``, ``review_resolve``), never a raw save.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.errors import DossierError
from motcua.ratings.models import Feedback, FeedbackEvent, FeedbackState, Rating, Review
from motcua.ratings.services import feedback_answer, feedback_publish, review_resolve
from motcua.units.access import scope_for


def _message(error: DossierError) -> str:
    return f"{error.message_vi} / {error.message_en}"


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "agency", "time", "contacts", "bodies", "attitude", "satisfaction"]
    list_select_related = ["dossier", "agency"]
    list_filter = ["satisfaction"]
    search_fields = ["dossier__code"]
    show_full_result_count = False

    def get_queryset(self, request):
        scope = scope_for(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(scope.q("agency__unit_id", province_path="agency__unit__province_id"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["resolution"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = ["dossier", "agency", "state", "opened_at", "resolved_at"]
    list_filter = ["state"]
    list_select_related = ["dossier", "agency"]
    search_fields = ["dossier__code"]
    readonly_fields = [
        "rating",
        "dossier",
        "agency",
        "reasons",
        "state",
        "opened_at",
        "resolved_at",
        "resolved_by",
    ]

    def get_queryset(self, request):
        scope = scope_for(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(scope.q("agency__unit_id", province_path="agency__unit__province_id"))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            review_resolve(review=obj, user=request.user, resolution=obj.resolution)
        except DossierError as error:
            self.message_user(request, _message(error), messages.ERROR)


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    fields = ["at", "action", "actor", "on_time", "payload"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    # Events are written by the services only.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FeedbackAnswerForm(forms.ModelForm):
    publish = forms.BooleanField(label=_("Publish the answer now"), required=False)

    class Meta:
        model = Feedback
        fields = ["answer"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    form = FeedbackAnswerForm
    list_display = ["reference", "kind", "state", "agency", "received_at", "resolve_due_at"]
    list_filter = ["state", "kind", "channel"]
    list_select_related = ["agency"]
    search_fields = ["=reference", "subject"]
    date_hierarchy = "received_at"
    inlines = [FeedbackEventInline]
    actions = ["publish_answers"]
    readonly_fields = [
        "reference",
        "kind",
        "state",
        "channel",
        "procedure",
        "dossier",
        "agency",
        "province",
        "subject",
        "content",
        "author_name",
        "author_phone",
        "author_email",
        "received_at",
        "reject_due_at",
        "supplement_due_at",
        "resolve_due_at",
        "publish_due_at",
        "rejected_at",
        "reject_reason",
        "supplement_question",
        "supplement_text",
        "answered_at",
        "answered_by",
        "published_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != FeedbackState.RECEIVED:
            return [*self.readonly_fields, "answer"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "answer" not in form.changed_data:
            return
        try:
            feedback_answer(
                feedback=obj,
                user=request.user,
                answer=form.cleaned_data["answer"],
                publish=form.cleaned_data.get("publish", False),
            )
        except DossierError as error:
            self.message_user(request, _message(error), messages.ERROR)

    @admin.action(description=_("Publish the answers of the selected feedback"))
    def publish_answers(self, request, queryset):
        done = 0
        for feedback in queryset.filter(state=FeedbackState.ANSWERED):
            try:
                feedback_publish(feedback=feedback, user=request.user)
                done += 1
            except DossierError as error:
                self.message_user(request, _message(error), messages.ERROR)
        self.message_user(request, _("%(n)d answers published.") % {"n": done})
