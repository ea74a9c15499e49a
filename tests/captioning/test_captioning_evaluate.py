"""Thresholds loading, crowd regions, and the command-line tools (``captioning.evaluate``,
``python -m captioning``) on a few COCO val2017 images of ``../shared/coco-val-calib/``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from captioning import Thresholds, describe
from captioning.__main__ import main as caption_main
from captioning.coco import instances_from_coco
from captioning.evaluate import caption_objects, evaluate, hedged_objects, main, stated_counts
from captioning.thresholds import GROUND_TRUTH, THRESHOLDS_FILE, default_thresholds, score_floor
from segmentation.result import Instances

MakeInstances = Callable[..., Instances]
VAL = Path("/work/shared/coco-val-calib")
DATA = Path(__file__).with_name("data")
SUBSET_IDS = (139, 22192, 22892)  # the images of data/ssdlite_val_subset.json
SSDLITE = "ssdlite320_mobilenet_v3_large"
needs_val = pytest.mark.skipif(not (VAL / "instances.json").exists(), reason="val-calib photos not present")


# -- thresholds ---------------------------------------------------------------------------------
def test_calibrated_table_is_loaded_for_its_model() -> None:
    table = json.loads(THRESHOLDS_FILE.read_text())["models"][SSDLITE]
    assert {"command", "date", "data"} <= set(table["provenance"])
    t = default_thresholds(SSDLITE)
    assert THRESHOLDS_FILE.name in t.source and SSDLITE in t.source
    person = table["per_class"]["person"]
    assert t.for_label("person") == (person["state"], person["possible"])
    assert t.count_threshold("person") == max(person["state"], person["count"])
    assert (t.state, t.possible) == (table["default"]["state"], table["default"]["possible"])


def test_unknown_model_and_ground_truth_thresholds(tmp_path: Path) -> None:
    assert default_thresholds("no-such-backend") == Thresholds()
    assert default_thresholds("coco-annotations") is GROUND_TRUTH and not GROUND_TRUTH.merge
    file = tmp_path / "t.json"
    entry = {"default": {"state": 0.7, "possible": 0.4}, "per_class": {"dog": {"state": 0.9, "possible": 0.6}}}
    file.write_text(json.dumps({"models": {"m": entry}}))
    t = default_thresholds("m", file)
    assert t.for_label("dog") == (0.9, 0.6) and t.for_label("cat") == (0.7, 0.4)
    assert t.certainty("dog", 0.8) == "possible" and t.certainty("cat", 0.8) == "stated"


def test_describe_uses_the_table_of_the_model(make: MakeInstances) -> None:
    inst = make(["dog"], [[20, 200, 100, 280]], [0.55])
    t = default_thresholds(SSDLITE)
    expected = t.certainty("dog", 0.55)
    ssd = Instances(inst.image_size, inst.labels, inst.scores, inst.boxes, inst.masks, model=SSDLITE)
    assert describe(ssd).objects[0].certainty == expected
    assert describe(inst).objects[0].certainty == "stated"  # built-in defaults: 0.5


# -- crowd regions ------------------------------------------------------------------------------
def test_crowd_region_is_a_group_never_a_count(make: MakeInstances) -> None:
    boxes = [[0, 100, 640, 400], [20, 200, 100, 400], [540, 200, 620, 400]]
    d = describe(make(["person"] * 3, boxes), crowd=[0])
    assert d.objects[0].crowd and not d.objects[1].crowd
    assert d.alt_text.startswith("A group of people")
    assert "person" not in stated_counts(d.alt_text)  # no number is claimed
    assert d.long_description.startswith("A group of people")
    assert "Among them, two " in d.long_description
    long_ids = {i for m in d.mentions if m.field == "long_description" for i in m.instance_ids}
    assert long_ids == {0, 1, 2}


def test_counts_read_from_text() -> None:
    assert stated_counts("Two or more dogs, a cat and three people.") == {
        "dog": (2, False),
        "cat": (1, True),
        "person": (3, True),
    }
    assert stated_counts("Many books and a group of people.") == {}


# -- command-line tools -------------------------------------------------------------------------
def _subset(tmp_path: Path, ids: tuple[int, ...] = SUBSET_IDS) -> tuple[Path, Path]:
    coco = json.loads((VAL / "instances.json").read_text())
    coco["images"] = [im for im in coco["images"] if im["id"] in ids]
    coco["annotations"] = [a for a in coco["annotations"] if a["image_id"] in ids]
    caps = json.loads((VAL / "captions.json").read_text())
    caps["annotations"] = [c for c in caps["annotations"] if c["image_id"] in ids]
    (tmp_path / "instances.json").write_text(json.dumps(coco))
    (tmp_path / "captions.json").write_text(json.dumps(caps))
    return tmp_path / "instances.json", tmp_path / "captions.json"


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    assert main(argv) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


@needs_val
def test_evaluate_cli_oracle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instances, captions = _subset(tmp_path)
    report = _run(capsys, ["--instances", str(instances), "--captions", str(captions), "--per-image"])
    assert report["mode"] == "oracle" and report["images"] == 3
    assert report["chair_i"] == 0.0 and report["hallucinated_mentions"] == 0  # ground truth cannot hallucinate
    assert report["counts"]["exact"]["accuracy"] == 1.0
    assert 0.0 < report["recall"] <= 1.0 and report["alt_length"]["max"] <= 125
    assert {"alt", "human_anchor"} == set(report["f1"]) == set(report["first_salient"])
    assert [p["image_id"] for p in report["per_image"]] == list(SUBSET_IDS)


@needs_val
def test_evaluate_cli_results_path_matches_describe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The results path (committed SSDLite detections) describes exactly what ``describe`` says for
    the same detections as the backend returns them: boxes only, the SSDLite table, and by default
    the table's calibration floor (the app lowers the segmenter's floor to it too)."""
    instances, captions = _subset(tmp_path)
    results = DATA / "ssdlite_val_subset.json"
    argv = ["--instances", str(instances), "--captions", str(captions), "--results", str(results), "--per-image"]
    report = _run(capsys, argv)
    floor = score_floor(SSDLITE)
    assert floor is not None and floor < 0.25
    assert report["mode"] == "model" and report["model"] == SSDLITE and report["min_score"] == floor
    assert {"chair_i", "chair_i_stated", "recall", "counts"} <= set(report)
    # The reader gets alt + long description: its metrics too, never better recall than it can.
    assert report["description"]["recall"] >= report["recall"]
    assert [row["long_description"] for row in report["per_image"]]
    coco = json.loads(instances.read_text())
    dets = [d for d in json.loads(results.read_text()) if d["score"] >= floor]
    for image, row in zip(coco["images"], report["per_image"], strict=True):
        inst = instances_from_coco(dets, image, coco["categories"], model=SSDLITE)
        assert inst.masks is None  # boxes only, as the backend gives them
        d = describe(inst)
        assert row["alt_text"] == d.alt_text
        # Boxes only: sizes are rough, when the long description names anything (the issue-16 table
        # says nothing of a photo where no class is sure enough).
        assert "Sizes are rough" in d.long_description or not d.mentions
    naive = _run(capsys, [*argv, "--naive", "0.5"])
    assert naive["mode"] == "naive" and naive["naive_threshold"] == 0.5


