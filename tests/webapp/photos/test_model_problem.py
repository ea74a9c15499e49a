"""``pipeline.model_problem``: the banner text when the configured backend has no weights."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SSDLITE_WEIGHTS
from webapp.photos import pipeline


@pytest.fixture
def no_weights_anywhere(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:  # noqa: ANN001
    """An empty ``$TORCH_HOME``, no ``SEGMENTER_WEIGHTS`` and no loaded model."""
    home = tmp_path / "torch_home"
    monkeypatch.setenv("TORCH_HOME", str(home))
    monkeypatch.delenv("SEGMENTER_WEIGHTS", raising=False)
    settings.SEGMENTER_WEIGHTS = None
    pipeline.reset_segmenter()
    yield home / "hub" / "checkpoints"
    pipeline.reset_segmenter()


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


def test_no_problem_with_weights(settings) -> None:  # noqa: ANN001
    settings.SEGMENTER = "ssdlite320_mobilenet_v3_large"
    settings.SEGMENTER_WEIGHTS = str(SSDLITE_WEIGHTS)
    pipeline.reset_segmenter()
    assert pipeline.model_problem() is None
