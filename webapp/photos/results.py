"""A photo's stored result and its type: the one place that knows the form of ``Photo.result``.

The worker stores ``StoredResult(instances, description).to_json()``; every reader (the photo
page, the overlay, the search index, learning from reviews, the data migrations) gets it back with
:func:`read_result` as the typed :class:`~segmentation.result.Instances` and
:class:`~captioning.Description`, never by string keys. The description is read at once (small);
the instances, whose masks take a decode, only when asked for.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _

from captioning import Description
from captioning.lang import DEFAULT_LANGUAGE, LANGUAGES, realise
from captioning.plan import Plan, read_plan
from segmentation.result import Instances

if TYPE_CHECKING:
    from webapp.photos.models import Photo

log = logging.getLogger(__name__)
# The languages a suggestion can be rendered in: captioning's realisers (issue 18).
ALT_LANGUAGES: tuple[str, ...] = tuple(LANGUAGES)


class StoredResult:
    """What the model found (``instances``) and what the captioner said (``description``).

    ``image_size`` (original pixels, ``(width, height)``) and ``has_masks`` are known without
    decoding the masks."""

    def __init__(
        self, description: Description, *, instances: Instances | None = None, stored: Mapping[str, Any] | None = None
    ) -> None:
        """From the typed ``instances``, or from their ``stored`` form (decoded when first read)."""
        if instances is not None:
            self.image_size: tuple[int, int] = instances.image_size
            self.has_masks = instances.masks is not None
        elif stored is not None:
            width, height = (int(v) for v in stored["image_size"])
            self.image_size = (width, height)
            self.has_masks = stored.get("masks") is not None
        else:
            raise TypeError("StoredResult needs instances or their stored form")
        self.description = description
        self._instances = instances
        self._stored = stored

    @property
    def instances(self) -> Instances:
        if self._instances is None:
            assert self._stored is not None
            self._instances = Instances.from_dict(dict(self._stored))
        return self._instances

    def to_json(self) -> dict[str, Any]:
        """The JSON kept in ``Photo.result`` (masks as COCO run-length encoding)."""
        # The plan goes with the description: every language renders from it, nothing is rerun.
        return {"instances": self.instances.to_dict(), "description": self.description.to_dict(plan=True)}

    def in_language(self, lang: str) -> StoredResult:
        """This result with its description said in ``lang`` (see :func:`localised`)."""
        return StoredResult(localised(self.description, lang), instances=self._instances, stored=self._stored)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoredResult:
        """The inverse of :meth:`to_json`.

        Raises:
            ValueError: ``data`` is not a stored result (missing parts, an older or broken form).
        """
        try:
            return cls(Description.from_dict(data["description"]), stored=data["instances"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a stored result ({type(exc).__name__}: {exc})") from None


def read_result(data: Mapping[str, Any] | None) -> StoredResult | None:
    """``Photo.result`` typed; ``None`` when there is none or it does not read (logged), so a page
    or an index shows a photo without its regions rather than failing."""
    if not data:
        return None
    try:
        return StoredResult.from_json(data)
    except ValueError as exc:
        log.warning("A stored result is unreadable and is ignored: %s", exc)
        return None


def read_description(data: Mapping[str, Any] | None) -> Description | None:
    """Only the description of ``Photo.result`` (no masks decoded); ``None`` as in :func:`read_result`."""
    result = read_result(data)
    return result.description if result is not None else None


# -- languages (issue 18): the stored plan said in the language a reader asked for ---------------
# Where the plan and its language sit inside ``Photo.result``: read with a key lookup, so a list of
# photos gets them without loading the masks (``with_plans``).
# The language of ``Photo.suggested_alt`` / ``long_description``: the worker describes in the
# captioner's default language and every other one is rendered from the plan.
SUGGESTION_LANGUAGE = DEFAULT_LANGUAGE
PLAN_KEY = KeyTransform("plan", KeyTransform("description", "result"))
LANG_KEY = KeyTransform("lang", KeyTransform("description", "result"))


def localised(description: Description, lang: str) -> Description:
    """``description`` said in ``lang``: alt text, long description and the mentions linking their
    phrases to instances, rendered from its plan. Unchanged when it is in ``lang`` already, or
    when it has no plan (a result stored before plans were: its stored English text)."""
    if description.lang == lang or description.plan is None:
        return description
    text = realise(description.plan, lang)
    return dataclasses.replace(
        description,
        alt_text=text.alt_text,
        long_description=text.long_description,
        mentions=text.mentions,
        lang=text.lang,
    )


def with_plans(photos: QuerySet[Photo]) -> QuerySet[Photo]:
    """``photos`` with each one's stored plan and language (``stored_plan``, ``stored_lang``),
    for :func:`suggestion` on a page of photos whose ``result`` (masks) is deferred."""
    return photos.annotate(stored_plan=PLAN_KEY, stored_lang=LANG_KEY)


@dataclass(frozen=True)
class Suggestion:
    """A photo's suggestion in one language."""

    alt_text: str
    long_description: str
    lang: str


