"""Issue 7: the fast path (JPEG draft decode, device-style decode, batching with padding,
channels_last, bf16 autocast of the backbone) against the fp32 reference (full decode, one photo
at a time, contiguous): same labels, box IoU >= 0.95 and mask IoU >= 0.9 for matched instances.

Plain random-init Mask R-CNN is useless for this: all its scores tie near 1/91 and its boxes are
slivers, so any rounding reorders them. The test model is seeded random-init *conditioned* to be
decisive, like a trained one: no box regression (proposals are anchors, detections are
proposals, so a box moves only if a different anchor wins), class logits x3 and mask logits
x50 (so mask pixels are not all coin flips at 0.5). Everything else (backbone, FPN, heads'
features) is random and runs exactly as in production. Speed is measured in ``bench/maskrcnn_fast.py``, not here.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from segmentation.preprocessing import fit_size, load_image, open_working, resize_to_working
from segmentation.result import Instances
from tests.segmentation.conftest import BUS_PHOTO, ELEPHANT_PHOTO

TEST_SIZE = dict(min_size=320, max_size=512, rpn_pre_nms_top_n_test=300, rpn_post_nms_top_n_test=100)
MIN_SCORE = 0.02


@cache
def large_jpeg() -> bytes:
    """A phone-size JPEG (upscaled COCO photo): draft decodes it at 1/4 scale for 512 px."""
    out = io.BytesIO()
    with Image.open(ELEPHANT_PHOTO) as image:
        image.convert("RGB").resize((2560, 1920), Image.Resampling.BICUBIC).save(out, "JPEG", quality=92)
    return out.getvalue()


@cache
def rotated_jpeg() -> bytes:
    """The large JPEG stored sideways with EXIF orientation 6 (display: rotate 90 clockwise)."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(large_jpeg())) as image:
        exif = Image.Exif()
        exif[0x0112] = 6
        image.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


@cache
def conditioned_state() -> dict[str, torch.Tensor]:
    from torchvision.models.detection import maskrcnn_resnet50_fpn

    torch.manual_seed(7)
    state = maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91).state_dict()
    for key in ("rpn.head.bbox_pred", "roi_heads.box_predictor.bbox_pred"):
        state[f"{key}.weight"] = torch.zeros_like(state[f"{key}.weight"])
        state[f"{key}.bias"] = torch.zeros_like(state[f"{key}.bias"])
    state["roi_heads.box_predictor.cls_score.weight"] = state["roi_heads.box_predictor.cls_score.weight"] * 3
    state["roi_heads.mask_predictor.mask_fcn_logits.weight"] = (
        state["roi_heads.mask_predictor.mask_fcn_logits.weight"] * 50
    )
    return state


@cache
def segmenter(**speed: Any) -> Any:
    from segmentation.registry import build_segmenter

    built = build_segmenter(
        "maskrcnn_resnet50_fpn",
        random_init=True,
        device="cpu",
        min_score=MIN_SCORE,
        box_detections_per_img=20,
        **TEST_SIZE,
        **speed,
    )
    built.model.load_state_dict(conditioned_state())
    return built


SOURCES = {"bus": BUS_PHOTO, "elephants": ELEPHANT_PHOTO, "large": "large", "rotated": "rotated"}


def source(name: str) -> Any:
    if name == "large":
        return large_jpeg()
    if name == "rotated":
        return rotated_jpeg()
    return SOURCES[name]


@cache
def reference(name: str) -> Instances:
    """fp32, one photo at a time, decoded in full."""
    ref = segmenter()
    return ref.infer([ref.prepare(source(name), draft=False)])[0]


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def assert_same(ref: Instances, fast: Instances, min_matched: float = 0.6) -> None:
    """The issue's check, both ways. Instances are matched one-to-one (same label, box IoU >= 0.75,
    greedy by score: with no box regression boxes are anchors, so a neighbouring anchor one stride
    away, IoU about 0.7, is another proposal winning a tie, not the same box moved); every
    matched pair must have box IoU >= 0.95 and mask IoU >= 0.9. At least
    ``min_matched`` of the instances scoring >= 2 x the threshold on each side must be matched, so
    the check is never vacuous; the rest may differ because with random weights several proposals
    tie (a trained model's peaks are far apart; ours differ by the third decimal)."""
    assert ref.image_size == fast.image_size and ref.mask_size == fast.mask_size
    strong = 2 * MIN_SCORE
    assert (ref.scores >= strong).sum() >= 1, "the test model should find objects"
    for a, b in ((ref, fast), (fast, ref)):
        free = set(range(len(b)))
        matched = 0
        for i in np.flatnonzero(a.scores >= strong):
            candidates = [j for j in free if b.labels[j] == a.labels[i] and box_iou(a.boxes[i], b.boxes[j]) >= 0.75]
            if not candidates:
                continue
            j = max(candidates, key=lambda j: box_iou(a.boxes[i], b.boxes[j]))
            free.remove(j)
            matched += 1
            assert box_iou(a.boxes[i], b.boxes[j]) >= 0.95, (a.labels[i], a.boxes[i], b.boxes[j])
            union = np.logical_or(a.masks[i], b.masks[j]).sum()
            assert union == 0 or np.logical_and(a.masks[i], b.masks[j]).sum() / union >= 0.9, a.labels[i]
        assert matched >= min_matched * (a.scores >= strong).sum(), (matched, (a.scores >= strong).sum())


