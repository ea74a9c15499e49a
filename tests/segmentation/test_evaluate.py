"""``segmentation.evaluate``: AP with pycocotools, seconds per photo, the results file; and the FAIR
backend's evaluation, which runs through it.

The scoring is checked with segmenters whose answers are known: the annotations themselves (AP
1), the same boxes shifted (AP drops), the same without masks (mask AP ``null``). The command is
run with the real SSDLite weights and a tiny random-init FAIR file on a few real photos.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from captioning.coco import instances_from_coco
from segmentation.evaluate import coco_eval, evaluate, load_ground_truth, main
from segmentation.result import Instances

from .conftest import ANNOTATIONS, PHOTOS, SSDLITE, SSDLITE_WEIGHTS, YOLO, YOLO_ONNX, YOLO_TFLITE

COCO = json.loads(ANNOTATIONS.read_text())
LIMIT = 3
#: Reference figures on ../shared/photos/ (10 photos) of an independent decoder, from
#: ../shared/models/README.md (pycocotools, score floor 0.25, at most 100 detections): (box AP,
#: mask AP); the README gives no box AP for the ONNX file there. On coco-val-calib (79 photos,
#: too slow for a test with the ONNX file) the same check is ``bench/model_zoo.py --check``.
PHOTOS_REFERENCE = {YOLO_TFLITE.name: (0.369, 0.310), YOLO_ONNX.name: (None, 0.164)}


class AnnotationSegmenter:
    """Answers each photo with its own annotations (optionally moved, or without masks)."""

    name = "annotations"

    def __init__(self, *, has_masks: bool = True, shift: float = 0.0) -> None:
        self.has_masks = has_masks
        self.shift = shift
        self.calls = 0
        self._records = {r["file_name"]: r for r in COCO["images"]}

    def segment_file(self, path: Path) -> Instances:
        self.calls += 1
        record = self._records[Path(path).name]
        anns = [a for a in COCO["annotations"] if a["image_id"] == record["id"]]
        inst = instances_from_coco(anns, record, COCO["categories"], model=self.name)
        boxes = inst.boxes.copy()
        boxes[:, [0, 2]] += self.shift * (boxes[:, 2:3] - boxes[:, 0:1])
        return Instances(
            image_size=inst.image_size,
            labels=inst.labels,
            scores=inst.scores,
            boxes=boxes,
            masks=inst.masks if self.has_masks else None,
            model=self.name,
        )


def test_annotations_score_one_and_each_photo_is_timed_once() -> None:
    segmenter = AnnotationSegmenter()
    ev = evaluate(segmenter, PHOTOS, ANNOTATIONS, limit=LIMIT)
    assert ev.report["photos"] == LIMIT and len(ev.seconds) == LIMIT
    assert segmenter.calls == LIMIT + 1  # one untimed warm-up photo
    assert ev.report["box_ap"] == pytest.approx(1.0, abs=1e-3)
    assert ev.report["mask_ap"] == pytest.approx(1.0, abs=1e-3)
    spp = ev.report["seconds_per_photo"]
    assert 0 < spp["p50"] <= spp["p95"] and spp["mean"] > 0
    ids = {r["id"] for r in COCO["images"][:LIMIT]}
    assert {d["image_id"] for d in ev.results} <= ids and all("segmentation" in d for d in ev.results)


def test_moved_boxes_lose_box_ap_not_mask_ap_and_boxes_only_has_no_mask_ap() -> None:
    moved = evaluate(AnnotationSegmenter(shift=0.3), PHOTOS, ANNOTATIONS, limit=LIMIT).report
    assert moved["box_ap"] < 0.5 and moved["mask_ap"] == pytest.approx(1.0, abs=1e-3)
    boxes_only = evaluate(AnnotationSegmenter(has_masks=False), PHOTOS, ANNOTATIONS, limit=LIMIT)
    assert boxes_only.report["mask_ap"] is None and boxes_only.report["mask_ap50"] is None
    assert boxes_only.report["box_ap"] == pytest.approx(1.0, abs=1e-3)
    assert all("segmentation" not in d for d in boxes_only.results)


def test_coco_eval_leaves_the_results_as_they_were() -> None:
    ev = evaluate(AnnotationSegmenter(has_masks=False), PHOTOS, ANNOTATIONS, limit=1)
    before = json.dumps(ev.results)
    gt = load_ground_truth(ANNOTATIONS)
    for iou_type in ("bbox", "segm"):
        coco_eval(gt, ev.results, iou_type, image_ids=[COCO["images"][0]["id"]])
    assert json.dumps(ev.results) == before  # pycocotools' loadRes writes into the dicts it gets
    assert not np.any(coco_eval(gt, [], "bbox", image_ids=[1]))


def test_command_with_real_ssdlite_writes_results_captioning_reads(tmp_path: Path) -> None:
    from captioning.__main__ import main as captioning_main

    out = tmp_path / "results.json"
    argv = ["--backend", SSDLITE, "--weights", str(SSDLITE_WEIGHTS), "--instances", str(ANNOTATIONS)]
    argv += ["--images", str(PHOTOS), "--results", str(out), "--limit", "2", "--threads", "1"]
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(argv) == 0
    report = json.loads(buf.getvalue())  # one JSON object, nothing else on stdout
    assert report["backend"] == SSDLITE and report["photos"] == 2 and report["threads"] == 1
    assert report["mask_ap"] is None and 0.0 < report["box_ap"] <= 1.0
    assert 0 < report["seconds_per_photo"]["p50"] <= report["seconds_per_photo"]["p95"]
    results = json.loads(out.read_text())
    assert len(results) == report["detections"] > 0
    assert min(d["score"] for d in results) >= 0.25  # the app's floor by default

    subset = tmp_path / "instances.json"
    subset.write_text(json.dumps({**COCO, "images": COCO["images"][:2]}))
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert captioning_main(["--instances", str(subset), "--results", str(out)]) == 0
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert [line["image_id"] for line in lines] == [r["id"] for r in COCO["images"][:2]]
    assert all(line["alt_text"] for line in lines)


def test_fair_evaluation_reports_proposals_and_the_common_detection_figures(tmp_path: Path) -> None:
    from segmentation.fair.backend import save_weights
    from segmentation.fair.config import make_config
    from segmentation.fair.evaluate import main as fair_main
    from segmentation.fair.model import FairModel

    model = FairModel(make_config("tiny")).eval()
    weights = tmp_path / "fair.pth"
    save_weights(model, weights, make_config("tiny", stages=("deepmask", "sharpmask", "multipathnet")))
    report_file = tmp_path / "report.json"
    argv = ["--weights", str(weights), "--images", str(PHOTOS), "--instances", str(ANNOTATIONS)]
    argv += ["--limit", "1", "--proposals", "20", "--n-proposals", "10", "--min-score", "0", "--threads", "1"]
    with redirect_stdout(io.StringIO()):
        assert fair_main([*argv, "--json", str(report_file)]) == 0
    report: dict[str, Any] = json.loads(report_file.read_text())
    assert set(report["proposals"]) >= {"segm_AR@10", "bbox_AR@20"}
    detections = report["detections"]
    assert detections["photos"] == 1 and detections["detections"] > 0
    for key in ("box_ap", "mask_ap"):
        assert 0.0 <= detections[key] <= 1.0  # random weights: near 0, but scored as masks
    assert detections["seconds_per_photo"]["p50"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("weights", [YOLO_TFLITE, YOLO_ONNX], ids=lambda p: p.suffix[1:])
def test_yolo_seg_ap_on_the_annotated_photos_matches_the_reference_decoder(weights: Path) -> None:
    from segmentation.registry import build_segmenter

    segmenter = build_segmenter(YOLO, weights_path=weights, device="cpu", min_score=0.25)
    report = evaluate(segmenter, PHOTOS, ANNOTATIONS).report
    box, mask = PHOTOS_REFERENCE[weights.name]
    assert report["photos"] == len(COCO["images"]) == 10
    assert report["mask_ap"] == pytest.approx(mask, abs=0.01)
    if box is not None:
        assert report["box_ap"] == pytest.approx(box, abs=0.01)
