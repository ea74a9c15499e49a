"""Learn what this deployment's people name, from the alt texts they accepted or wrote.

The shipped salience model (:mod:`captioning.salience`) knows what COCO's caption writers named in
130 photos: enough to rank people and animals above cups, too little to know that this team's
readers always want the bowl on the table. Every reviewed photo is another such caption, on a
photo the model never saw, described by the deployment's own detector. ``learn_salience`` pools
those with the groups the shipped model was fitted on (``captioning/data/salience_groups.json``),
refits, and writes a salience file that ``CAPTION_SALIENCE_FILE`` points the worker at.

What a review tells: the classes the final text names were worth naming; the ones it leaves out
were not (an accepted suggestion says the same of the suggestion). Decorative photos say nothing
about objects and are left out. Before writing, the new model is checked against the shipped one
by k-fold cross-validation over the reviewed photos (fit without a fold, compare on it), so the
report says whether the refit names what people keep better than the shipped model does.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from captioning.learning import Sample, agreement, agreement_of, fit, load_samples, sample_from
from captioning.plan import ALT_MAX_GROUPS
from captioning.salience import SalienceModel, load_model
from captioning.thresholds import default_thresholds
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


def reviewed_samples(*, edited_only: bool = False) -> tuple[list[Sample], Counter[str], int]:
    """One :class:`Sample` per reviewed photo with a stored result (all owners: the deployment
    learns as a whole), the count per review kind, and how many photos were skipped (a result
    that no longer reads, e.g. from an older format)."""
    sources = [Photo.AltSource.EDITED] if edited_only else [Photo.AltSource.EDITED, Photo.AltSource.ACCEPTED]
    photos = (
        Photo.objects.filter(status=Photo.Status.DONE, alt_source__in=sources, result__isnull=False)
        .exclude(accepted_alt="")
        .order_by("pk")
        .only("pk", "result", "accepted_alt", "alt_source")
    )
    samples: list[Sample] = []
    kinds: Counter[str] = Counter()
    skipped = 0
    for photo in photos.iterator(chunk_size=200):
        result = read_result(photo.result)
        try:
            instances = result.instances if result is not None else None
        except (KeyError, TypeError, ValueError):
            instances = None  # masks that do not decode
        if instances is None:
            skipped += 1
            continue
        thresholds = default_thresholds(instances.model)
        samples.append(sample_from(photo.pk, instances, [photo.accepted_alt], thresholds))
        kinds[photo.alt_source] += 1
    return samples, kinds, skipped


def cross_validate(base: Sequence[Sample], reviewed: Sequence[Sample], shipped: SalienceModel) -> dict[str, Any]:
    """Agreement with the reviewed texts of held-out photos: the shipped model against a model
    refitted on the base groups and the other folds' reviews."""
    folds = min(FOLDS, len(reviewed))
    refit_held: list[tuple[Sample, SalienceModel]] = []
    for k in range(folds):
        train = [s for j, s in enumerate(reviewed) if j % folds != k]
        model = fit([*base, *train], threshold=shipped.threshold)
        refit_held.extend((s, model) for j, s in enumerate(reviewed) if j % folds == k)
    return {
        "folds": folds,
        "shipped": agreement(reviewed, shipped, ALT_MAX_GROUPS),
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
    reviewed, kinds, skipped = reviewed_samples(edited_only=edited_only)
    if len(reviewed) < min_photos:
        what = "photos with a person-written alt text" if edited_only else "reviewed photos"
        raise NotEnoughReviews(
            f"Only {len(reviewed)} {what} with a stored result; at least {min_photos} are needed to learn from "
            "(accept or edit more alt texts, or lower --min-photos)."
        )
    base = list(load_samples() if base is None else base)
    shipped = load_model()
    report = LearnReport(
        photos=len(reviewed),
        sources=dict(sorted(kinds.items())),
        base_groups=sum(len(s.labels) for s in base),
        model=fit([*base, *reviewed], threshold=shipped.threshold, source=str(out or "")),
        cross_validation=cross_validate(base, reviewed, shipped),
        skipped=skipped,
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
