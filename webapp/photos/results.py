"""A photo's stored result and its type: the one place that knows the form of ``Photo.result``.

The worker stores ``StoredResult(instances, description).to_json()``; every reader (the photo
page, the overlay, the search index, learning from reviews, the data migrations) gets it back with
:func:`read_result` as the typed :class:`~segmentation.result.Instances` and
:class:`~captioning.Description`, never by string keys. The description is read at once (small);
the instances, whose masks take a decode, only when asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from captioning import Description
from segmentation.result import Instances

log = logging.getLogger(__name__)
# The languages a suggestion can be rendered in (captioning's realisers).
ALT_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es")


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
        return {"instances": self.instances.to_dict(), "description": self.description.to_dict()}

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