@needs_val
def test_python_m_captioning_prints_one_line_per_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instances, _ = _subset(tmp_path)
    assert caption_main(["--instances", str(instances)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["image_id"] for line in lines] == list(SUBSET_IDS)
    assert all(set(line) == {"image_id", "alt_text", "long_description"} for line in lines)
    assert all(0 < len(line["alt_text"]) <= 125 for line in lines)


@needs_val
def test_evaluate_function_on_subset(tmp_path: Path) -> None:
    instances, captions = _subset(tmp_path, SUBSET_IDS[:1])
    report = evaluate(instances, captions)
    assert report["images"] == 1 and report["per_image"][0]["alt_text"]


def test_hedges_reach_over_size_words() -> None:
    text = "A large cat in the centre. Possibly a medium-sized TV in the upper right. Possibly two more small dogs."
    assert hedged_objects(text) == [False, True, True]


def test_nothing_found_text_names_no_objects(make: MakeInstances) -> None:
    empty = describe(make([], [], []))
    assert caption_objects(empty.alt_text + " " + empty.long_description) == []


def test_score_floor_of_the_calibrated_table() -> None:
    table = json.loads(THRESHOLDS_FILE.read_text())["models"][SSDLITE]
    floor = score_floor(SSDLITE)
    assert floor == table["provenance"]["floor"]
    assert all(v["possible"] >= floor for v in table["per_class"].values())
    assert score_floor("no-such-backend") is None
