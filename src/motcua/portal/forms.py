"""Forms of the citizen pages: parsing and messages only; the services decide."""

import re

from django import forms
from django.utils.translation import pgettext_lazy

from motcua.catalog.models import OnlineLevel, ProcedureLevel
from motcua.dossiers.models import ApplicantKind
from motcua.portal.services import PHONE_RE, normalise_phone


class CatalogueFilter(forms.Form):
    q = forms.CharField(label=pgettext_lazy("portal", "Search"), required=False, max_length=200)
    linh_vuc = forms.CharField(
        label=pgettext_lazy("portal", "Field"), required=False, max_length=200
    )
    cap = forms.ChoiceField(
        label=pgettext_lazy("portal", "Level"),
        required=False,
        choices=[("", pgettext_lazy("portal", "All levels")), *ProcedureLevel.choices],
    )
    truc_tuyen = forms.ChoiceField(
        label=pgettext_lazy("portal", "Online service"),
        required=False,
        choices=[("", pgettext_lazy("portal", "All")), *OnlineLevel.choices],
    )


class ApplicantForm(forms.Form):
    """The applicant's part of an application; the documents come as files beside it."""

    applicant_kind = forms.ChoiceField(
        label=pgettext_lazy("portal", "Applying as"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
    )
    name = forms.CharField(
        label=pgettext_lazy("portal", "Full name (or organisation name)"), max_length=200
    )
    id_number = forms.CharField(
        label=pgettext_lazy("portal", "Personal ID number (12 digits)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=pgettext_lazy("portal", "Phone number"),
        max_length=20,
        help_text=pgettext_lazy("portal", "Its last four digits let you look the dossier up."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=pgettext_lazy("portal", "E-mail (optional)"), required=False)
    address = forms.CharField(
        label=pgettext_lazy("portal", "Address"), max_length=300, required=False
    )
    details = forms.CharField(
        label=pgettext_lazy("portal", "What you ask for (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, draft=False, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        if draft:
            # Saving a draft accepts a half-filled form; submission checks completeness.
            for name in ("applicant_kind", "name", "phone"):
                self.fields[name].required = False

    def clean_id_number(self):
        value = re.sub(r"\s", "", self.cleaned_data["id_number"])
        if value and not (value.isdigit() and len(value) in (9, 12)):
            raise forms.ValidationError(
                pgettext_lazy("portal", "The ID number has 12 digits (or 9 on an old ID card).")
            )
        return value

    def clean_phone(self):
        value = normalise_phone(self.cleaned_data["phone"])
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(
                pgettext_lazy("portal", "Enter a Vietnamese phone number, e.g. 0912345678.")
            )
        return value


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=pgettext_lazy("portal", "Dossier code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    so = forms.CharField(
        label=pgettext_lazy("portal", "Last 4 digits of the applicant's phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_ma(self):
        return self.cleaned_data["ma"].strip().upper()

    def clean_so(self):
        value = self.cleaned_data["so"].strip()
        if not value.isdigit():
            raise forms.ValidationError(pgettext_lazy("portal", "Enter four digits."))
        return value
