"""Out-of-sample figures: fit the captioner's tables inside k folds, describe only held-out photos.

What ``python -m captioning.evaluate --folds K`` runs. The photos of the evaluated set are split
into ``K`` folds (seeded shuffle); for each fold, everything the captioner learns from data is
fitted on the other folds (plus, whole, any ``extra`` sets: photos of another set are never the
evaluated ones) and the fold's photos are described with those tables. The pooled held-out texts
are scored once by :func:`captioning.evaluate.score`, with the human leave-one-out anchor on the
very same photos. Fitted per fold:

* score thresholds (:func:`captioning.calibration.calibrate`): whether a class is named, from
  every training photo (annotations or, on a captions-only set, its captions as weak labels);
  whether a further instance is counted, from photos with annotations only;
* salience (:func:`captioning.learning.fit`): which of the groups *this model's output* forms
  people name, from the training photos' captions; the alt threshold by an inner split of the
  training photos;
* numbers (:func:`captioning.calibration.count_limits`): up to which group size this model's
  plain numbers hold, from training photos with annotations only.

With ground truth as model output (the oracle) the thresholds are :data:`GROUND_TRUTH` and the
numbers all hold; salience is still fitted in folds.

:func:`fit_tables` is the same fit on all photos: ``bench/caption_trust.py`` ships its result.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from captioning.analyse import detect_objects
from captioning.calibration import (
    calibrate,
    count_limits,
    match,
    presence,
    unnamed_presence,
    weak_negative_rate,
)
from captioning.coco import category_names, instances_from_coco
from captioning.describe import describe
from captioning.evaluate import Image, images_from, language_rows, load_captions, score
from captioning.geometry import box_iou
from captioning.lang import DEFAULT_LANGUAGE, realise
from captioning.layout import compute_layout
from captioning.learning import Sample, agreement_of, fit, load_samples, sample_from
from captioning.model import Description, Relation
from captioning.relations import holds
from captioning.salience import SalienceModel, load_model
from captioning.thresholds import (
    GROUND_TRUTH,
    GROUND_TRUTH_MODEL,
    THRESHOLDS_FILE,
    Thresholds,
    thresholds_from_table,
)
from segmentation.result import Instances


@dataclass
class EvalSet:
    """One set of photos: COCO ``images`` / ``categories`` / ``annotations`` (none for a
    captions-only set), the captions, and the model's detections (``None``: ground truth is the
    model output)."""

    name: str
    coco: dict[str, Any]
    captions: dict[int, list[str]]
    results: list[dict[str, Any]] | None
    exact: bool
    images: list[Image] = field(default_factory=list)
    _by_image: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return sorted(int(im["id"]) for im in self.coco["images"] if self.captions.get(int(im["id"])))

    def results_of(self, ids: set[int]) -> list[dict[str, Any]]:
        if not self._by_image:
            for d in self.results or []:
                self._by_image.setdefault(int(d["image_id"]), []).append(d)
        return [d for i in sorted(ids) for d in self._by_image.get(i, [])]

    def coco_of(self, ids: set[int]) -> dict[str, Any]:
        return {
            **self.coco,
            "images": [im for im in self.coco["images"] if int(im["id"]) in ids],
            "annotations": [a for a in self.coco.get("annotations", []) if int(a["image_id"]) in ids],
        }


def load_set(
    captions: Path,
    instances: Path | None = None,
    results: Path | None = None,
    *,
    categories: Path | None = None,
    model: str,
    floor: float,
) -> EvalSet:
    """A set from files. Without ``instances`` it is captions-only: the images come from the
    captions file and the categories from ``categories`` (any COCO file with them)."""
    caps = load_captions(captions)
    if instances is not None:
        coco = json.loads(instances.read_text())
    else:
        if categories is None:
            raise ValueError("a captions-only set needs --categories (a COCO file with the category ids)")
        coco = {
            "images": json.loads(captions.read_text())["images"],
            "categories": json.loads(categories.read_text())["categories"],
            "annotations": [],
        }
    if results is None and instances is None:
        raise ValueError("a captions-only set has no ground truth to be the oracle: give --results")
    found = json.loads(results.read_text()) if results is not None else None
    out = EvalSet(captions.parent.name, coco, caps, found, exact=instances is not None)
    out.images = images_from(coco, found, min_score=floor, model=model if found is not None else GROUND_TRUTH_MODEL)
    return out


@dataclass(frozen=True)
class FitOptions:
    """Targets of the fit (defaults: the shipped ones; see bench/README.md, issue 16)."""

    floor: float = 0.1
    state_precision: float = 0.95
    possible_precision: float = 0.93
    count_precision: float = 0.9
    strength: float = 10.0
    count_target: float = 0.8
    count_strength: float = 5.0
    salience_thresholds: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5)
    smoothing: float = 2.0
    l2: float = 1.0
    # Add the shipped ground-truth groups of coco-train-mini (captioning/data/salience_groups.json)
    # to the salience training data: what people name there holds on any photo; only the groups
    # a model forms differ.
    trainmini_groups: bool = False
    fit_counts: bool = True
    # Weak negatives of captions-only sets (a detected class no caption names) count as the
    # share of such classes that the annotated training photos show to be there
    # (captioning.calibration.weak_negative_rate), instead of as plainly wrong.
    weak_negatives: bool = True
    # Relation kinds said at all / in the alt: measured, not fitted (captioning.crossval.check_relations
    # over the pooled folds, bench/caption_trust.py); None: every kind (what the measurement runs with).
    said_relations: tuple[str, ...] | None = None
    alt_relations: tuple[str, ...] = ()


def shipped_options(model: str, path: Path = THRESHOLDS_FILE) -> FitOptions:
    """The :class:`FitOptions` the shipped table of ``model`` was fitted with (its provenance),
    else the defaults."""
    entry = json.loads(path.read_text()).get("models", {}).get(model, {}) if path.exists() else {}
    recorded = dict(entry.get("provenance", {}).get("options", {}))
    for key in ("salience_thresholds", "said_relations", "alt_relations"):
        if recorded.get(key) is not None:
            recorded[key] = tuple(recorded[key])
    known = {f.name for f in fields(FitOptions)}
    return FitOptions(**{k: v for k, v in recorded.items() if k in known})


@dataclass(frozen=True)
class Tables:
    thresholds: Thresholds
    salience: SalienceModel
    thresholds_table: dict[str, Any] | None


def fit_tables(train: Sequence[tuple[EvalSet, set[int]]], options: FitOptions) -> Tables:
    """Thresholds, salience and count limits fitted on the photos ``ids`` of each set."""
    oracle = all(s.results is None for s, _ in train)
    table: dict[str, Any] | None = None
    if oracle:
        thresholds = GROUND_TRUTH
    else:
        present: list[tuple[str, float, float]] = []
        matched: list[tuple[str, float, bool]] = []
        unnamed = [
            sample
            for s, ids in train
            if s.exact
            for sample in unnamed_presence(s.results_of(ids), s.coco, _captions_of(s, ids), options.floor)
        ]
        weak = weak_negative_rate(unnamed) if options.weak_negatives else None
        for s, ids in train:
            results = s.results_of(ids)
            found = presence(results, s.coco, _captions_of(s, ids), options.floor)
            if s.exact or weak is None:
                present += [(label, score, float(ok)) for label, score, ok in found]
            else:  # "no caption names it" is there after all as often as on the annotated photos
                present += [(label, score, 1.0 if ok else weak(score)) for label, score, ok in found]
            if s.exact:
                matched += match(results, s.coco_of(ids), options.floor)
        table = calibrate(
            present,
            matched,
            state_p=options.state_precision,
            possible_p=options.possible_precision,
            count_p=options.count_precision,
            strength=options.strength,
            floor=options.floor,
        )
        if options.said_relations is not None:
            table["relations"] = {"said": list(options.said_relations), "alt": list(options.alt_relations)}
        thresholds = thresholds_from_table(table)
    samples = [
        sample_from(int(image["id"]), inst, s.captions[int(image["id"])], thresholds, crowd)
        for s, ids in train
        for image, inst, crowd, _ in s.images
        if int(image["id"]) in ids and s.captions.get(int(image["id"]))
    ]
    extra = load_samples() if options.trainmini_groups else []
    salience = _fit_salience(samples, extra, options)
    if not oracle and options.fit_counts:
        records = [r for s, ids in train if s.exact for r in _count_records(s, ids, thresholds, salience)]
        assert table is not None
        table["exact_counts"] = count_limits(records, options.count_target, options.count_strength)
        thresholds = thresholds_from_table(table)
    return Tables(thresholds, salience, table)


def _captions_of(s: EvalSet, ids: set[int]) -> dict[int, list[str]]:
    return {i: c for i, c in s.captions.items() if i in ids}


def _fit_salience(samples: list[Sample], extra: list[Sample], options: FitOptions) -> SalienceModel:
    """The salience model on ``samples`` (+ ``extra``), its alt threshold picked by a 5-fold split
    of ``samples``: best mean F1 of the named classes against those half the captions name.
    Too few photos to learn from (a handful of groups): the general model of the file."""
    folds = 5
    if sum(len(x.labels) for x in samples) < 4 * folds:
        return load_model()
    best: tuple[float, float] | None = None
    order = sorted(range(len(samples)), key=lambda k: samples[k].key)
    models = []
    for f in range(folds):
        held = {samples[k].key for k in order[f::folds]}
        inner = [x for x in samples if x.key not in held] + extra
        models.append((held, fit(inner, options.smoothing, options.l2)))
    for t in options.salience_thresholds:
        pairs = []
        for held, m in models:
            tuned = SalienceModel(m.weights, m.bias, m.prior, m.prior_super, m.prior_global, t)
            pairs += [(x, tuned) for x in samples if x.key in held]
        f1 = agreement_of(pairs, 6)["f1"]
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, t)
    assert best is not None
    return fit(samples + extra, options.smoothing, options.l2, best[1])


def _count_records(
    s: EvalSet, ids: set[int], thresholds: Thresholds, salience: SalienceModel
) -> list[tuple[str, int, bool]]:
    """``(class, stated members, right)`` for every group of the training photos that this model
    would give a plain number (no possible extras, no crowd, not a family noun)."""
    names = category_names(s.coco["categories"])
    out = []
    for image, inst, crowd, gt in s.images:
        if int(image["id"]) not in ids:
            continue
        truth = Counter(names[int(a["category_id"])] for a in gt if not a.get("iscrowd", 0))
        crowded = {names[int(a["category_id"])] for a in gt if a.get("iscrowd", 0)}
        d = describe(inst, thresholds=thresholds, crowd=crowd, salience=salience)
        stated: dict[str, int] = defaultdict(int)
        hedged: set[str] = set()
        for obj in d.objects:
            if obj.certainty == "dropped" or obj.generic:
                continue
            if obj.certainty == "stated":
                stated[obj.label] += 1
            else:
                hedged.add(obj.label)
        for label, n in stated.items():
            if label not in hedged:
                out.append((label, n, truth.get(label, 0) == n and label not in crowded))
    return out


# A relation kind is said at all where its precision against ground-truth masks is at least this,
# over at least RELATION_MIN_SAID said instances; in the short alt only over RELATION_ALT_MIN_SAID
# (issue 16: "precision >= 0.9 over at least 20 said instances, pooled folds").
RELATION_PRECISION = 0.9
RELATION_MIN_SAID = 5
RELATION_ALT_MIN_SAID = 20


def relation_kinds(checked: dict[str, dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(kinds said at all, kinds said in the alt)`` from :func:`check_relations` figures."""
    good = {k: v for k, v in checked.items() if v["precision"] >= RELATION_PRECISION}
    said = tuple(sorted(k for k, v in good.items() if v["said"] >= RELATION_MIN_SAID))
    return said, tuple(sorted(k for k in said if good[k]["said"] >= RELATION_ALT_MIN_SAID))


