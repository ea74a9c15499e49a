"""``pipeline.model_problem``: the banner text when the configured backend has no weights."""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from tests.conftest import SSDLITE_WEIGHTS, YOLO_TFLITE
from webapp.photos import pipeline


@pytest.fixture
def no_weights_anywhere(
    settings,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    segmenter_restored: None,
) -> Iterator[Path]:
    """An empty ``$TORCH_HOME``, no ``SEGMENTER_WEIGHTS`` and no loaded model (the process's is put
    back after the test)."""
    home = tmp_path / "torch_home"
    monkeypatch.setenv("TORCH_HOME", str(home))
    monkeypatch.delenv("SEGMENTER_WEIGHTS", raising=False)
    settings.SEGMENTER_WEIGHTS = None
    pipeline.reset_segmenter()
    yield home / "hub" / "checkpoints"


def test_fair_backend_without_weights_says_how_to_train(settings, no_weights_anywhere: Path) -> None:  # noqa: ANN001
    settings.SEGMENTER = "sharpmask_multipathnet"
    problem = pipeline.model_problem()
    assert problem is not None
    assert "download" not in problem
    assert "python -m segmentation.fair.train" in problem and "SEGMENTER_WEIGHTS" in problem
    assert str(no_weights_anywhere / "sharpmask_multipathnet_coco.pth") in problem
    # The same text as the backend's own WeightsUnavailable.
    from segmentation.registry import WeightsUnavailable, build_segmenter

    with pytest.raises(WeightsUnavailable) as info:
        build_segmenter("sharpmask_multipathnet", device="cpu")
    assert str(info.value) == problem


def test_torchvision_backend_without_weights_will_be_downloaded(settings, no_weights_anywhere: Path) -> None:  # noqa: ANN001
    settings.SEGMENTER = "ssdlite320_mobilenet_v3_large"
    problem = pipeline.model_problem()
    assert problem is not None and "will try to download" in problem


def test_no_problem_with_weights(settings, segmenter_restored) -> None:  # noqa: ANN001
    settings.SEGMENTER = "ssdlite320_mobilenet_v3_large"
    settings.SEGMENTER_WEIGHTS = str(SSDLITE_WEIGHTS)
    pipeline.reset_segmenter()
    assert pipeline.model_problem() is None


def test_yolo_file_is_used_without_problem(settings, segmenter_restored) -> None:  # noqa: ANN001
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "auto", str(YOLO_TFLITE)
    pipeline.reset_segmenter()
    assert pipeline.model_problem() is None


def test_yolo_backend_answers_what_is_wrong(settings, no_weights_anywhere: Path, tmp_path: Path) -> None:  # noqa: ANN001
    settings.SEGMENTER = "yolo_seg"
    problem = pipeline.model_problem()
    assert problem is not None and "yolo export model=yolo11n-seg.pt" in problem and "AGPL-3.0" in problem
    # A file with classes the captioner cannot name: the banner names them (read from the
    # file's metadata, no model loaded).
    odd = tmp_path / "odd.tflite"
    shutil.copyfile(YOLO_TFLITE, odd)
    with zipfile.ZipFile(YOLO_TFLITE) as archive:
        meta = json.loads(archive.read("metadata.json"))
    meta["names"] = {"0": "person", "1": "griffin"}
    with warnings.catch_warnings(), zipfile.ZipFile(odd, "a") as archive:
        warnings.simplefilter("ignore", UserWarning)  # a second metadata.json: the last one counts
        archive.writestr("metadata.json", json.dumps(meta))
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "auto", str(odd)
    problem = pipeline.model_problem()
    assert problem is not None and "'griffin'" in problem and "'person'" not in problem
    # The runtime missing: the backend says which package to install.
    settings.SEGMENTER_WEIGHTS = str(YOLO_TFLITE)
    import importlib.util

    real = importlib.util.find_spec
    missing = lambda name, *a: None if name == "ai_edge_litert" else real(name, *a)  # noqa: E731
    with mock.patch.object(importlib.util, "find_spec", missing):
        problem = pipeline.model_problem()
    assert problem is not None and "ai-edge-litert" in problem and "pip install" in problem