def _stored_plan(photo: Photo) -> tuple[Mapping[str, Any] | None, str]:
    """The plan (its JSON) and language of ``photo``'s stored description, read as cheaply as the
    photo allows: annotated (``with_plans``), from a loaded ``result``, else by key alone."""
    if hasattr(photo, "stored_plan"):
        return photo.stored_plan, photo.stored_lang or DEFAULT_LANGUAGE
    if "result" not in photo.get_deferred_fields():
        description = (photo.result or {}).get("description") or {}
        return description.get("plan"), description.get("lang") or DEFAULT_LANGUAGE
    row = type(photo).objects.filter(pk=photo.pk).values_list(PLAN_KEY, LANG_KEY).first()
    return (row[0], row[1] or DEFAULT_LANGUAGE) if row else (None, DEFAULT_LANGUAGE)


def suggestion(photo: Photo, lang: str) -> Suggestion:
    """``photo``'s suggestion in ``lang``: the stored texts when they are in ``lang``, else
    rendered from the stored plan. A photo stored without a plan (before plans were, and not given
    one by :func:`add_missing_plans`) keeps its stored (English) text, said to be in its own
    language; an unreadable plan is logged and does the same."""
    if lang == SUGGESTION_LANGUAGE:  # the stored texts: no plan to read
        return Suggestion(photo.suggested_alt, photo.long_description, SUGGESTION_LANGUAGE)
    plan_data, stored_lang = _stored_plan(photo)
    if lang != stored_lang and plan_data:
        try:
            text = realise(Plan.from_dict(plan_data), lang)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("The stored plan of photo %s does not read, its stored text is shown: %s", photo.pk, exc)
        else:
            return Suggestion(text.alt_text, text.long_description, text.lang)
    return Suggestion(photo.suggested_alt, photo.long_description, stored_lang)


def add_missing_plans(photos: QuerySet[Photo], caption: Callable[[Instances], Description]) -> int:
    """Give every result of ``photos`` stored without a readable plan (before plans were, or of
    an older plan version) the plan ``caption`` makes from its stored instances: no model runs,
    and the photo's suggestion then exists in every language. The stored texts stay as they are
    (a reader of the stored language sees what they saw before); a result that does not read is
    left alone. Works on a migration's historical model too; returns how many were given one.
    Idempotent: a result with a readable plan is not written."""
    given = 0
    candidates = photos.filter(result__description__isnull=False).only("pk", "result")
    for photo in candidates.iterator(chunk_size=200):
        data = photo.result
        if not isinstance(data, dict) or not isinstance(data.get("description"), dict):
            continue
        if read_plan(data["description"].get("plan")) is not None:
            continue
        stored = read_result(data)
        if stored is None:
            continue
        try:
            plan = caption(stored.instances).plan
        except (KeyError, TypeError, ValueError) as exc:  # stored instances that do not decode
            log.warning("Photo %s: no plan made from its stored result: %s", photo.pk, exc)
            continue
        if plan is None:
            continue
        data["description"]["plan"] = plan.to_dict()
        # Written alone (a queryset update): a review saved meanwhile is not overwritten.
        type(photo).objects.filter(pk=photo.pk).update(result=data)
        given += 1
    return given


@dataclass(frozen=True)
class AltText:
    """The alt text to publish for a photo, in the language it is in.

    ``source``: ``"accepted"`` / ``"edited"`` (a person's text, in the language they saved it
    in; never re-rendered), ``"decorative"`` (``text`` and ``lang`` empty) or ``"suggested"``
    (the suggestion in the reader's language); ``text`` is ``""`` for a photo with neither."""

    text: str
    lang: str
    source: str

    @property
    def exists(self) -> bool:
        return bool(self.text) or self.source == "decorative"


def publishable(photo: Photo, lang: str) -> AltText:
    """What to publish for ``photo`` for a reader of ``lang``: the person's text when reviewed
    (``""`` when decorative), else the suggestion in ``lang``."""
    if photo.is_decorative:
        return AltText("", "", "decorative")
    if photo.is_reviewed:
        return AltText(photo.accepted_alt, photo.accepted_alt_lang or DEFAULT_LANGUAGE, photo.alt_source)
    if not photo.suggested_alt:
        return AltText("", "", "")
    shown = suggestion(photo, lang)
    return AltText(shown.alt_text, shown.lang, "suggested")


def thumbnail_alt(photo: Photo, lang: str) -> AltText:
    """``alt`` of ``photo``'s picture inside the app: what to publish (:func:`publishable`), else
    words naming the photo in the interface language (a picture is never unnamed)."""
    alt = publishable(photo, lang)
    if alt.source == "decorative":
        return AltText(_("Decorative photo %(name)s") % {"name": photo.original_name}, "", "decorative")
    if alt.text:
        return alt
    status = photo.get_status_display().lower()
    return AltText(_("Photo %(name)s, %(status)s") % {"name": photo.original_name, "status": status}, "", "")
