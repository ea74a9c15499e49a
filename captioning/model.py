"""The typed result of :func:`captioning.describe`: text plus the objects and phrases behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from captioning.thresholds import Certainty

if TYPE_CHECKING:  # captioning.plan builds on this module
    from captioning.plan import Plan

TextField = Literal["alt_text", "long_description"]
TEXT_FIELDS: tuple[TextField, ...] = get_args(TextField)
CERTAINTIES: tuple[Certainty, ...] = get_args(Certainty)


@dataclass(frozen=True)
class DetectedObject:
    """One instance of the segmentation result, as the text sees it.

    Attributes:
        index: instance id, i.e. the index into the :class:`~segmentation.result.Instances`.
        label: COCO class name.
        score: model confidence in ``[0, 1]``.
        box: ``(x0, y0, x1, y1)`` in original-image pixels.
        area_fraction: share of the frame covered (mask area, or box area for boxes-only results).
        centre: ``(x, y)`` of the mask centroid (box centre without masks) as fractions of the
            frame, y downwards.
        position: ``"left"``, ``"centre"``, ``"upper right"``, ... from the mask centroid (box
            centre for boxes-only results).
        size: ``"fills most of the photo"`` (``"spans ..."`` from boxes), ``"large"``, ``"medium"``,
            ``"small"`` or ``"very small"``.
        certainty: ``"stated"`` (said plainly), ``"possible"`` ("possibly ...") or ``"dropped"``
            (not mentioned: low score, or a duplicate of another detection).
        merged_into: for a duplicate, the index of the detection it was merged into.
        generic: the family noun the text uses instead of ``label`` (``"animal"``) when the model
            hesitated between this class and a sibling on the same pixels; else ``None``.
        crowd: the instance stands for many objects (a COCO crowd region): no exact count.
    """

    index: int
    label: str
    score: float
    box: tuple[float, float, float, float]
    area_fraction: float
    centre: tuple[float, float]
    position: str
    size: str
    certainty: Certainty
    merged_into: int | None = None
    generic: str | None = None
    crowd: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "label": self.label,
            "score": round(self.score, 4),
            "box": [round(v, 1) for v in self.box],
            "area_fraction": round(self.area_fraction, 5),
            "centre": [round(v, 4) for v in self.centre],
            "position": self.position,
            "size": self.size,
            "certainty": self.certainty,
            "merged_into": self.merged_into,
            "generic": self.generic,
            "crowd": self.crowd,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DetectedObject:
        """The inverse of :meth:`to_dict`; KeyError, TypeError or ValueError: not a stored object."""
        x0, y0, x1, y1 = (float(v) for v in data["box"])
        cx, cy = (float(v) for v in data["centre"])
        merged_into = data.get("merged_into")
        return cls(
            index=int(data["index"]),
            label=str(data["label"]),
            score=float(data["score"]),
            box=(x0, y0, x1, y1),
            area_fraction=float(data["area_fraction"]),
            centre=(cx, cy),
            position=str(data["position"]),
            size=str(data["size"]),
            certainty=_one_of(data["certainty"], CERTAINTIES),
            merged_into=None if merged_into is None else int(merged_into),
            generic=None if data.get("generic") is None else str(data["generic"]),
            crowd=bool(data.get("crowd", False)),
        )


@dataclass(frozen=True)
class Mention:
    """A phrase of the text and the instances it stands for, so a page can link words to regions.

    ``text == description.<field>[start:end]``. ``label`` is the COCO class of the instances, or
    the family name (``"animal"``, ``"vehicle"``, ...) for a backed-off phrase ("an animal").
    """

    text: str
    label: str
    instance_ids: tuple[int, ...]
    field: TextField
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "instance_ids": list(self.instance_ids),
            "field": self.field,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mention:
        """The inverse of :meth:`to_dict`; KeyError, TypeError or ValueError: not a stored mention."""
        return cls(
            text=str(data["text"]),
            label=str(data["label"]),
            instance_ids=tuple(int(i) for i in data["instance_ids"]),
            field=_one_of(data["field"], TEXT_FIELDS),
            start=int(data["start"]),
            end=int(data["end"]),
        )


Predicate = Literal["riding", "on", "holding", "in front of", "behind", "next to"]
PREDICATES: tuple[Predicate, ...] = ("riding", "on", "holding", "in front of", "behind", "next to")


@dataclass(frozen=True)
class Relation:
    """``subject`` <predicate> ``object``, both instance indices into the Instances.

    Read from geometry (see :mod:`captioning.relations`): "riding", "on", "holding", "in front
    of" and "behind" need masks; "next to" is also said from boxes alone.
    """

    subject: int
    predicate: Predicate
    object: int

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relation:
        """The inverse of :meth:`to_dict`; KeyError, TypeError or ValueError: not a stored relation."""
        return cls(
            subject=int(data["subject"]),
            predicate=_one_of(data["predicate"], PREDICATES),
            object=int(data["object"]),
        )


TextStatus = Literal["quoted", "unclear", "plate", "said"]
TEXT_STATUSES: tuple[TextStatus, ...] = get_args(TextStatus)


@dataclass(frozen=True)
class ReadText:
    """Text read in the photo as the captioner treats it (planned in :mod:`captioning.reading`).

    Attributes:
        text: exactly as read (the lines of one row on one object, joined by spaces).
        box: ``(x0, y0, x1, y1)`` around it in original-image pixels.
        status: ``"quoted"`` (said word for word), ``"unclear"`` (said as text that could not be
            read clearly), ``"plate"`` (a number plate: never transcribed) or ``"said"`` (the
            object's name already says it: the "STOP" of a stop sign).
        on: index of the object it is written on, or ``None`` when it stands alone.
    """

    text: str
    box: tuple[float, float, float, float]
    status: TextStatus
    on: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "box": [round(v, 1) for v in self.box], "status": self.status, "on": self.on}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReadText:
        """The inverse of :meth:`to_dict`; KeyError, TypeError or ValueError: not stored text."""
        box = tuple(float(v) for v in data["box"])
        if len(box) != 4:
            raise ValueError(f"a text box has 4 numbers, got {len(box)}")
        on = data.get("on")
        return cls(str(data["text"]), box, _one_of(data["status"], TEXT_STATUSES), None if on is None else int(on))


@dataclass(frozen=True)
class Description:
    """Alt text for one photo.

    Attributes:
        alt_text: at most 125 characters, most important first, never empty.
        long_description: every stated and possible object with count, place and size.
        objects: one entry per instance, in instance order (dropped ones included).
        mentions: phrases of both texts linked to instance ids.
        relations: what the geometry clearly shows between stated objects, in the kinds checked
            for the model (``Thresholds.relation_kinds``), each said in the long description.
        text: the text read in the photo and how each piece was treated (empty when no reader
            ran or it found nothing).
        plan: what the text says, in no language (:mod:`captioning.plan`): render it in any
            language with :func:`captioning.lang.realise`; ``None`` for a description stored
            without one.
        lang: the language of ``alt_text``, ``long_description`` and ``mentions``.
    """

    alt_text: str
    long_description: str
    objects: tuple[DetectedObject, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...] = ()
    text: tuple[ReadText, ...] = ()
    plan: Plan | None = None
    lang: str = "en"

    def to_dict(self, *, plan: bool = False) -> dict[str, Any]:
        """Plain JSON data; ``plan=True`` adds the plan (``"plan"``, see :meth:`Plan.to_dict
        <captioning.plan.Plan.to_dict>`); ``"lang"`` is there when it is not English."""
        data: dict[str, Any] = {
            "alt_text": self.alt_text,
            "long_description": self.long_description,
            "objects": [obj.to_dict() for obj in self.objects],
            "mentions": [m.to_dict() for m in self.mentions],
            "relations": [r.to_dict() for r in self.relations],
        }
        if self.text:
            data["text"] = [t.to_dict() for t in self.text]
        if self.lang != "en":
            data["lang"] = self.lang
        if plan and self.plan is not None:
            data["plan"] = self.plan.to_dict()
        return data

    @property
    def quoted_text(self) -> tuple[str, ...]:
        """The strings said word for word (confident, legible, not a number plate)."""
        return tuple(t.text for t in self.text if t.status == "quoted")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Description:
        """The inverse of :meth:`to_dict`; KeyError, TypeError or ValueError: not a stored description."""
        return cls(
            alt_text=str(data["alt_text"]),
            long_description=str(data["long_description"]),
            objects=tuple(DetectedObject.from_dict(o) for o in data["objects"]),
            mentions=tuple(Mention.from_dict(m) for m in data.get("mentions") or ()),
            relations=tuple(Relation.from_dict(r) for r in data.get("relations") or ()),
            text=tuple(ReadText.from_dict(t) for t in data.get("text") or ()),
            plan=_plan(data.get("plan")),
            lang=str(data.get("lang") or "en"),
        )


def _plan(data: Any) -> Plan | None:
    """A stored plan, or ``None`` when there is none or it does not read (an older version): the
    description keeps its texts and only loses the other languages, instead of the whole stored
    result becoming unreadable."""
    from captioning.plan import read_plan  # captioning.plan builds on this module

    return read_plan(data)


def _one_of(value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value
