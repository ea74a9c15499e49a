"""What the index stores for one photo: ``{key: count}``. Pure Python (no Django), so the index
builder, the data migration and the benchmark compute exactly the same rows.

Keys (all counts are of *stated* instances; see below):

``o:<label>``                      instances of a COCO label (``o:dog``)
``o:<label>@<size>``               of that size: ``large`` (large or fills most), ``medium``, ``small``
``o:<label>@<place>``              whose position is ``left``/``centre``/``right`` or ``top``/``bottom``
``s:<super>`` (+ ``@size``/``@place``)  the same per COCO supercategory (``s:animal``)
``r:<subject>|<predicate>|<object>``  distinct subjects in a relation stored by the captioner;
                                   subject/object are a label or ``s:<super>``
``w:<word>``                       a word of the photo's current alt text (normalised), occurrences

Certainty: only ``stated`` instances are indexed. ``possible`` ones ("possibly a dog") are left out,
so a count never includes a guess the text itself hedges; they remain findable through the words
of the alt text. ``dropped`` instances (low score or merged duplicates) are never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from captioning.geometry import horizontal_part, size_class
from webapp.search.vocabulary import SUPERCATEGORY_OF, text_words

INDEXED_CERTAINTY = frozenset({"stated"})
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


def object_terms(objects: Iterable[Mapping[str, Any]], relations: Iterable[Mapping[str, Any]] = ()) -> Counter:
    """Terms from the captioner's objects (``Description.to_dict()["objects"]``) and relations
    (``[{"subject": i, "predicate": p, "object": j}]``, instance indices)."""
    terms: Counter = Counter()
    stated: dict[int, str] = {}
    for obj in objects:
        if obj.get("certainty") not in INDEXED_CERTAINTY:
            continue
        label = str(obj["label"])
        stated[int(obj["index"])] = label
        size = SIZE_OF_CLASS[size_class(float(obj.get("area_fraction", 0.0)))]
        position = str(obj.get("position", ""))
        places = {horizontal_part(position)} if position else set()
        if vertical_part(position):
            places.add(vertical_part(position))
        for base in _bases(label):
            terms[base] += 1
            terms[f"{base}@{size}"] += 1
            for place in places:
                terms[f"{base}@{place}"] += 1
    subjects: dict[str, set[int]] = {}
    for rel in relations:
        try:
            i, j, predicate = int(rel["subject"]), int(rel["object"]), str(rel["predicate"])
        except (KeyError, TypeError, ValueError):
            continue
        if i not in stated or j not in stated or i == j:
            continue  # a relation is only searchable between things the text states
        for subject in _bases(stated[i]):
            for obj in _bases(stated[j]):
                subjects.setdefault(relation_key(subject, predicate, obj), set()).add(i)
    for key, ids in subjects.items():
        terms[key] = len(ids)
    return terms


def word_terms(text: str) -> Counter:
    return Counter(f"w:{word}" for word in text_words(text))


def photo_terms(result: Mapping[str, Any] | None, alt_text: str) -> dict[str, int]:
    """All terms of one photo from its stored ``result`` JSON and its current alt text."""
    description = (result or {}).get("description") or {}
    terms = object_terms(description.get("objects") or (), description.get("relations") or ())
    terms.update(word_terms(alt_text))
    return {key[:100]: count for key, count in terms.items() if count > 0}