def check_relations(
    images: Sequence[Image], said: dict[int, Description], categories: Sequence[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per relation kind: how many the texts said (``said``: image id -> description) and how
    many hold between the matching ground-truth objects (same class, box IoU >= 0.5, best match
    first) by the same mask tests (:func:`captioning.relations.holds`). An end with no matching
    annotated object makes the relation wrong."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for image, inst, _, gt in images:
        d = said.get(int(image["id"]))
        if d is None or not d.relations:
            continue
        truth = instances_from_coco(gt, image, categories, include_crowd=True)
        crowd = tuple(k for k, a in enumerate(gt) if a.get("iscrowd", 0))
        layout = compute_layout(truth)
        objects = detect_objects(truth, GROUND_TRUTH, layout, crowd)
        for r in d.relations:
            s, o = _match(inst, r.subject, truth, crowd), _match(inst, r.object, truth, crowd)
            ok = s is not None and o is not None and holds(objects, layout, Relation(s, r.predicate, o))
            tally[r.predicate][0] += 1
            tally[r.predicate][1] += ok
    return {kind: {"said": n, "right": k, "precision": round(k / n, 4)} for kind, (n, k) in sorted(tally.items())}


def _match(inst: Instances, i: int, truth: Instances, crowd: Sequence[int]) -> int | None:
    best, best_iou = None, 0.5
    for j, label in enumerate(truth.labels):
        if label != inst.labels[i] or j in crowd:
            continue
        iou = box_iou(inst.boxes[i].tolist(), truth.boxes[j].tolist())
        if iou >= best_iou:
            best, best_iou = j, iou
    return best


def folds_of(ids: Sequence[int], k: int, seed: int) -> list[set[int]]:
    order = random.Random(seed).sample(sorted(ids), len(ids))
    return [set(order[f::k]) for f in range(k)]


def cross_validate(
    target: EvalSet,
    extra: Sequence[EvalSet] = (),
    *,
    folds: int = 5,
    seed: int = 0,
    options: FitOptions = FitOptions(),
    langs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The :func:`captioning.evaluate.score` report over ``target``'s photos, each described by
    tables fitted without it (see the module docstring), plus the protocol. ``langs``: the same
    held-out plans said and scored in each language too (``by_language`` and ``languages``, as
    :func:`captioning.evaluate.evaluate` gives them)."""
    if folds < 2:
        raise ValueError("need at least 2 folds")
    chosen: dict[int, Tables] = {}
    fitted = []
    for held in folds_of(target.ids, folds, seed):
        train = [(target, set(target.ids) - held), *((s, set(s.ids)) for s in extra)]
        tables = fit_tables(train, options)
        fitted.append(
            {
                "held_out": len(held),
                "default_state": tables.thresholds.state,
                "salience_threshold": tables.salience.threshold,
                "exact_default": tables.thresholds.exact_default,
            }
        )
        chosen.update(dict.fromkeys(held, tables))

    said: dict[int, Description] = {}

    def alt_for(image: dict[str, Any], inst: Any, crowd: tuple[int, ...]) -> Description:
        tables = chosen[int(image["id"])]
        d = said[int(image["id"])] = describe(inst, thresholds=tables.thresholds, crowd=crowd, salience=tables.salience)
        return d

    held_images = [im for im in target.images if int(im[0]["id"]) in chosen]
    report = score(held_images, target.captions, category_names(target.coco["categories"]), alt_for, exact=target.exact)
    protocol = {
        "set": target.name,
        "exact": target.exact,
        "folds": folds,
        "seed": seed,
        "extra_training_sets": [f"{s.name} ({len(s.ids)} photos, all folds)" for s in extra],
        "fits": fitted,
        "options": {k: v for k, v in vars(options).items()},
    }
    if target.exact and target.results is not None:
        report["relations"] = check_relations(held_images, said, target.coco["categories"])
    if langs:
        reports = {
            lang: report if lang == DEFAULT_LANGUAGE else _in_language(held_images, target, said, lang)
            for lang in langs
        }
        report["by_language"] = language_rows(reports)
        report["languages"] = {lang: r for lang, r in reports.items() if r is not report}
    return {"protocol": protocol, **report}


def _in_language(images: Sequence[Image], target: EvalSet, said: dict[int, Description], lang: str) -> dict[str, Any]:
    """The score of the held-out descriptions' plans said in ``lang`` (no refitting: the same facts)."""

    def alt_for(image: dict[str, Any], inst: Any, crowd: tuple[int, ...]) -> Description:
        d = said[int(image["id"])]
        assert d.plan is not None
        text = realise(d.plan, lang)
        return replace(
            d, alt_text=text.alt_text, long_description=text.long_description, mentions=text.mentions, lang=lang
        )

    return score(
        images, target.captions, category_names(target.coco["categories"]), alt_for, exact=target.exact, lang=lang
    )
