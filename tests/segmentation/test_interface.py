"""The one segmenter interface: every registered backend implements the protocol, declares typed
options that are its builder's keywords, and answers "what is wrong" without loading a model."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys

import numpy as np
import pytest

from segmentation.interface import BackendOptions, RunOptions, Segmenter, SegmenterConfig
from segmentation.registry import backend_names, build, get_backend, load_object, options_for, problem
from tests.segmentation.conftest import ALL_BACKENDS, REGISTERED_BACKENDS, ROOT, YOLO, YOLO_TFLITE, random_segmenter


@pytest.mark.parametrize("name", REGISTERED_BACKENDS)
def test_options_are_typed_builder_keywords(name: str) -> None:
    assert name in backend_names()
    spec = get_backend(name)
    cls = load_object(spec.options)
    assert issubclass(cls, BackendOptions) and dataclasses.is_dataclass(cls)
    parameters = inspect.signature(load_object(spec.builder)).parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values() if p.kind is not p.VAR_KEYWORD)
    for keyword in ("weights_path", "random_init", "device", "torch_threads", *cls().builder_kwargs()):
        assert keyword in parameters, f"{name}'s builder has no {keyword!r}"
    options, unused = cls.from_values({"min_score": "0.4", "not_an_option": "1"})
    assert options.min_score == pytest.approx(0.4) and unused == ("not_an_option",)
    with pytest.raises(ValueError, match="SEGMENTER_MIN_SCORE must be a number"):
        cls.from_values({"min_score": "high"})


@pytest.mark.parametrize("name", ALL_BACKENDS)
def test_torch_backends_implement_the_protocol(name: str) -> None:
    segmenter = random_segmenter(name)
    assert isinstance(segmenter, Segmenter)
    assert segmenter.device_type == "cpu"


def test_settings_values_reach_a_backend_through_one_config() -> None:
    config = SegmenterConfig(
        backend="auto",
        weights=str(YOLO_TFLITE),
        run=RunOptions(device="cpu", threads=1),
        options={"min_score": "0.3", "max_detections": "5", "min_size": "640"},  # min_size: Mask R-CNN's
    )
    segmenter = build(config)
    assert isinstance(segmenter, Segmenter)
    assert segmenter.name == f"{YOLO}:yolo11n-seg_int8" and segmenter.device_type == "cpu"
    assert segmenter.min_score == pytest.approx(0.3) and segmenter.max_detections == 5
    options, unused = options_for(YOLO, config.options)
    assert unused == ("min_size",)
    opts, _ = options_for("maskrcnn_resnet50_fpn", {"min_size": "640", "channels_last": "auto", "compile": "1"})
    assert (opts.min_size, opts.channels_last, opts.compile_backbone) == (640, None, True)
    with pytest.raises(ValueError, match="SEGMENTER_CHANNELS_LAST"):
        options_for("maskrcnn_resnet50_fpn", {"channels_last": "sometimes"})
    assert RunOptions().batch_for("cuda") == 8 and RunOptions().batch_for("cpu") == 1
    assert RunOptions(batch_size=3).batch_for("cpu") == 3
    assert config.with_model("ssdlite320_mobilenet_v3_large").weights == YOLO_TFLITE


def test_problems_are_answered_without_torch() -> None:
    code = (
        "import sys; from segmentation.interface import SegmenterConfig; from segmentation.registry import problem;"
        f"print(problem(SegmenterConfig(weights={str(YOLO_TFLITE)!r})));"
        "print(problem(SegmenterConfig(backend='maskrcnn_resnet50_fpn')) is not None);"
        "print('torch' in sys.modules, 'onnxruntime' in sys.modules, 'ai_edge_litert' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["None", "True", "False False False"], out.stderr
    assert problem(SegmenterConfig(backend="nope")).startswith("unknown segmentation backend 'nope'")


@pytest.mark.parametrize("name", REGISTERED_BACKENDS)
def test_infer_is_decode_of_forward(name: str) -> None:
    """Every backend's forward pass and output decoding are public halves of ``infer``."""
    from tests.segmentation.conftest import BUS_PHOTO, ELEPHANT_PHOTO

    if name == YOLO:
        segmenter = build(SegmenterConfig(weights=YOLO_TFLITE, run=RunOptions(device="cpu", threads=1)))
    else:
        segmenter = random_segmenter(name)
    prepared = segmenter.prepare_many([BUS_PHOTO, ELEPHANT_PHOTO])
    raw = segmenter.forward(prepared)
    assert len(raw) == 2
    split = segmenter.decode_outputs(raw, prepared)
    whole = segmenter.infer(prepared)
    assert [r.labels for r in split] == [r.labels for r in whole]
    for a, b in zip(split, whole, strict=True):
        assert a.image_size == b.image_size and a.model == b.model
        np.testing.assert_allclose(a.boxes, b.boxes, atol=1e-4)
        if b.masks is not None:
            assert np.array_equal(a.masks, b.masks)
    assert segmenter.forward([]) == [] and segmenter.decode_outputs([], []) == [] and segmenter.infer([]) == []
    if name == YOLO:
        assert sum(len(r) for r in whole) > 5  # real weights: real detections, not an empty pass


def test_auto_ranks_backends_by_their_published_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """One home for the published COCO figures: the spec; ``auto``'s order is read from them."""
    import dataclasses as dc

    from segmentation import registry

    specs = [get_backend(n) for n in backend_names()]
    assert [s.rank for s in specs] == sorted((s.rank for s in specs), reverse=True)
    for spec in specs:
        assert (spec.published_box_ap is None) == (not spec.published_source)
        assert spec.published_mask_ap is None or spec.has_masks
    assert get_backend("maskrcnn_resnet50_fpn_v2").published_mask_ap == pytest.approx(0.418)
    # A mask backend with better published masks goes first; a boxes-only one never beats masks.
    better = dc.replace(get_backend(YOLO), name="better_yolo", published_box_ap=0.5, published_mask_ap=0.45)
    boxes = dc.replace(get_backend("ssdlite320_mobilenet_v3_large"), name="big_boxes", published_box_ap=0.6)
    monkeypatch.setattr(registry, "_REGISTRY", {**registry._REGISTRY, better.name: better, boxes.name: boxes})
    names = backend_names()
    assert names[0] == "better_yolo" and names.index("big_boxes") > names.index(YOLO)
    assert names[-1] == "sharpmask_multipathnet"  # no published figures: last
