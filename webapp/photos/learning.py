"""Learn what this deployment's people name, from the alt texts they accepted or wrote.

The shipped salience model (:mod:`captioning.salience`) knows what COCO's caption writers named in
130 photos: enough to rank people and animals above cups, too little to know that this team's
readers always want the bowl on the table. Every reviewed photo is another such caption, on a
photo the model never saw, described by the deployment's own detector. ``learn_salience`` pools
those with the groups the shipped model was fitted on (``captioning/data/salience_groups.json``),
refits, and writes a salience file that ``CAPTION_SALIENCE_FILE`` points the worker at.

What a review tells: the classes the final text names were worth naming; the ones it leaves out
were not (an accepted suggestion says the same of the suggestion). Decorative photos say nothing
about objects and are left out. Before writing, the new model is checked against the model in use
by k-fold cross-validation over the reviewed photos (fit without a fold, compare on it), so the
report says whether the refit names what people keep better than the deployment does now. The
model in use is, per photo, the one the worker describes that photo's backend with
(``pipeline.salience_model``: ``CAPTION_SALIENCE_FILE`` when set, else the shipped model fitted on
that backend's output), not the general shipped one.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from captioning.learning import Sample, agreement_of, fit, load_samples, sample_from
from captioning.plan import ALT_MAX_GROUPS
from captioning.salience import SalienceModel, load_model
from captioning.thresholds import default_thresholds
from webapp.photos import pipeline
from webapp.photos.models import Photo
from webapp.photos.results import read_result

FOLDS = 5


class NotEnoughReviews(ValueError):
    """Too few reviewed photos to learn from."""


@dataclass
class LearnReport:
    photos: int
    sources: dict[str, int]
    base_groups: int
    model: SalienceModel
    cross_validation: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewed_photos": self.photos,
            "sources": self.sources,
            "skipped": self.skipped,
            "base_groups": self.base_groups,
            "cross_validation": self.cross_validation,
        }


@dataclass
class Reviews:
    """The reviewed photos as samples: ``backends[i]`` is the ``Instances.model`` of
    ``samples[i]`` (which salience model the worker describes it with), ``kinds`` the count per
    review kind, ``skipped`` the photos whose result no longer reads (e.g. an older format)."""

    samples: list[Sample]
    backends: list[str]
    kinds: Counter[str]
    skipped: int


def reviewed_samples(*, edited_only: bool = False) -> Reviews:
    """One :class:`Sample` per reviewed photo with a stored result (all owners: the deployment
    learns as a whole)."""
    sources = [Photo.AltSource.EDITED] if edited_only else [Photo.AltSource.EDITED, Photo.AltSource.ACCEPTED]
    photos = (
        Photo.objects.filter(status=Photo.Status.DONE, alt_source__in=sources, result__isnull=False)
        .exclude(accepted_alt="")
        .order_by("pk")
        .only("pk", "result", "accepted_alt", "alt_source")
    )
    reviews = Reviews(samples=[], backends=[], kinds=Counter(), skipped=0)
    for photo in photos.iterator(chunk_size=200):
        result = read_result(photo.result)
        try:
            instances = result.instances if result is not None else None
        except (KeyError, TypeError, ValueError):
            instances = None  # masks that do not decode
        if instances is None:
            reviews.skipped += 1
            continue
        thresholds = default_thresholds(instances.model)
        reviews.samples.append(sample_from(photo.pk, instances, [photo.accepted_alt], thresholds))
        reviews.backends.append(instances.model)
        reviews.kinds[photo.alt_source] += 1
    return reviews


def cross_validate(
    base: Sequence[Sample], reviewed: Sequence[Sample], in_use: Sequence[SalienceModel], *, threshold: float
) -> dict[str, Any]:
    """Agreement with the reviewed texts of held-out photos: the model in use for each photo
    (``in_use[i]`` for ``reviewed[i]``) against a model refitted on the base groups and the other
    folds' reviews."""
    folds = min(FOLDS, len(reviewed))
    refit_held: list[tuple[Sample, SalienceModel]] = []
    for k in range(folds):
        train = [s for j, s in enumerate(reviewed) if j % folds != k]
        model = fit([*base, *train], threshold=threshold)
        refit_held.extend((s, model) for j, s in enumerate(reviewed) if j % folds == k)
    return {
        "folds": folds,
        "in_use": agreement_of(list(zip(reviewed, in_use, strict=True)), ALT_MAX_GROUPS),
        "in_use_models": dict(Counter(m.source for m in in_use)),
        "refit": agreement_of(refit_held, ALT_MAX_GROUPS),
    }


def learn_salience(
    out: Path | None,
    *,
    edited_only: bool = False,
    min_photos: int = 30,
    base: Sequence[Sample] | None = None,
    command: str = "",
) -> LearnReport:
    """Refit the salience model on the shipped groups plus this deployment's reviews; write it to
    ``out`` (``None``: only report). Raises :class:`NotEnoughReviews` below ``min_photos``."""
    reviews = reviewed_samples(edited_only=edited_only)
    reviewed = reviews.samples
    if len(reviewed) < min_photos:
        what = "photos with a person-written alt text" if edited_only else "reviewed photos"
        raise NotEnoughReviews(
            f"Only {len(reviewed)} {what} with a stored result; at least {min_photos} are needed to learn from "
            "(accept or edit more alt texts, or lower --min-photos)."
        )
    base = list(load_samples() if base is None else base)
    threshold = load_model().threshold  # the refit serves every backend, like the general model
    in_use = [pipeline.salience_model(backend) for backend in reviews.backends]
    report = LearnReport(
        photos=len(reviewed),
        sources=dict(sorted(reviews.kinds.items())),
        base_groups=sum(len(s.labels) for s in base),
        model=fit([*base, *reviewed], threshold=threshold, source=str(out or "")),
        cross_validation=cross_validate(base, reviewed, in_use, threshold=threshold),
        skipped=reviews.skipped,
    )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "about": "Salience model refitted with this deployment's reviewed alt texts (webapp/photos/learning.py).",
            "model": report.model.to_dict(),
            "provenance": {
                "command": command or "manage.py learn_salience",
                "date": datetime.date.today().isoformat(),
                **report.to_dict(),
            },
        }
        out.write_text(json.dumps(document, indent=1) + "\n")
    return report
