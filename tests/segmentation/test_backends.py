"""The Instances contract for every registered backend, with random-init models (no weights
needed; ``random_init=True`` is explicit). Each model is built once and its runs are cached."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import numpy as np
import pytest
from PIL import Image

from segmentation.coco import COCO_CATEGORIES, NOT_A_CATEGORY
from segmentation.result import Instances
from tests.segmentation.conftest import (
    ALL_BACKENDS,
    BUS_PHOTO,
    ELEPHANT_PHOTO,
    MASK_BACKENDS,
    MASKRCNN_TEST_OVERRIDES,
    RANDOM_MIN_SCORE,
    photo,
    random_segmenter,
)

# A: 640x427 -> Mask R-CNN working size 480x320. B: 470x310 stays as is (no upscaling) and pads
# to the same 480x320 batch as A, so batching changes no computation (see test below).
IMAGE_A_SIZE = (640, 427)
IMAGE_B_SIZE = (470, 310)


@cache
def image_b() -> Image.Image:
    return photo(ELEPHANT_PHOTO).resize(IMAGE_B_SIZE, Image.Resampling.BILINEAR)


@cache
def runs(name: str) -> dict[str, Any]:
    segmenter = random_segmenter(name)
    a, b = photo(BUS_PHOTO), image_b()
    single_a, single_b = segmenter.segment(a), segmenter.segment(b)
    batch = segmenter.segment_batch([a, b])
    return {"segmenter": segmenter, "a": single_a, "b": single_b, "batch": batch, "again_a": segmenter.segment(a)}


def working_hw(name: str, size: tuple[int, int]) -> tuple[int, int]:
    from segmentation.preprocessing import fit_size

    o = MASKRCNN_TEST_OVERRIDES
    w, h = fit_size(size, min_size=o["min_size"], max_size=o["max_size"])
    return h, w


def check_contract(result: Instances, name: str, size: tuple[int, int], min_score: float) -> None:
    n = len(result)
    assert isinstance(result, Instances)
    assert result.model == name
    assert result.image_size == size
    assert isinstance(result.labels, tuple) and all(isinstance(label, str) for label in result.labels)
    assert all(label in COCO_CATEGORIES and label not in NOT_A_CATEGORY for label in result.labels)
    assert result.scores.dtype == np.float32 and result.scores.shape == (n,)
    assert np.all(np.diff(result.scores) <= 0), "sorted by score, best first"
    assert np.all(result.scores >= min_score) and np.all(result.scores <= 1)
    assert result.boxes.dtype == np.float32 and result.boxes.shape == (n, 4)
    width, height = size
    x0, y0, x1, y1 = result.boxes.T
    assert np.all((0 <= x0) & (x0 <= x1) & (x1 <= width)), result.boxes
    assert np.all((0 <= y0) & (y0 <= y1) & (y1 <= height)), result.boxes
    if name in MASK_BACKENDS:
        assert result.masks is not None and result.masks.dtype == bool
        assert result.masks.shape == (n, *working_hw(name, size))
    else:
        assert result.masks is None


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_output_contract(name: str) -> None:
    r = runs(name)
    segmenter = r["segmenter"]
    assert segmenter.name == name and segmenter.has_masks == (name in MASK_BACKENDS)
    assert str(segmenter.device) == "cpu" and not segmenter.model.training
    check_contract(r["a"], name, IMAGE_A_SIZE, RANDOM_MIN_SCORE[name])
    check_contract(r["b"], name, IMAGE_B_SIZE, RANDOM_MIN_SCORE[name])
    assert len(r["a"]) > 0 and len(r["b"]) > 0, "the test needs detections to check anything"
    if name in MASK_BACKENDS:
        assert r["a"].mask_size == (320, 480) != IMAGE_A_SIZE[::-1]  # working, not original
        assert r["a"].masks.any()


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_deterministic(name: str) -> None:
    r = runs(name)
    first, again = r["a"], r["again_a"]
    assert first.labels == again.labels
    assert np.array_equal(first.scores, again.scores) and np.array_equal(first.boxes, again.boxes)
    if first.masks is not None:
        assert np.array_equal(first.masks, again.masks)
    # Building again (same seed) gives the same random model.
    from segmentation.registry import build_segmenter
    from tests.segmentation.conftest import overrides_for

    if name == "ssdlite320_mobilenet_v3_large":
        rebuilt = build_segmenter(name, random_init=True, device="cpu", min_score=0.0, **overrides_for(name))
        assert np.array_equal(rebuilt.segment(photo(BUS_PHOTO)).boxes, first.boxes)


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_batch_matches_one_at_a_time(name: str) -> None:
    r = runs(name)
    for single, batched in zip((r["a"], r["b"]), r["batch"], strict=True):
        assert batched.image_size == single.image_size
        assert batched.labels == single.labels
        np.testing.assert_allclose(batched.scores, single.scores, atol=1e-5)
        np.testing.assert_allclose(batched.boxes, single.boxes, atol=0.05)
        if single.masks is not None:
            assert batched.masks.shape == single.masks.shape
            assert (batched.masks != single.masks).mean() < 1e-3


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_empty_result(name: str) -> None:
    segmenter = random_segmenter(name)
    previous = segmenter.min_score
    try:
        segmenter.min_score = 1.01
        result = segmenter.segment(image_b())
    finally:
        segmenter.min_score = previous
    check_contract(result, name, IMAGE_B_SIZE, 1.01)
    assert len(result) == 0
    assert result.scores.shape == (0,) and result.boxes.shape == (0, 4) and result.labels == ()
    if name in MASK_BACKENDS:
        assert result.masks.shape == (0, *working_hw(name, IMAGE_B_SIZE))
    assert Instances.from_dict(result.to_dict()).image_size == IMAGE_B_SIZE
    assert segmenter.segment_batch([]) == []


def test_min_score_reaches_the_model() -> None:
    mask = random_segmenter("maskrcnn_resnet50_fpn")
    assert mask.model.roi_heads.score_thresh == RANDOM_MIN_SCORE["maskrcnn_resnet50_fpn"]
    ssd = random_segmenter("ssdlite320_mobilenet_v3_large")
    assert ssd.model.score_thresh == 0.0
    with pytest.raises(ValueError):
        ssd.min_score = -1


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_segment_file_and_odd_modes(name: str) -> None:
    segmenter = random_segmenter(name)
    buffer = io.BytesIO()
    image_b().save(buffer, format="PNG")
    from_file = segmenter.segment_file(io.BytesIO(buffer.getvalue()))
    assert from_file.labels == runs(name)["b"].labels
    np.testing.assert_array_equal(from_file.boxes, runs(name)["b"].boxes)
    for result in segmenter.segment_batch([image_b().convert("RGBA"), image_b().convert("L")]):
        check_contract(result, name, IMAGE_B_SIZE, segmenter.min_score)


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_bytes_and_file_objects_give_what_a_path_gives(name: str, tmp_path) -> None:  # noqa: ANN001
    """The worker reads a photo's bytes from object storage (no local file): the bytes, or a file
    object over them, must give exactly the instances the same JPEG's path gives."""
    path = tmp_path / "bus.jpg"
    path.write_bytes(BUS_PHOTO.read_bytes())
    data = path.read_bytes()
    segmenter = random_segmenter(name)
    from_path, from_bytes, from_file = segmenter.infer(segmenter.prepare_many([path, data, io.BytesIO(data)]))
    assert len(from_path) > 0
    for other in (from_bytes, from_file):
        assert other.labels == from_path.labels and other.image_size == from_path.image_size
        np.testing.assert_array_equal(other.boxes, from_path.boxes)
        np.testing.assert_array_equal(other.scores, from_path.scores)
        if name in MASK_BACKENDS:
            np.testing.assert_array_equal(other.masks, from_path.masks)


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_twelve_megapixel_photo(name: str) -> None:
    """A 12 MP photo is shrunk before inference: boxes in original pixels, masks at working size."""
    big_size = (4240, 2830)
    big = photo(BUS_PHOTO).resize(big_size, Image.Resampling.BILINEAR)
    result = random_segmenter(name).segment(big)
    check_contract(result, name, big_size, RANDOM_MIN_SCORE[name])
    assert len(result) > 0
    if name in MASK_BACKENDS:
        assert result.mask_size == working_hw(name, big_size) == (320, 479)
    # Boxes span the original frame, not the working one.
    assert result.boxes[:, 2].max() > 640 or result.boxes[:, 3].max() > 427
