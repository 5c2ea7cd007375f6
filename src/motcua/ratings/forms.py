"""The feedback form: parsing and messages; ``feedback_submit`` decides."""

from django import forms
from django.utils.translation import pgettext_lazy

from motcua.ratings.models import FeedbackKind

KINDS = [
    (
        FeedbackKind.PROCEDURE,
        pgettext_lazy("portal", "About a procedure (unclear, too many papers, too slow…)"),
    ),
    (FeedbackKind.CONDUCT, pgettext_lazy("portal", "About an officer's conduct")),
    (FeedbackKind.PETITION, pgettext_lazy("portal", "A proposal or petition")),
]


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("portal", "Your feedback is"), choices=KINDS, widget=forms.RadioSelect
    )
    province = forms.ModelChoiceField(
        label=pgettext_lazy("portal", "Province or city concerned"), queryset=None, required=False
    )
    dossier_code = forms.CharField(
        label=pgettext_lazy("portal", "Dossier code, if any"), max_length=40, required=False
    )
    subject = forms.CharField(
        label=pgettext_lazy("portal", "Subject"), max_length=200, required=False
    )
    content = forms.CharField(
        label=pgettext_lazy("portal", "What happened, and what do you propose?"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    name = forms.CharField(
        label=pgettext_lazy("portal", "Your name (optional)"), max_length=200, required=False
    )
    phone = forms.CharField(
        label=pgettext_lazy("portal", "Phone (optional)"), max_length=20, required=False
    )
    email = forms.EmailField(label=pgettext_lazy("portal", "E-mail (optional)"), required=False)

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = pgettext_lazy("portal", "Choose…")
