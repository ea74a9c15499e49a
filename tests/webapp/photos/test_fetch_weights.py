"""``manage.py fetch_weights``: torchvision's weights through its own API, a clear answer offline
(this machine has no internet access), and a list of what is on hand."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SSDLITE_WEIGHTS, YOLO_TFLITE


@pytest.fixture
def empty_torch_home(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: ANN001
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("SEGMENTER_WEIGHTS", raising=False)
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "auto", None
    return tmp_path / "torch" / "hub" / "checkpoints"


def test_offline_download_says_it_cannot_and_what_to_do(empty_torch_home: Path) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("fetch_weights", "ssdlite320_mobilenet_v3_large", stdout=out)
    message = str(info.value)
    assert "no internet access" in message
    assert "ssdlite320_mobilenet_v3_large_coco-a79551df.pth" in message and str(empty_torch_home) in message
    assert "On a machine with internet access run `python manage.py fetch_weights" in message
    listing = out.getvalue()
    assert "ssdlite320_mobilenet_v3_large" in listing and "missing" in listing
    assert not (empty_torch_home / "ssdlite320_mobilenet_v3_large_coco-a79551df.pth").exists()


def test_lists_what_is_on_hand(empty_torch_home: Path, settings) -> None:  # noqa: ANN001
    empty_torch_home.mkdir(parents=True)
    (empty_torch_home / "ssdlite320_mobilenet_v3_large_coco-a79551df.pth").symlink_to(SSDLITE_WEIGHTS)
    settings.SEGMENTER_WEIGHTS = str(YOLO_TFLITE)
    out = io.StringIO()
    call_command("fetch_weights", "ssdlite320_mobilenet_v3_large", stdout=out)  # already there: no download
    text = out.getvalue()
    assert "already on this machine" in text
    assert "ssdlite320_mobilenet_v3_large    on hand" in text and "maskrcnn_resnet50_fpn_v2         missing" in text
    assert f"SEGMENTER_WEIGHTS={YOLO_TFLITE} -> yolo_seg" in text
    assert f"SEGMENTER=auto runs yolo_seg ({YOLO_TFLITE})" in text


def test_backends_without_torchvision_weights_say_how_to_get_theirs(empty_torch_home: Path) -> None:
    with pytest.raises(CommandError, match="yolo export model=yolo11n-seg.pt"):
        call_command("fetch_weights", "yolo_seg", stdout=io.StringIO())
    with pytest.raises(CommandError, match="python -m segmentation.fair.train"):
        call_command("fetch_weights", "sharpmask_multipathnet", stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown segmentation backend 'nope'"):
        call_command("fetch_weights", "nope", stdout=io.StringIO())
