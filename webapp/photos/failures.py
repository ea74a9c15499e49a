"""Why a photo got no alt text, said in the reader's language.

The worker stores ``Photo.status_message`` and ``Photo.last_error`` in English (with details such
as the exception), plus a short code, ``Photo.failure_reason``. Pages show the message for the
code in the interface language (``FAILURE_MESSAGES``, the one table), and the stored English text,
marked ``lang="en"`` (WCAG 3.1.2), only where there is no code or the page is in English anyway
(the stored text then keeps its details).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from webapp.photos.models import Photo

FAILURE_MESSAGES: dict[str, Promise] = {
    Photo.FailureReason.IMAGE_MISSING: _("The stored image is missing; upload the photo again."),
    Photo.FailureReason.UNDECODABLE: _("The image could not be decoded; upload it again."),
    Photo.FailureReason.NO_WEIGHTS: _("No model weights are installed, so no alt text was written."),
    Photo.FailureReason.BAD_SETTINGS: _("The segmenter settings cannot be used, so no alt text was written."),
    Photo.FailureReason.MODEL_ERROR: _("The model failed on this photo. Try again."),
    Photo.FailureReason.DEAD_LETTERED: _(
        "Set aside after too many attempts: processing this photo never finished. "
        "Try again, or upload another copy of the photo."
    ),
}
STORED_LANG = "en"  # what the worker writes


@dataclass(frozen=True)
class Said:
    text: str
    lang: str  # the language ``text`` is in


def _translated(photo: Photo) -> Said | None:
    message = FAILURE_MESSAGES.get(photo.failure_reason)
    if message is None or (get_language() or STORED_LANG).split("-")[0] == STORED_LANG:
        return None
    return Said(str(message), get_language())


def status_message(photo: Photo) -> Said:
    """``photo.status_message`` as a page shows it (``text`` is ``""`` when there is none)."""
    if not photo.status_message:
        return Said("", "")
    return _translated(photo) or Said(photo.status_message, STORED_LANG)


def last_problem(photo: Photo) -> Said:
    """``photo.last_error`` as a page shows it: translated when it is the coded message itself;
    a worker's detail (an attempt lost, an exception) stays in English."""
    if not photo.last_error:
        return Said("", "")
    if photo.last_error == photo.status_message:
        return _translated(photo) or Said(photo.last_error, STORED_LANG)
    return Said(photo.last_error, STORED_LANG)
