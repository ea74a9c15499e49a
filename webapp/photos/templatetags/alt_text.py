"""``{% load alt_text %}``: a photo's alt text as a page shows it, in the page's alt text
language (``alt_language``, from ``context_processors.alt_language``), with the language it is in
so the template can mark text in another language than the page's (WCAG 3.1.2)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from webapp.photos import failures, results
from webapp.photos.models import Photo
from webapp.photos.overlay import Piece
from webapp.photos.results import AltText, publishable

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_alt(context: template.Context, photo: Photo) -> AltText:
    """What to publish for ``photo``, in the page's alt text language (see ``results.publishable``)."""
    return publishable(photo, str(context["alt_language"]))


@register.simple_tag(takes_context=True)
def thumbnail_alt(context: template.Context, photo: Photo) -> AltText:
    """``alt`` of ``photo``'s thumbnail inside the app (see ``results.thumbnail_alt``)."""
    return results.thumbnail_alt(photo, str(context["alt_language"]))


@register.simple_tag
def failure_message(photo: Photo) -> failures.Said:
    """``photo.status_message`` in the interface language when its code has a message."""
    return failures.status_message(photo)


@register.simple_tag
def last_problem(photo: Photo) -> failures.Said:
    """``photo.last_error`` in the interface language when it is the coded message."""
    return failures.last_problem(photo)


@register.simple_tag
def lang_attr(lang: object) -> str:
    """`` lang="xx"`` when ``lang`` is not the page's language (``<html lang>``), else nothing."""
    lang = str(lang or "")
    return format_html(' lang="{}"', lang) if lang and lang != get_language() else ""


@register.simple_tag
def region_label(piece: Piece) -> str:
    """Accessible name of a phrase linked to regions: its words, then which regions they name
    ("a dog (region 2)"), the regions said in the interface language."""
    numbers = [str(n) for n in piece.mention.numbers]
    listed = (
        numbers[0]
        if len(numbers) == 1
        else _("%(list)s and %(last)s") % {"list": ", ".join(numbers[:-1]), "last": numbers[-1]}
    )
    regions = ngettext("region %(numbers)s", "regions %(numbers)s", len(numbers)) % {"numbers": listed}
    return f"{piece.text} ({regions})"
