"""How likely a person describing the photo would name each group: the order and choice of the alt.

A small logistic model over features of a group that any backend gives (boxes, classes, counts):

* ``prior``: how often people name this class when it is in a photo (log-odds, smoothed towards
  its COCO supercategory and then towards all classes);
* ``log_area`` / ``rel_area``: box area of the group's largest member, as a share of the frame
  (log) and relative to the largest object of the photo (the subject dwarfs the rest);
* ``centrality``: 1 at the centre of the frame, 0 at the edge;
* ``log_count``: how many members;
* ``contact``: the largest share of a member's box (or of the other box, when smaller) that
  overlaps a person or an animal: what people hold, ride, sit on or play with is part of the
  action ("a man hitting a ball with a racket", "a cat on a table");
* ``linked``: 1 when the masks show the group in a riding, holding or "on" relation as the
  thing ridden, held, or lying on something (:mod:`captioning.relations`: the horse being ridden,
  the racket held, the food on the table, not the table); always 0 for boxes-only results, which
  make no such claims;
* ``log_groups``: how many groups compete for a mention;
* ``person_rel_area``: for people only, the log of ``rel_area``: a passer-by far smaller than the
  subject is rarely named, though people as a class are named more than anything else.

Weights and priors are fitted by ``bench/caption_salience.py`` on ground-truth annotations and
human captions of ``../shared/coco-train-mini`` (no model scores involved, so the photos having
been seen by the detectors does not matter), and written with their provenance to
``captioning/data/salience.json``. The alt text names groups whose probability is at least the
file's ``threshold``, most probable first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from captioning.layout import Layout
from captioning.vocabulary import SUPERCATEGORY

FEATURES: tuple[str, ...] = (
    "prior",
    "log_area",
    "rel_area",
    "centrality",
    "log_count",
    "contact",
    "linked",
    "log_groups",
    "person_rel_area",
)
SALIENCE_FILE = Path(__file__).with_name("data") / "salience.json"
# Classes whose overlap with a group counts as ``contact``.
ACTORS = frozenset(["person", *(k for k, v in SUPERCATEGORY.items() if v == "animal")])
_AREA_FLOOR = 1e-4


@dataclass(frozen=True)
class SalienceModel:
    """Logistic weights over :data:`FEATURES`, class priors (log-odds) and the alt threshold."""

    weights: tuple[float, ...]
    bias: float
    prior: Mapping[str, float] = field(default_factory=dict)
    prior_super: Mapping[str, float] = field(default_factory=dict)
    prior_global: float = 0.0
    threshold: float = 0.5
    source: str = "built-in"

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"need {len(FEATURES)} weights, got {len(self.weights)}")
        object.__setattr__(self, "prior", MappingProxyType(dict(self.prior)))
        object.__setattr__(self, "prior_super", MappingProxyType(dict(self.prior_super)))

    def class_prior(self, label: str) -> float:
        if label in self.prior:
            return self.prior[label]
        return self.prior_super.get(SUPERCATEGORY.get(label, ""), self.prior_global)

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 5) for w in self.weights],
            "bias": round(self.bias, 5),
            "threshold": self.threshold,
            "prior_global": round(self.prior_global, 5),
            "prior_super": {k: round(v, 5) for k, v in sorted(self.prior_super.items())},
            "prior": {k: round(v, 5) for k, v in sorted(self.prior.items())},
        }


def model_from_dict(data: Mapping[str, Any], *, source: str = "") -> SalienceModel:
    if list(data["features"]) != list(FEATURES):
        raise ValueError(f"salience file has features {data['features']}, this code expects {list(FEATURES)}")
    return SalienceModel(
        weights=tuple(float(w) for w in data["weights"]),
        bias=float(data["bias"]),
        prior={str(k): float(v) for k, v in data.get("prior", {}).items()},
        prior_super={str(k): float(v) for k, v in data.get("prior_super", {}).items()},
        prior_global=float(data.get("prior_global", 0.0)),
        threshold=float(data.get("threshold", 0.5)),
        source=source,
    )


# Used when the file is missing: salience by size and place alone, roughly the fitted weights.
FALLBACK = SalienceModel(weights=(0.5, 0.4, 0.7, 1.5, 0.1, 0.3, 0.5, -0.9, 0.0), bias=1.4, threshold=0.25)


@lru_cache(maxsize=4)
def load_model(path: str = str(SALIENCE_FILE)) -> SalienceModel:
    """The file's general model (fitted on ground truth, so it suits any backend without its own)."""
    file = Path(path)
    if not file.exists():
        return FALLBACK
    data = json.loads(file.read_text())
    return model_from_dict(data["model"], source=file.name)


