"""What the index stores for one photo: ``{key: count}``. Pure Python (no Django), so the index
builder, the data migration and the benchmark compute exactly the same rows.

Keys (all counts are of *stated* instances; see below):

``*``                              every indexed (described) photo, count 1: the set a negation
                                   ("no people") is taken from, so no query needs the photo table
``o:<label>``                      instances of a COCO label (``o:dog``)
``o:<label>@<size>``               of that size: ``large`` (large or fills most), ``medium``, ``small``
``o:<label>@<place>``              whose position is ``left``/``centre``/``right`` or ``top``/``bottom``
``o:<label>@<size>@<v>@<h>``       every combination of one instance's size, vertical place
                                   (``top``/``bottom``) and horizontal place, in that order, so
                                   ``large dog on the left`` counts the dogs that are both
                                   (``o:dog@large@left``), not a large dog and some dog on the left
``s:<super>`` (+ the same ``@`` parts)  the same per COCO supercategory (``s:animal``)
``r:<subject>|<predicate>|<object>``  distinct subjects in a relation stored by the captioner;
                                   subject/object are a label or ``s:<super>``, each optionally
                                   with its own instance's size (``r:person@large|riding|horse@small``)
``w:<word>``                       a word of the photo's current alt text (normalised), occurrences;
                                   also each word of the text quoted from the photo itself
                                   (``Description.quoted_text``: confident, never a number plate),
                                   so "Gladys" finds the photo of the street sign even when the
                                   user's own alt text does not say it

Certainty: only ``stated`` instances are indexed. ``possible`` ones ("possibly a dog") are left out,
so a count never includes a guess the text itself hedges; they remain findable through the words
of the alt text. ``dropped`` instances (low score or merged duplicates) are never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from captioning import Description
from captioning.geometry import horizontal_part, size_class
from captioning.model import DetectedObject, Relation
from webapp.search.vocabulary import SUPERCATEGORY_OF, text_words

INDEXED_CERTAINTY = frozenset({"stated"})
ALL_KEY = "*"
VERTICAL_PLACES = frozenset({"top", "bottom"})
SIZE_OF_CLASS = {"most": "large", "large": "large", "medium": "medium", "small": "small", "very small": "small"}


def subject_key(kind: str, name: str) -> str:
    """``("label", "dog")`` -> ``"o:dog"``; ``("super", "animal")`` -> ``"s:animal"``."""
    return f"o:{name}" if kind == "label" else f"s:{name}"


def relation_key(subject: str, predicate: str, obj: str) -> str:
    """``subject``/``obj`` are ``"o:<label>"`` or ``"s:<super>"`` keys; labels are stored bare."""
    return f"r:{subject.removeprefix('o:')}|{predicate}|{obj.removeprefix('o:')}"


def vertical_part(position: str) -> str:
    """``"upper left"``/``"top"`` -> ``"top"``; ``"lower right"``/``"bottom"`` -> ``"bottom"``; else ``""``."""
    first = position.split()[0] if position else ""
    return {"upper": "top", "top": "top", "lower": "bottom", "bottom": "bottom"}.get(first, "")


def _bases(label: str) -> list[str]:
    bases = [f"o:{label}"]
    sup = SUPERCATEGORY_OF.get(label)
    if sup and sup != label:
        bases.append(f"s:{sup}")
    return bases


def place_suffix(size: str | None, places: Iterable[str]) -> str:
    """The key suffix of one instance's size and places in canonical order: size, vertical,
    horizontal (``("large", ["left", "top"])`` -> ``"@large@top@left"``). At most one place of
    each axis; callers pass at most that."""
    vertical = [p for p in places if p in VERTICAL_PLACES]
    horizontal = [p for p in places if p not in VERTICAL_PLACES]
    return "".join(f"@{part}" for part in (size, *vertical[:1], *horizontal[:1]) if part)


def _suffixes(size: str, vertical: str, horizontal: str) -> list[str]:
    """Every suffix one instance matches: ``""``, ``@size``, ``@left``, ``@size@top@left``, ..."""
    out = []
    for s in ("", size):
        for v in ("", vertical) if vertical else ("",):
            for h in ("", horizontal) if horizontal else ("",):
                out.append("".join(f"@{part}" for part in (s, v, h) if part))
    return out


def object_terms(objects: Iterable[DetectedObject], relations: Iterable[Relation] = ()) -> Counter:
    """Terms from the captioner's objects and relations (``Description.objects``/``.relations``)."""
    terms: Counter = Counter()
    stated: dict[int, tuple[str, str]] = {}  # index -> (label, size)
    for obj in objects:
        if obj.certainty not in INDEXED_CERTAINTY:
            continue
        label = obj.label
        size = SIZE_OF_CLASS[size_class(obj.area_fraction)]
        stated[obj.index] = (label, size)
        position = obj.position
        horizontal = horizontal_part(position) if position else ""
        for base in _bases(label):
            for suffix in _suffixes(size, vertical_part(position), horizontal):
                terms[base + suffix] += 1
    subjects: dict[str, set[int]] = {}
    for rel in relations:
        i, j, predicate = rel.subject, rel.object, rel.predicate
        if i not in stated or j not in stated or i == j:
            continue  # a relation is only searchable between things the text states
        (subject_label, subject_size), (object_label, object_size) = stated[i], stated[j]
        for subject in _bases(subject_label):
            for obj in _bases(object_label):
                for s_suffix in ("", f"@{subject_size}"):
                    for o_suffix in ("", f"@{object_size}"):
                        key = relation_key(subject + s_suffix, predicate, obj + o_suffix)
                        subjects.setdefault(key, set()).add(i)
    for key, ids in subjects.items():
        terms[key] = len(ids)
    return terms


def word_terms(text: str) -> Counter:
    return Counter(f"w:{word}" for word in text_words(text))


def photo_terms(description: Description | None, alt_text: str) -> dict[str, int]:
    """All terms of one described photo from its stored description (``None`` when it has none
    or it does not read: words only) and its current alt text (always with ``ALL_KEY``: call it
    for photos whose status is done)."""
    terms = object_terms(description.objects, description.relations) if description else Counter()
    terms.update(word_terms(alt_text))
    if description is not None:
        # Words read in the photo, counted as often as read unless the alt text says them more.
        for key, count in word_terms(" ".join(description.quoted_text)).items():
            terms[key] = max(terms[key], count)
    terms[ALL_KEY] = 1
    return {key[:100]: count for key, count in terms.items() if count > 0}
