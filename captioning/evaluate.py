"""Score the alt text against COCO annotations and human captions; print one JSON object.

Usage::

    python -m captioning.evaluate --instances INSTANCES.json --captions CAPTIONS.json \\
        [--results RESULTS.json] [--min-score 0.25] [--naive 0.5]
    # out of sample: tables fitted in 5 folds (+ another set whole), held-out photos scored
    python -m captioning.evaluate [--instances INSTANCES.json] --captions CAPTIONS.json \\
        --results RESULTS.json --model MODEL --folds 5 [--seed 0] \\
        [--extra-captions C2 [--extra-instances I2] --extra-results R2] [--categories COCO.json]

``--folds``: see :mod:`captioning.crossval`; every figure for issue 16 comes from it. Without
``--instances`` the set is captions-only (``--categories`` gives the category ids): an object
counts as there when at least 2 of the 5 captions name it, and a number is checked against the
number at least 2 captions agree on (:func:`agreed_counts`). ``coverage`` reports what the alt
says per photo (objects named, numbers stated, plain numbers, relations) next to precision.

Without ``--results`` the ground-truth annotations are the model output (the oracle: crowd
regions included and passed as ``crowd``); with a COCO results file the detections are, filtered
at ``--min-score`` (by default the calibration floor of the model's thresholds table, which the
app also lowers its segmenter's floor to; 0.25 without a table) and described with the same
``describe`` and thresholds the app uses (the table for ``--model``, default the backend name
``ssdlite320_mobilenet_v3_large`` for results files). ``--naive T`` scores the baseline that lists
every detection scoring at least ``T`` ("Two people, a dog and a cup.") instead.

Images without captions are skipped (nothing to compare with), so a file like coco-train-mini,
where only some images have captions, can be scored as it is. :func:`score` computes the metrics
for any ``alt_for`` function (``bench/caption_salience.py`` uses it for cross-validation).

Metrics over the alt text (objects read with :meth:`captioning.lang.read.ReadingWords.find_objects`); the
same mention, recall and count metrics over the whole description a reader gets (alt text + long
description) are under ``description``:

* ``recall``: of the objects named by at least 3 of the 5 human captions, the share the alt names.
* ``chair_i`` / ``chair_s``: hallucinated object mentions / all mentions, and the share of alts
  with any, against the image's instance classes plus the objects any caption names; a backed-off
  word ("an animal") is right when any class of its family is there. Hedged mentions ("possibly a
  cat") count here like plain ones: a reader still hears the word. ``chair_i_stated`` /
  ``chair_s_stated`` count only the plainly stated mentions (what the text claims), and
  ``hedged`` gives the hedged mentions and how many of them are wrong, so both readings are on
  the table.
* ``counts``: each class the alt gives a number for ("a dog" = 1, "three dogs", "two or more
  dogs" = at least 2) checked against the annotated instances (an exact number is wrong where a
  crowd region covers that class); ``where_captions_count`` is the subset where a caption states a
  number for that class.
* ``f1`` and ``first_salient`` with the human anchor: every caption scored against the other
  four, where the human-named objects are those at least 2 of those four name (an object 3 of 5
  name is, for each of the 3, named by 2 of the other 4); the alt is scored against the very same
  five leave-one-out reference sets. ``first_salient``: the first object named is human-named.
* ``alt_length``: mean and max characters.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from captioning.coco import category_names, instances_from_coco
from captioning.describe import describe
from captioning.lang import DEFAULT_LANGUAGE, LANGUAGES, language, realise
from captioning.lang.en import READING as EN
from captioning.lang.en import count_noun, join_list, sentence
from captioning.lang.read import ReadingWords
from captioning.model import Description
from captioning.thresholds import GROUND_TRUTH_MODEL, score_floor
from captioning.vocabulary import family_members
from segmentation.result import Instances

DEFAULT_RESULTS_MODEL = "ssdlite320_mobilenet_v3_large"


def caption_objects(text: str, words: ReadingWords = EN) -> list[str]:
    """Classes (or ``family:<name>``) named in ``text``, in order of first mention."""
    return list(dict.fromkeys(label for _, label, _ in words.find_objects(text)))


def hedged_objects(text: str, words: ReadingWords = EN) -> list[bool]:
    """For each object of :func:`caption_objects`, whether its first mention is hedged ("possibly
    a cat", "possibly two cats", "possibly a medium-sized cup at the top")."""
    tokens = words.tokens(text)
    gap = words.hedge_gap | set(words.numbers)
    first: dict[str, bool] = {}
    for k, label, _ in words.find_objects(text):
        if label in first:
            continue
        j = k - 1
        while j >= 0 and tokens[j] in gap and k - j <= 5:
            j -= 1
        first[label] = j >= 0 and tokens[j] in words.hedges
    return list(first.values())


def stated_counts(text: str, words: ReadingWords = EN) -> dict[str, tuple[int, bool]]:
    """``{class: (n, exact)}`` for each class the text gives a number for: "a dog" -> (1, True),
    "three dogs" -> (3, True), "two or more dogs" -> (2, False). Vague ones ("many", "a group of",
    "some") are left out."""
    tokens = words.tokens(text)
    numbers = words.numbers
    floor = list(words.floor)
    out: dict[str, tuple[int, bool]] = {}
    for k, label, _ in words.find_objects(text):
        if label.startswith("family:") or label in out:
            continue
        while k > 0 and tokens[k - 1] in words.count_gap:  # "ein fast bildfüllender Kühlschrank"
            k -= 1
        before = tokens[max(0, k - 1 - len(floor)) : k]
        # A floor of one is said with the article in some languages ("ein oder mehr", "un o más").
        low = numbers.get(before[0], 1 if before[0] in words.articles else None) if before else None
        if floor and len(before) == 1 + len(floor) and before[1:] == floor and low is not None:
            out[label] = (low, False)
        elif before and before[-1] in numbers:
            out[label] = (numbers[before[-1]], True)
        elif before and before[-1] in words.articles:
            out[label] = (1, True)
    return out


def caption_numbers(text: str, words: ReadingWords = EN) -> dict[str, int]:
    """Numbers a human caption states (two and up): "two dogs" -> {"dog": 2}."""
    tokens = words.tokens(text)
    out: dict[str, int] = {}
    for k, label, _ in words.find_objects(text):
        for prev in reversed(tokens[max(0, k - 3) : k]):
            if prev in words.numbers and words.numbers[prev] >= 2:
                out.setdefault(label, words.numbers[prev])
                break
    return out


def agreed_counts(captions: Sequence[str]) -> dict[str, int]:
    """For a captions-only set: the number of each class that at least two captions state alike
    ("a dog" = 1, "two dogs" = 2; vague words give none), the count the evaluation checks
    against where there are no instance annotations."""
    votes: Counter[tuple[str, int]] = Counter()
    for text in captions:
        for label, (n, exact) in stated_counts(text).items():
            if exact:
                votes[(label, n)] += 1
    out: dict[str, int] = {}
    for (label, n), v in sorted(votes.items(), key=lambda kv: -kv[1]):
        if v >= 2 and label not in out:
            out[label] = n
    return out


def _present(label: str, truth: set[str]) -> bool:
    if label.startswith("family:"):
        return bool(family_members(label.removeprefix("family:")) & truth)
    return label in truth


def _f1(named: Sequence[str], reference: set[str]) -> tuple[float, float, float]:
    named_set = {n for n in named if not n.startswith("family:")}
    hit = len(named_set & reference)
    precision = hit / len(named_set) if named_set else (1.0 if not reference else 0.0)
    recall = hit / len(reference) if reference else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def naive_alt(instances: Instances, min_score: float) -> str:
    """The baseline: every detection scoring at least ``min_score``, counted per class."""
    counts = Counter(label for label, s in zip(instances.labels, instances.scores, strict=True) if s >= min_score)
    if not counts:
        return "No objects."
    return sentence(join_list([count_noun(label, n, many_above=None) for label, n in counts.items()]))


# (image record, instances, crowd indices, ground-truth annotations)
Image = tuple[dict[str, Any], Instances, tuple[int, ...], list[dict[str, Any]]]


def load_images(instances_path: Path, results_path: Path | None, *, min_score: float, model: str) -> list[Image]:
    """``(image record, instances, crowd indices, ground-truth annotations)`` per image."""
    results = json.loads(results_path.read_text()) if results_path is not None else None
    return images_from(json.loads(instances_path.read_text()), results, min_score=min_score, model=model)


def images_from(
    coco: dict[str, Any], results: list[dict[str, Any]] | None, *, min_score: float, model: str
) -> list[Image]:
    """:func:`load_images` from parsed files: ``coco`` has ``images``, ``categories`` and
    ``annotations`` (empty for a captions-only set); ``results`` ``None`` is the oracle."""
    categories = coco["categories"]
    gt_by_image: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in coco.get("annotations", []):
        gt_by_image[int(a["image_id"])].append(a)
    det_by_image: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in results or []:
        if float(d["score"]) >= min_score:
            det_by_image[int(d["image_id"])].append(d)
    out = []
    for image in coco["images"]:
        gt = gt_by_image[int(image["id"])]
        if results is None:
            inst = instances_from_coco(gt, image, categories, include_crowd=True)
            # instances_from_coco keeps file order among equal scores: crowd flags follow it.
            crowd = tuple(k for k, a in enumerate(gt) if a.get("iscrowd", 0))
        else:
            dets = det_by_image[int(image["id"])]
            inst = instances_from_coco(dets, image, categories, model=model)
            crowd = ()
        out.append((image, inst, crowd, gt))
    return out


def evaluate(
    instances_path: Path,
    captions_path: Path,
    results_path: Path | None = None,
    *,
    min_score: float = 0.25,
    model: str | None = None,
    naive: float | None = None,
    langs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The report of the module docstring (English); with ``langs`` one report per language
    (``languages``) of the same plans said in each, and a row per language (``by_language``, see
    :func:`language_rows`)."""
    for lang in langs or ():
        language(lang)
    if naive is not None and langs is not None:
        raise ValueError("the naive baseline is English only")
    model = model or (DEFAULT_RESULTS_MODEL if results_path is not None else "coco-annotations")
    coco = json.loads(instances_path.read_text())
    names = category_names(coco["categories"])
    captions = load_captions(captions_path)
    images = load_images(instances_path, results_path, min_score=min_score, model=model)
    if naive is not None:
        threshold = naive

        def alt_for(image: dict[str, Any], inst: Instances, crowd: tuple[int, ...]) -> str:
            return naive_alt(inst, threshold)

    else:

        def alt_for(image: dict[str, Any], inst: Instances, crowd: tuple[int, ...]) -> tuple[str, str]:
            described = describe(inst, crowd=crowd)
            return described.alt_text, described.long_description

    mode = "naive" if naive is not None else ("oracle" if results_path is None else "model")
    head = {
        "mode": mode,
        "model": model,
        "images": 0,
        "min_score": None if results_path is None else min_score,
        "naive_threshold": naive,
    }
    if langs is None:
        report = score(images, captions, names, alt_for)
        return {**head, "images": report.pop("images"), **report}
    # One plan per photo, said in every language: the facts are the same, only the words differ.
    plans = {int(image["id"]): describe(inst, crowd=crowd).plan for image, inst, crowd, _ in images}
    reports: dict[str, dict[str, Any]] = {}
    for lang in langs:

        def said(image: dict[str, Any], inst: Instances, crowd: tuple[int, ...], lang: str = lang) -> tuple[str, str]:
            plan = plans[int(image["id"])]
            assert plan is not None
            text = realise(plan, lang)
            return text.alt_text, text.long_description

        reports[lang] = score(images, captions, names, said, lang=lang)
    head["images"] = next(iter(reports.values()))["images"]
    return {**head, "by_language": language_rows(reports), "languages": reports}


#: The figures compared across languages (issue 18: each within this much of English's).
LANGUAGE_TOLERANCE = 0.02


def language_rows(reports: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per language of :func:`score` reports: recall, hallucinated mentions (CHAIR-i),
    count accuracy and errors over the alt text (and recall / hallucinations over the whole
    description), each language's difference from English, and whether every shared-scale figure
    (recall, CHAIR-i, count accuracy) is within :data:`LANGUAGE_TOLERANCE` of English's."""
    rows = []
    for lang, report in reports.items():
        counts = report["counts"]["all"]
        accuracy = counts["accuracy"]
        row: dict[str, Any] = {
            "lang": lang,
            "recall": report["recall"],
            "chair_i": report["chair_i"],
            "mentions": report["mentions"],
            "hallucinated_mentions": report["hallucinated_mentions"],
            "counts": counts["n"],
            "count_accuracy": accuracy,
            "count_errors": None if accuracy is None else round(counts["n"] * (1 - accuracy)),
            "alt_length_mean": report["alt_length"]["mean"],
            "alt_over_125": report["alt_length"]["over_125"],
        }
        if "description" in report:
            row["description_recall"] = report["description"]["recall"]
            row["description_hallucinated_mentions"] = report["description"]["hallucinated_mentions"]
        rows.append(row)
    english = next((r for r in rows if r["lang"] == DEFAULT_LANGUAGE), None)
    if english is not None:
        for row in rows:
            deltas = {
                key: None if row[key] is None or english[key] is None else round(row[key] - english[key], 4)
                for key in ("recall", "chair_i", "count_accuracy")
            }
            row["delta_vs_en"] = deltas
            row["within_tolerance"] = all(d is None or abs(d) <= LANGUAGE_TOLERANCE for d in deltas.values())
    return rows


def load_captions(captions_path: Path) -> dict[int, list[str]]:
    captions: dict[int, list[str]] = defaultdict(list)
    for c in json.loads(captions_path.read_text())["annotations"]:
        captions[int(c["image_id"])].append(str(c["caption"]))
    return dict(captions)


@dataclass
class _Tally:
    """Mention, recall and count tallies over one kind of text (the alt, or alt + long description)."""

    recall_hits: int = 0
    recall_total: int = 0
    mentions: int = 0
    hallucinated: int = 0
    texts_with_hallucination: int = 0
    stated_mentions: int = 0
    stated_hallucinated: int = 0
    texts_with_stated_hallucination: int = 0
    hedged_mentions: int = 0
    hedged_hallucinated: int = 0
    texts: int = 0
    relations: int = 0
    count_items: list[dict[str, Any]] = field(default_factory=list)
    words: ReadingWords = EN  # the language of the texts tallied

    def add(
        self,
        text: str,
        salient: set[str],
        truth: set[str],
        gt_counts: Counter[str],
        gt_crowd: set[str],
        cap_nums: list[dict[str, int]],
        checkable: Counter[str] | None = None,
    ) -> list[str]:
        """Tally one text; return its hallucinated objects. ``checkable``: only numbers of these
        classes are checked (a captions-only set: where captions agree on a number)."""
        named = caption_objects(text, self.words)
        self.relations += sum(verb in f" {text.lower()} " for verb in self.words.relations)
        self.texts += 1
        self.recall_total += len(salient)
        self.recall_hits += len(salient & set(named))
        wrong = [n for n in named if not _present(n, truth)]
        self.mentions += len(named)
        self.hallucinated += len(wrong)
        self.texts_with_hallucination += bool(wrong)
        hedges = hedged_objects(text, self.words)
        stated_wrong = [n for n, h in zip(named, hedges, strict=True) if not h and not _present(n, truth)]
        self.stated_mentions += sum(not h for h in hedges)
        self.stated_hallucinated += len(stated_wrong)
        self.texts_with_stated_hallucination += bool(stated_wrong)
        self.hedged_mentions += sum(hedges)
        self.hedged_hallucinated += len(wrong) - len(stated_wrong)
        for label, (n, exact) in stated_counts(text, self.words).items():
            if checkable is not None and label not in checkable:
                continue
            true_n = gt_counts.get(label, 0)
            ok = (n == true_n and label not in gt_crowd) if exact else (true_n >= n or label in gt_crowd)
            said = [nums[label] for nums in cap_nums if label in nums]
            self.count_items.append({"exact": exact, "ok": ok, "captions_count": bool(said)})
        return wrong

    def report(self) -> dict[str, Any]:
        def share(items: list[dict[str, Any]]) -> dict[str, Any]:
            accuracy = round(float(np.mean([i["ok"] for i in items])), 4) if items else None
            return {"n": len(items), "accuracy": accuracy}

        exact = [i for i in self.count_items if i["exact"]]
        return {
            "recall": round(self.recall_hits / self.recall_total, 4) if self.recall_total else None,
            "recall_objects": self.recall_total,
            "chair_i": round(self.hallucinated / self.mentions, 4) if self.mentions else 0.0,
            "chair_s": round(self.texts_with_hallucination / self.texts, 4) if self.texts else 0.0,
            "mentions": self.mentions,
            "hallucinated_mentions": self.hallucinated,
            "chair_i_stated": round(self.stated_hallucinated / self.stated_mentions, 4)
            if self.stated_mentions
            else 0.0,
            "chair_s_stated": round(self.texts_with_stated_hallucination / self.texts, 4) if self.texts else 0.0,
            "hedged": {"mentions": self.hedged_mentions, "hallucinated": self.hedged_hallucinated},
            "counts": {
                "all": share(self.count_items),
                "exact": share(exact),
                "at_least": share([i for i in self.count_items if not i["exact"]]),
                "where_captions_count": share([i for i in self.count_items if i["captions_count"]]),
            },
        }


AltFor = Callable[[dict[str, Any], Instances, tuple[int, ...]], "str | tuple[str, str] | Description"]


def score(
    images: Sequence[Image],
    captions: dict[int, list[str]],
    names: dict[int, str],
    alt_for: AltFor,
    *,
    exact: bool = True,
    lang: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """The metrics of the module docstring for ``alt_for(image record, instances, crowd)`` over the
    images that have captions (images without any are skipped: nothing to compare with).
    ``alt_for`` returns the alt text, ``(alt text, long description)`` or a :class:`Description`;
    with the long description the report adds ``description``: the mention, recall and count
    metrics over what the reader gets in full (alt text + long description).

    ``exact=False``: a captions-only set (no instance annotations): an object counts as there
    when at least two of the five captions name it, and a stated number is checked against the
    number at least two captions agree on (:func:`agreed_counts`; unchecked where they agree on
    none).

    ``lang``: the language of the texts ``alt_for`` returns, read with that language's words
    (:attr:`READING <captioning.lang.en.READING>` of its module); the human captions are English."""
    words = language(lang).READING
    images = [im for im in images if captions.get(int(im[0]["id"]))]
    alt_tally, full_tally = _Tally(words=words), _Tally(words=words)
    has_long = False
    f1_alt: list[float] = []
    f1_human: list[float] = []
    first_alt: list[bool] = []
    first_human: list[bool] = []
    lengths: list[int] = []
    relations_said: list[int] = []
    per_image: list[dict[str, Any]] = []
    for image, inst, crowd, gt in images:
        image_id = int(image["id"])
        caps = captions[image_id]
        out = alt_for(image, inst, crowd)
        if isinstance(out, Description):
            alt, long = out.alt_text, out.long_description
            relations_said.append(len(out.relations))
        else:
            alt, long = (out, None) if isinstance(out, str) else out
        lengths.append(len(alt))
        named = caption_objects(alt, words)
        cap_named = [set(caption_objects(c)) for c in caps]
        votes = Counter(label for s in cap_named for label in s if not label.startswith("family:"))
        salient = {label for label, v in votes.items() if v >= 3}
        if exact:
            truth = {names[int(a["category_id"])] for a in gt} | {label for s in cap_named for label in s}
            gt_counts = Counter(names[int(a["category_id"])] for a in gt if not a.get("iscrowd", 0))
            gt_crowd = {names[int(a["category_id"])] for a in gt if a.get("iscrowd", 0)}
        else:
            family_votes = Counter(label for s in cap_named for label in s if label.startswith("family:"))
            truth = {label for label, v in (votes + family_votes).items() if v >= 2}
            gt_counts = Counter(agreed_counts(caps))
            gt_crowd = set()
        cap_nums = [caption_numbers(c) for c in caps]
        checkable = None if exact else gt_counts
        wrong = alt_tally.add(alt, salient, truth, gt_counts, gt_crowd, cap_nums, checkable)
        record = {"image_id": image_id, "alt_text": alt, "salient": sorted(salient), "wrong": wrong}
        if long is not None:
            has_long = True
            record["long_description"] = long
            record["wrong_in_description"] = full_tally.add(
                f"{alt} {long}", salient, truth, gt_counts, gt_crowd, cap_nums, checkable
            )
        # leave-one-out anchor
        for k in range(len(caps)):
            others = [s for j, s in enumerate(cap_named) if j != k]
            ref_votes = Counter(label for s in others for label in s if not label.startswith("family:"))
            reference = {label for label, v in ref_votes.items() if v >= 2}
            human = caption_objects(caps[k])
            f1_human.append(_f1(human, reference)[2])
            f1_alt.append(_f1(named, reference)[2])
            if reference:
                h_first = next((n for n in human if not n.startswith("family:")), None)
                a_first = next((n for n in named if not n.startswith("family:")), None)
                first_human.append(h_first in reference)
                first_alt.append(a_first in reference)
        per_image.append(record)

    report: dict[str, Any] = {
        "images": len(images),
        **alt_tally.report(),
        "f1": {"alt": round(float(np.mean(f1_alt)), 4), "human_anchor": round(float(np.mean(f1_human)), 4)},
        "first_salient": {
            "alt": round(float(np.mean(first_alt)), 4),
            "human_anchor": round(float(np.mean(first_human)), 4),
        },
        "alt_length": {
            "mean": round(float(np.mean(lengths)), 1),
            "max": int(max(lengths)),
            "over_125": int(sum(n > 125 for n in lengths)),
        },
        "coverage": {
            "objects_named_per_photo": round(alt_tally.mentions / len(images), 3) if images else 0.0,
            "numbers_stated_per_photo": round(len(alt_tally.count_items) / len(images), 3) if images else 0.0,
            "exact_numbers_per_photo": round(sum(i["exact"] for i in alt_tally.count_items) / len(images), 3)
            if images
            else 0.0,
            "relations_in_alt_per_photo": round(alt_tally.relations / len(images), 3) if images else 0.0,
            "relations_in_description_per_photo": round(float(np.mean(relations_said)), 3) if relations_said else None,
        },
    }
    if has_long:
        report["description"] = full_tally.report()
    report["per_image"] = per_image
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m captioning.evaluate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", type=Path, default=None, help="COCO instances (leave out: captions-only set)")
    parser.add_argument("--captions", type=Path, required=True)
    parser.add_argument("--results", type=Path, default=None)
    parser.add_argument("--categories", type=Path, default=None, help="captions-only set: a COCO file with categories")
    parser.add_argument(
        "--min-score",
        type=float,
        default=None,
        help="segmenter floor applied to results (default: the model's calibration floor, else 0.25)",
    )
    parser.add_argument("--model", default=None, help="thresholds table to use for results")
    parser.add_argument("--naive", type=float, default=None, help="score the list-every-detection baseline")
    parser.add_argument("--per-image", action="store_true", help="include each image's alt and errors")
    parser.add_argument(
        "--lang",
        default=None,
        help=f"comma-separated languages to score ({', '.join(sorted(LANGUAGES))}): the same plans said in each, "
        "read with that language's words: a row per language (by_language) and each one's report (languages)",
    )
    cv = parser.add_argument_group(
        "out of sample (captioning.crossval)",
        "--folds K: fit thresholds, salience and count limits on K-1 folds (plus the whole --extra-* set), "
        "describe the held-out fold, report the pooled held-out photos only; fitted with the options the shipped "
        "table of --model records (captioning/data/thresholds.json), unless overridden here",
    )
    cv.add_argument("--folds", type=int, default=0)
    cv.add_argument("--seed", type=int, default=0)
    cv.add_argument("--extra-captions", type=Path, default=None, help="another set, used whole for training")
    cv.add_argument("--extra-instances", type=Path, default=None)
    cv.add_argument("--extra-results", type=Path, default=None)
    cv.add_argument("--trainmini-groups", action="store_true", help="add coco-train-mini's ground-truth groups")
    cv.add_argument("--count-target", type=float, default=None, help="accuracy a plain number needs (default 0.8)")
    args = parser.parse_args(argv)
    langs = None
    if args.lang is not None:
        langs = list(dict.fromkeys(code.strip() for code in args.lang.split(",") if code.strip()))
        unknown = [code for code in langs if code not in LANGUAGES]
        if unknown or not langs:
            known = ", ".join(sorted(LANGUAGES))
            parser.error(f"unknown language {', '.join(map(repr, unknown)) or '(none)'}; known: {known}")
        if args.naive is not None:
            parser.error("--naive scores the English baseline only")
    if args.folds:
        # Imported here: captioning.crossval builds on this module (score, images_from).
        from captioning.crossval import cross_validate, load_set, shipped_options

        model = args.model or (DEFAULT_RESULTS_MODEL if args.results else GROUND_TRUTH_MODEL)
        # The options the shipped table of this model was fitted with: the figures judge what ships.
        changes: dict[str, Any] = {}
        if args.trainmini_groups:
            changes["trainmini_groups"] = True
        if args.count_target is not None:
            changes["count_target"] = args.count_target
        if args.min_score is not None:  # the detections' floor is the calibration floor
            changes["floor"] = args.min_score
        options = replace(shipped_options(model), **changes)
        floor = options.floor
        target = load_set(
            args.captions, args.instances, args.results, categories=args.categories, model=model, floor=floor
        )
        extra = []
        if args.extra_captions is not None:
            extra.append(
                load_set(
                    args.extra_captions,
                    args.extra_instances,
                    args.extra_results,
                    categories=args.categories or args.instances,
                    model=model,
                    floor=floor,
                )
            )
        report = {
            "mode": "cross-validated",
            "model": model,
            **cross_validate(target, extra, folds=args.folds, seed=args.seed, options=options, langs=langs),
        }
    else:
        if args.instances is None:
            parser.error("--instances is needed without --folds")
        if args.min_score is None:
            floor = score_floor(args.model or DEFAULT_RESULTS_MODEL) if args.results else None
            args.min_score = 0.25 if floor is None else floor
        report = evaluate(
            args.instances,
            args.captions,
            args.results,
            min_score=args.min_score,
            model=args.model,
            naive=args.naive,
            langs=langs,
        )
    if not args.per_image:
        report.pop("per_image", None)
        for each in report.get("languages", {}).values():
            each.pop("per_image", None)
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
