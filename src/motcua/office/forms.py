"""Forms of the back office. They parse and check shapes only; the services decide."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.calendar import InvalidLimit, TimeLimit
from motcua.dossiers.models import ApplicantKind, DeadlineStatus, State

# Dates are typed as dd/mm/yyyy whatever the browser's language (a native date picker
# follows the operating system's locale, often en-US on office PCs).
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "maxlength": 10}


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Applicant is"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON
    )
    id_number = forms.CharField(label=_("ID number (CCCD)"), max_length=20, required=False)
    name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("The ID number must contain digits only."))
        return value


class VersionForm(forms.Form):
    """Every action carries the event count the officer saw (a concurrent change gives a
    clear "reload" message instead of acting on a dossier they have not seen)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class NoteForm(VersionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=None)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers
        self.fields["assignee"].label_from_instance = officer_label
        self.fields["assignee"].empty_label = _("— choose an officer —")


class HandOverForm(VersionForm):
    to_user = forms.ModelChoiceField(label=_("Next officer"), queryset=None, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = officers
        self.fields["to_user"].label_from_instance = officer_label
        self.fields["to_user"].empty_label = _("— as planned by the process —")


LIMIT_KINDS = [
    ("days", _("Working days")),
    ("hours", _("Working hours")),
]


class AgencyRequestForm(VersionForm):
    to_agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=None, empty_label=_("— choose an agency —")
    )
    task = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    limit_kind = forms.ChoiceField(label=_("Time limit"), choices=LIMIT_KINDS, initial="days")
    limit_amount = forms.IntegerField(label=_("Amount"), min_value=1, max_value=365, initial=2)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies

    def limit(self) -> TimeLimit:
        return TimeLimit(self.cleaned_data["limit_kind"], self.cleaned_data["limit_amount"])

    def clean(self):
        data = super().clean()
        if "limit_kind" in data and "limit_amount" in data:
            try:
                self.limit()
            except InvalidLimit:
                raise forms.ValidationError(_("The time limit is not valid.")) from None
        return data


class SupplementForm(VersionForm):
    items = forms.CharField(
        label=_("Papers to supplement (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    guidance = forms.CharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def item_list(self) -> list[dict]:
        items = []
        for line in self.cleaned_data["items"].splitlines():
            name, _sep, reason = line.partition(":")
            if name.strip():
                items.append({"name": name.strip(), "reason": reason.strip()})
        return items


class ProposeForm(VersionForm):
    file = forms.FileField(label=_("Draft result (PDF)"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(VersionForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


RETURN_METHODS = [
    ("in_person", _("In person at the counter")),
    ("postal", _("By post")),
    ("online", _("Online")),
]


class ReturnForm(VersionForm):
    method = forms.ChoiceField(
        label=_("How the result is returned"),
        choices=RETURN_METHODS,
        initial="in_person",
        widget=forms.RadioSelect,
    )


class ApologyForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3})
    )
    new_date = forms.DateField(
        label=_("New appointment date (dd/mm/yyyy)"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
    )
    new_time = forms.TimeField(
        label=_("Time (HH:MM)"),
        initial=dt.time(16, 30),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(
            attrs={"placeholder": "16:30", "inputmode": "numeric"}, format="%H:%M"
        ),
    )

    def new_due_at(self) -> dt.datetime:
        moment = dt.datetime.combine(self.cleaned_data["new_date"], self.cleaned_data["new_time"])
        return timezone.make_aware(moment, timezone.get_default_timezone())


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Code or applicant name"), required=False, max_length=200)
    id_number = forms.CharField(label=_("ID number (CCCD)"), required=False, max_length=20)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    procedure = forms.CharField(label=_("Procedure code"), required=False, max_length=40)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [c for c in State.choices if c[0] != State.DRAFT],
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"), required=False, choices=[("", _("All")), *DeadlineStatus.choices]
    )
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
    )
    received_to = forms.DateField(
        label=_("to"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
    )

    def is_blank(self) -> bool:
        return not any(v for v in self.cleaned_data.values())


def officer_label(user) -> str:
    return officer_name(user)


def officer_name(user) -> str:
    """Vietnamese order: family and middle names, then the given name."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def max_upload_mb() -> int:
    return settings.MOTCUA_MAX_UPLOAD_BYTES // (1024 * 1024)