# -- decoding ---------------------------------------------------------------------------------------
def test_draft_decode_matches_full_decode_and_keeps_original_size() -> None:
    size = lambda s: fit_size(s, min_size=320, max_size=512)  # noqa: E731
    fast = open_working(large_jpeg(), size)
    full = resize_to_working(load_image(large_jpeg()), min_size=320, max_size=512)
    assert fast.size == full.size == (427, 320)
    assert fast.original_size == full.original_size == (2560, 1920)
    diff = np.abs(np.asarray(fast.image, dtype=float) - np.asarray(full.image, dtype=float))
    assert diff.mean() < 1.5 and np.percentile(diff, 99) < 12


def test_draft_decode_applies_exif_rotation() -> None:
    size = lambda s: fit_size(s, min_size=320, max_size=512)  # noqa: E731
    fast = open_working(rotated_jpeg(), size)
    upright = open_working(large_jpeg(), size)
    assert fast.original_size == (2560, 1920) and fast.size == upright.size
    diff = np.abs(np.asarray(fast.image, dtype=float) - np.asarray(upright.image, dtype=float))
    assert diff.mean() < 2.0


def test_small_and_non_jpeg_photos_decode_exactly_as_before(tmp_path: Path) -> None:
    size = lambda s: fit_size(s, min_size=320, max_size=512)  # noqa: E731
    png = tmp_path / "a.png"
    Image.open(io.BytesIO(large_jpeg())).save(png)
    for src in (png, BUS_PHOTO):
        fast = open_working(src, size)
        full = resize_to_working(load_image(src), min_size=320, max_size=512)
        assert np.array_equal(np.asarray(fast.image), np.asarray(full.image))


def test_torch_decode_path_matches_pillow() -> None:
    """``decode="torch"`` (torchvision decode_jpeg + on-device resize; nvJPEG on CUDA, here the
    CPU decoder) gives the same working image as Pillow, and non-JPEG / rotated / broken sources
    fall back to Pillow or report their own error."""
    seg = segmenter(decode="torch")
    broken = b"\xff\xd8\xff" + b"\x00" * 100
    out = seg.prepare_many([large_jpeg(), rotated_jpeg(), broken, BUS_PHOTO])
    assert isinstance(out[2], Exception)
    ref = segmenter()
    for got, src in zip((out[0], out[1], out[3]), (large_jpeg(), rotated_jpeg(), BUS_PHOTO), strict=True):
        want = ref.prepare(src, draft=False)
        assert got.size == want.size and got.original_size == want.original_size
        a = got.pixels.float() * (255.0 if got.pixels.dtype != torch.uint8 else 1.0)
        assert (a - want.pixels.float()).abs().mean() < 2.0


# -- accuracy of the fast path versus fp32 -------------------------------------------------------------
@pytest.mark.parametrize("name", ["elephants", "large", "rotated"])
def test_draft_decode_keeps_the_results(name: str) -> None:
    seg = segmenter()
    assert_same(reference(name), seg.infer([seg.prepare(source(name))])[0])


def test_batched_and_channels_last_keep_the_results() -> None:
    """One forward pass over photos of different working sizes (padded together) with NHWC
    convolutions, against each photo alone in fp32."""
    names = ["bus", "elephants", "large", "rotated"]
    seg = segmenter(channels_last=True)
    results = seg.segment_files([source(n) for n in names])
    for name, result in zip(names, results, strict=True):
        assert_same(reference(name), result)


def test_bf16_backbone_keeps_matched_instances() -> None:
    """bf16 autocast of backbone + FPN (fp32 heads), run on the CPU: every matched instance keeps
    its label, box IoU >= 0.95 and mask IoU >= 0.9, but on these random weights only 5 of 9 strong
    instances match (fp32 variants: 7 of 9 or better), so the floor here is 0.5. This does not
    validate bf16 for trained weights: SEGMENTER_PRECISION stays fp32 until it is checked on a GPU."""
    seg = segmenter(precision="bf16")
    for name in ("bus", "elephants"):
        assert_same(reference(name), seg.infer([seg.prepare(source(name))])[0], min_matched=0.5)


def test_speed_options_are_checked_and_shown() -> None:
    with pytest.raises(ValueError, match="precision"):
        segmenter(precision="int4")
    with pytest.raises(ValueError, match="decode"):
        segmenter(decode="gpu")
    seg = segmenter(precision="auto")
    assert seg.precision == "fp32"  # auto = bf16 on CUDA only
    assert "precision='fp32'" in repr(seg)
    assert seg.sizes_before_decoding
