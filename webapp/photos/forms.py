from __future__ import annotations

from django import forms


class AltTextForm(forms.Form):
    ACTIONS = [("accept", "Accept suggestion"), ("edit", "Save my text"), ("decorative", "Mark as decorative")]

    alt_text = forms.CharField(
        label="Alt text",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "alt-hint alt-count"}),
    )
    action = forms.ChoiceField(choices=ACTIONS)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "edit" and not " ".join((data.get("alt_text") or "").split()):
            self.add_error("alt_text", "Enter the alt text, or mark the photo as decorative.")
        return data
