"""``segmentation.predict``: a backend's Instances -> a COCO results file that lines up with the
ground truth's category ids and that ``captioning`` reads back unchanged. Uses a fake segmenter
(no model, no weights): fast."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pycocotools import mask as mask_utils

import segmentation.registry
from captioning.coco import instances_from_coco
from segmentation.predict import instances_to_coco, main, predict
from segmentation.result import Instances

CATEGORIES = [{"id": 1, "name": "person"}, {"id": 18, "name": "dog"}]
IDS = {"person": 1, "dog": 18}


def _instances(masks: bool = True) -> Instances:
    m = np.zeros((3, 30, 40), dtype=bool)  # working resolution 30 x 40 for a 400 x 300 image
    m[0, 5:20, 4:12] = True
    m[1, 10:25, 20:36] = True
    return Instances(
        image_size=(400, 300),
        labels=("person", "dog", "unicorn"),
        scores=np.array([0.9, 0.61234567, 0.5], dtype=np.float32),
        boxes=np.array([[40, 50, 120, 200], [200, 100, 360, 250], [0, 0, 10, 10]], dtype=np.float32),
        masks=m if masks else None,
        model="fake",
    )


def test_instances_to_coco_with_masks() -> None:
    out = instances_to_coco(_instances(), 7, IDS)
    assert len(out) == 2  # the unknown label is skipped
    assert [d["category_id"] for d in out] == [1, 18] and all(d["image_id"] == 7 for d in out)
    assert out[0]["bbox"] == [40.0, 50.0, 80.0, 150.0] and out[1]["score"] == pytest.approx(0.61235)
    with warnings.catch_warnings():  # pycocotools vs numpy 2 copy-keyword noise
        warnings.simplefilter("ignore", DeprecationWarning)
        full = mask_utils.decode({**out[1]["segmentation"], "counts": out[1]["segmentation"]["counts"].encode()})
    assert full.shape == (300, 400)  # scaled to the image's own size
    assert full.sum() == pytest.approx(15 * 16 * 100, rel=0.01)  # 15 x 16 cells of 10 x 10 px
    json.dumps(out)  # plain JSON


def test_boxes_only_round_trip_stays_boxes_only() -> None:
    out = instances_to_coco(_instances(masks=False), 7, IDS)
    assert all("segmentation" not in d for d in out)
    back = instances_from_coco(out, {"id": 7, "width": 400, "height": 300}, CATEGORIES, model="fake")
    assert back.masks is None and back.labels == ("person", "dog")
    assert np.allclose(back.boxes, _instances().boxes[:2])


class FakeSegmenter:
    name = "fake"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def segment_file(self, path: Path) -> Instances:
        self.seen.append(Path(path).name)
        return _instances()


def test_predict_and_main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images = [{"id": 3, "file_name": "a.jpg", "width": 400, "height": 300}, {"id": 5, "file_name": "b.jpg"}]
    fake = FakeSegmenter()
    results = predict(fake, tmp_path, images, IDS)
    assert fake.seen == ["a.jpg", "b.jpg"] and [d["image_id"] for d in results] == [3, 3, 5, 5]

    (tmp_path / "instances.json").write_text(json.dumps({"images": images, "categories": CATEGORIES}))
    calls: dict[str, Any] = {}

    def build(name: str, **kwargs: Any) -> FakeSegmenter:
        calls.update(kwargs, name=name)
        return FakeSegmenter()

    monkeypatch.setattr(segmentation.registry, "build_segmenter", build)
    out = tmp_path / "results.json"
    argv = ["--images", str(tmp_path), "--instances", str(tmp_path / "instances.json"), "--out", str(out)]
    assert main([*argv, "--backend", "fake", "--min-score", "0.1", "--limit", "1"]) == 0
    assert calls == {"name": "fake", "weights_path": None, "device": "cpu", "min_score": 0.1}
    written = json.loads(out.read_text())
    assert [d["image_id"] for d in written] == [3, 3]
