from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from webapp.text import check_plain_text


class AltTextForm(forms.Form):
    ACTIONS = [("accept", _("Accept suggestion")), ("edit", _("Save my text")), ("decorative", _("Mark as decorative"))]

    alt_text = forms.CharField(
        label=_("Alt text"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "alt-hint alt-count"}),
    )
    action = forms.ChoiceField(choices=ACTIONS)

    def clean_alt_text(self) -> str:
        # The same rule as every other way alt text comes in (``webapp.text``), shown at the field.
        try:
            return check_plain_text(self.cleaned_data.get("alt_text") or "", _("The alt text"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "edit" and not " ".join((data.get("alt_text") or "").split()):
            self.add_error("alt_text", _("Enter the alt text, or mark the photo as decorative."))
        return data
