"""The out-of-sample protocol (``captioning.crossval``, ``captioning.evaluate --folds``), count
limits, and scoring a captions-only set."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from captioning import crossval
from captioning.calibration import ALL_SIZES, count_limits
from captioning.crossval import EvalSet, FitOptions, cross_validate, fit_tables, folds_of, load_set
from captioning.describe import describe
from captioning.evaluate import agreed_counts, main, score, stated_counts
from captioning.thresholds import Thresholds, thresholds_from_table
from segmentation.result import Instances

MakeInstances = Callable[..., Instances]
VAL = Path("/work/shared/coco-val-calib")
DATA = Path(__file__).with_name("data")
SSDLITE = "ssdlite320_mobilenet_v3_large"
needs_val = pytest.mark.skipif(not (VAL / "instances.json").exists(), reason="val-calib photos not present")


def test_folds_partition_the_photos_and_follow_the_seed() -> None:
    ids = list(range(100, 137))
    folds = folds_of(ids, 5, seed=3)
    assert sorted(i for f in folds for i in f) == ids
    assert all(not (a & b) for k, a in enumerate(folds) for b in folds[k + 1 :])
    assert folds == folds_of(list(reversed(ids)), 5, seed=3)  # the order given does not matter
    assert folds != folds_of(ids, 5, seed=4)


def test_count_limits_follow_each_class_and_size() -> None:
    records = [("dog", 1, True)] * 40 + [("dog", 2, True)] * 30 + [("dog", 3, False)] * 30
    records += [("person", 1, False)] * 30 + [("person", 2, False)] * 30
    limits = count_limits(records, target=0.8, strength=2.0)
    assert limits["per_class"]["dog"] == 2  # ones and twos hold, threes do not
    assert limits["per_class"]["person"] == 0  # not even "a person" holds: say "one or more people"
    assert limits["groups"] == len(records)
    always = count_limits([("cat", n, True) for n in (1, 2, 3, 4, 7) for _ in range(50)], target=0.8, strength=2.0)
    assert always["per_class"]["cat"] == ALL_SIZES


def test_a_number_the_model_gets_wrong_is_said_as_a_floor(make: MakeInstances) -> None:
    boxes = [[20, 200, 120, 300], [300, 200, 400, 300], [450, 100, 600, 380]]
    inst = make(["dog", "dog", "person"], boxes, [0.9, 0.9, 0.9])
    plain = Thresholds(state=0.5, possible=0.3)
    assert "two dogs" in describe(inst, thresholds=plain).alt_text.lower()
    entry = {
        "default": {"state": 0.5, "possible": 0.3},
        "exact_counts": {"default": None, "per_class": {"dog": 1, "person": 0}},
    }
    wary = thresholds_from_table(entry)
    assert wary.says_number("dog", 1) and not wary.says_number("dog", 2) and wary.says_number("cat", 9)
    alt = describe(inst, thresholds=wary).alt_text.lower()
    assert "two or more dogs" in alt and "one or more people" in alt, alt
    counts = stated_counts(alt)
    assert counts["dog"] == (2, False) and counts["person"] == (1, False)


def test_captions_only_truth_is_what_two_captions_name() -> None:
    caps = [
        "Two dogs play with a frisbee on the grass.",
        "Two dogs running in a park.",
        "A pair of dogs and a frisbee.",
        "Dogs outside near a bench.",
        "A dog chasing another dog.",
    ]
    assert agreed_counts(caps) == {"dog": 2, "frisbee": 1}
    image = ({"id": 1, "width": 640, "height": 480}, None, (), [])
    captions = {1: caps}

    def alt(text: str) -> Callable[..., str]:
        return lambda image, inst, crowd: text

    # The bench is named by one caption only: on a captions-only set that is not "there".
    report = score([image], captions, {}, alt("Two dogs, a frisbee and a bench."), exact=False)  # type: ignore[list-item]
    assert report["hallucinated_mentions"] == 1 and report["mentions"] == 3
    assert report["counts"]["all"] == {"n": 2, "accuracy": 1.0}
    wrong = score([image], captions, {}, alt("Three dogs."), exact=False)  # type: ignore[list-item]
    assert wrong["counts"]["all"] == {"n": 1, "accuracy": 0.0}
    # The same text against annotations (exact=True) would count the bench: a caption names it.
    assert score([image], captions, {}, alt("A bench."), exact=True)["hallucinated_mentions"] == 0  # type: ignore[list-item]


def _tiny_set(make: MakeInstances, n: int) -> EvalSet:
    """``n`` photos of a dog (and a cup nobody names), ground truth as model output."""
    images = []
    captions = {}
    annotations = []
    for k in range(n):
        record = {"id": 1000 + k, "width": 640, "height": 480, "file_name": f"{k}.jpg"}
        inst = make(["dog", "cup"], [[100, 100, 400, 400], [500, 50, 530, 80]], [1.0, 1.0])
        images.append((record, inst, (), []))
        captions[1000 + k] = ["A dog on the floor."] * 5
        annotations.append({"image_id": 1000 + k, "category_id": 18, "bbox": [100, 100, 300, 300], "iscrowd": 0})
    coco = {"images": [im[0] for im in images], "categories": [{"id": 18, "name": "dog"}], "annotations": annotations}
    return EvalSet("tiny", coco, captions, None, exact=True, images=images)


def test_every_photo_is_described_by_tables_fitted_without_it(
    make: MakeInstances, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _tiny_set(make, 12)
    other = _tiny_set(make, 3)
    for k, image in enumerate(other.images):  # ids of the extra set differ from the target's
        image[0]["id"] = 5000 + k
    other.captions = {5000 + k: c for k, c in enumerate(other.captions.values())}
    real_fit = crossval.fit_tables
    trained: list[set[int]] = []

    def spy(train: Any, options: FitOptions) -> Any:
        trained.append({i for s, ids in train if s is target for i in ids})
        assert any(s is other and ids == set(other.ids) for s, ids in train)  # the extra set, whole
        return real_fit(train, options)

    monkeypatch.setattr(crossval, "fit_tables", spy)
    described: list[int] = []
    real_describe = crossval.describe

    def watch(inst: Instances, **kwargs: Any) -> Any:
        described.append(id(inst))
        return real_describe(inst, **kwargs)

    monkeypatch.setattr(crossval, "describe", watch)
    report = cross_validate(target, [other], folds=4, seed=1)
    assert len(trained) == 4
    folds = folds_of(target.ids, 4, seed=1)
    for held, seen in zip(folds, trained, strict=True):
        assert not (held & seen) and held | seen == set(target.ids)
    assert sorted(described) == sorted(id(im[1]) for im in target.images)  # each photo once
    assert report["images"] == 12 and report["protocol"]["folds"] == 4
    assert report["f1"]["human_anchor"] == 1.0  # five identical captions agree with each other
    # Nobody names the cup: salience learnt in the folds leaves it out of the alt.
    assert all("cup" not in r["alt_text"] for r in report["per_image"])


def test_oracle_tables_state_every_number(make: MakeInstances) -> None:
    target = _tiny_set(make, 6)
    tables = fit_tables([(target, set(target.ids))], FitOptions())
    assert tables.thresholds_table is None and not tables.thresholds.merge
    assert tables.thresholds.says_number("dog", 40)


@needs_val
def test_evaluate_folds_on_a_real_subset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """End to end with real SSDLite detections on three val-calib photos, the same photos (as a
    captions-only set) the extra training set; every figure is from held-out photos."""
    coco = json.loads((VAL / "instances.json").read_text())
    ids = {139, 22192, 22892}
    sub = {
        **coco,
        "images": [im for im in coco["images"] if im["id"] in ids],
        "annotations": [a for a in coco["annotations"] if a["image_id"] in ids],
    }
    caps = json.loads((VAL / "captions.json").read_text())
    caps_sub = {
        **caps,
        "images": sub["images"],
        "annotations": [c for c in caps["annotations"] if c["image_id"] in ids],
    }
    (tmp_path / "instances.json").write_text(json.dumps(sub))
    (tmp_path / "captions.json").write_text(json.dumps(caps_sub))
    argv = [
        "--instances",
        str(tmp_path / "instances.json"),
        "--captions",
        str(tmp_path / "captions.json"),
        "--results",
        str(DATA / "ssdlite_val_subset.json"),
        "--folds",
        "3",
        "--per-image",
    ]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mode"] == "cross-validated" and report["images"] == 3
    assert len(report["protocol"]["fits"]) == 3 and all(f["held_out"] == 1 for f in report["protocol"]["fits"])
    assert {"objects_named_per_photo", "numbers_stated_per_photo", "relations_in_alt_per_photo"} <= set(
        report["coverage"]
    )
    assert report["alt_length"]["over_125"] == 0
    # A captions-only set needs the category ids and model output.
    with pytest.raises(ValueError, match="categories"):
        load_set(tmp_path / "captions.json", None, DATA / "ssdlite_val_subset.json", model=SSDLITE, floor=0.1)
    with pytest.raises(ValueError, match="oracle"):
        load_set(
            tmp_path / "captions.json", None, None, categories=tmp_path / "instances.json", model=SSDLITE, floor=0.1
        )


YOLO = "yolo_seg:yolo11n-seg_int8"


@pytest.mark.parametrize("model", [SSDLITE, YOLO, "yolo_seg:yolov8n-seg_int8_320"])
def test_shipped_tables_are_keyed_per_weights_file_with_their_protocol(model: str) -> None:
    """The worker's default: thresholds, count limits, checked relation kinds and a salience
    model fitted on the model's own output, each recording the options the evaluation refits."""
    from captioning.crossval import shipped_options
    from captioning.salience import load_model, model_for
    from captioning.thresholds import THRESHOLDS_FILE, default_thresholds

    entry = json.loads(THRESHOLDS_FILE.read_text())["models"][model]
    assert {"exact_counts", "relations"} <= set(entry)
    options = shipped_options(model)
    assert options.floor == entry["provenance"]["floor"] and options.said_relations == tuple(entry["relations"]["said"])
    t = default_thresholds(model)
    assert t.relation_kinds == frozenset(entry["relations"]["said"])
    assert t.exact_default == entry["exact_counts"]["default"]
    salience = model_for(model)
    assert model in salience.source and salience != load_model()
    assert model_for("no-such-model") == load_model()
    assert shipped_options("no-such-model") == FitOptions()