@lru_cache(maxsize=16)
def model_for(backend: str, path: str = str(SALIENCE_FILE)) -> SalienceModel:
    """The model fitted on *this backend's* output (``models`` of the file, keyed like
    ``Instances.model``: backend and weights file), whose groups are the ones the alt will be
    made of; else :func:`load_model`. Written by ``bench/caption_trust.py``."""
    file = Path(path)
    if file.exists():
        entry = json.loads(file.read_text()).get("models", {}).get(backend)
        if entry:
            return model_from_dict(entry["model"], source=f"{file.name}: {backend}")
    return load_model(path)


def group_features(
    members: Sequence[Sequence[int]],
    labels: Sequence[str],
    layout: Layout,
    model: SalienceModel,
    linked: Collection[str] = (),
) -> list[list[float]]:
    """One feature row (:data:`FEATURES`) per group: ``members[g]`` are the instance ids of group
    ``g`` (those its phrase is about), ``labels[g]`` its class or family noun, ``linked`` the
    labels of groups in a riding / holding / on relation. Sizes and places come from the boxes
    of ``layout``, so masks and boxes-only results are judged alike."""
    # Plain Python floats for the per-group scalars (numpy scalars are several times slower).
    box_area: list[float] = layout.box_area.tolist()
    centre_x: list[float] = ((layout.boxes[:, 0] + layout.boxes[:, 2]) / 2).tolist()
    centre_y: list[float] = ((layout.boxes[:, 1] + layout.boxes[:, 3]) / 2).tolist()
    everyone = [i for ids in members for i in ids]
    largest = max((box_area[i] for i in everyone), default=0.0) or 1.0
    actors = [i for ids, label in zip(members, labels, strict=True) if label in ACTORS for i in ids]
    contacts = _contacts(members, labels, actors, layout)
    n_groups = len(members)
    rows = []
    for ids, label, contact in zip(members, labels, contacts, strict=True):
        top = max(ids, key=lambda i: (box_area[i], -i))
        area = box_area[top]
        dist = math.hypot(centre_x[top] - 0.5, centre_y[top] - 0.5)
        rows.append(
            [
                model.class_prior(label),
                math.log(max(area, _AREA_FLOOR)),
                area / largest,
                1.0 - min(1.0, 2.0 * dist),
                math.log(len(ids)),
                min(1.0, contact),
                1.0 if label in linked else 0.0,
                math.log(n_groups),
                math.log(max(area / largest, _AREA_FLOOR)) if label == "person" else 0.0,
            ]
        )
    return rows


def _contacts(
    members: Sequence[Sequence[int]], labels: Sequence[str], actors: Sequence[int], layout: Layout
) -> list[float]:
    """``contact`` of each group: the largest overlap of a member's box with the box of an actor
    outside the group, as a share of the smaller box. All groups in one set of numpy operations
    (one row per member, one column per actor) rather than a handful per group."""
    contacts = [0.0] * len(members)
    # A crowd is not an action: people get no contact.
    takers = [g for g, label in enumerate(labels) if label != "person"]
    if not takers or not actors:
        return contacts
    sizes = [len(members[g]) for g in takers]
    starts = np.cumsum([0, *sizes[:-1]])  # first row of each group
    row_ids = np.array([i for g in takers for i in members[g]])
    col_ids = np.asarray(actors)
    box_area = layout.box_area
    inter = layout.box_inter[row_ids][:, col_ids]
    smaller = np.minimum(box_area[row_ids][:, None], box_area[col_ids][None, :])
    positive = smaller > 0
    share = np.where(positive, inter / np.where(positive, smaller, 1.0), 0.0)
    # Actors of the group itself do not count: their cells become 0 (shares are never negative,
    # so a group with no other actor gets 0, as it should). ``own[r, c]``: actor ``c`` is one of
    # the members of the group of row ``r``.
    own = np.repeat(np.logical_or.reduceat(row_ids[:, None] == col_ids[None, :], starts, axis=0), sizes, axis=0)
    best = np.where(own, 0.0, share).max(axis=1)
    for g, value in zip(takers, np.maximum.reduceat(best, starts).tolist(), strict=True):
        contacts[g] = value
    return contacts
