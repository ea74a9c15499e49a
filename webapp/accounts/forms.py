"""The account page's settings form."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from webapp.photos.results import ALT_LANGUAGES


def language_choices() -> list[tuple[str, str]]:
    """Each alt text language by its own name ("Deutsch", "Français"), as the switcher names them."""
    return [(code, get_language_info(code)["name_local"].capitalize()) for code in ALT_LANGUAGES]


class AltLanguageForm(forms.Form):
    alt_text_language = forms.ChoiceField(label=_("Alt text language"), choices=language_choices)
