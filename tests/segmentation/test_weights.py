"""Loading weights: files, torchvision's cache, failed downloads, wrong files."""

from __future__ import annotations

import collections
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from segmentation.checkpoints import CheckpointError, load_state_dict_file, read_state_dict_keys
from segmentation.registry import IncompatibleWeights, WeightsUnavailable, build_segmenter, get_backend
from tests.segmentation.conftest import BUS_PHOTO, SSDLITE, SSDLITE_WEIGHTS


@pytest.fixture
def short_socket_timeout() -> Iterator[None]:
    """Offline, a download attempt fails at DNS; this bounds it should a network half-exist."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(10)
    yield
    socket.setdefaulttimeout(previous)


def test_explicit_backend_without_weights_fails_when_download_fails(
    empty_torch_home: Path, short_socket_timeout: None
) -> None:
    # The real path: torchvision's weights API tries the download, which cannot succeed here.
    with pytest.raises(WeightsUnavailable) as info:
        build_segmenter("maskrcnn_resnet50_fpn", device="cpu")
    message = str(info.value)
    assert "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth" in message
    assert str(empty_torch_home / "hub" / "checkpoints") in message
    assert "SEGMENTER_WEIGHTS=" in message
    assert not (empty_torch_home / "hub" / "checkpoints" / "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth").exists()


def test_weights_from_torchvision_cache(empty_torch_home: Path) -> None:
    """A state dict in $TORCH_HOME/hub/checkpoints under the official name is what ``auto`` finds
    and torchvision's weights API loads (no download)."""
    checkpoints = empty_torch_home / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / get_backend(SSDLITE).weights_file).symlink_to(SSDLITE_WEIGHTS)
    segmenter = build_segmenter("auto", device="cpu", min_score=0.4)
    assert segmenter.name == SSDLITE and not segmenter.has_masks
    assert "bus" in segmenter.segment_file(BUS_PHOTO).labels


def test_builder_rejects_wrong_architecture_file() -> None:
    from segmentation.maskrcnn import build_maskrcnn_resnet50_fpn

    with pytest.raises(IncompatibleWeights, match="does not fit 'maskrcnn_resnet50_fpn'.*missing keys"):
        build_maskrcnn_resnet50_fpn(weights_path=SSDLITE_WEIGHTS, device="cpu")


def test_builder_rejects_wrong_class_count(tmp_path: Path) -> None:
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large

    path = tmp_path / "two_classes.pth"
    torch.save(ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=2).state_dict(), path)
    with pytest.raises(IncompatibleWeights, match="size mismatch"):
        build_segmenter(SSDLITE, weights_path=str(path), device="cpu")


def test_builder_missing_file(tmp_path: Path) -> None:
    from segmentation.ssdlite import build_ssdlite320_mobilenet_v3_large

    with pytest.raises(WeightsUnavailable, match="missing.pth does not exist"):
        build_ssdlite320_mobilenet_v3_large(weights_path=tmp_path / "missing.pth", device="cpu")


def test_key_reader_matches_torch_load(tmp_path: Path) -> None:
    keys = read_state_dict_keys(SSDLITE_WEIGHTS)
    assert keys == set(torch.load(SSDLITE_WEIGHTS, map_location="cpu", weights_only=True))

    state = collections.OrderedDict(("module." + k, torch.zeros(1)) for k in ("a.weight", "b.bias"))
    wrapped = tmp_path / "wrapped.pth"
    torch.save({"model": state, "epoch": 3, "optimizer": {"lr": 0.1}}, wrapped)
    assert read_state_dict_keys(wrapped) == {"a.weight", "b.bias"}
    assert set(load_state_dict_file(wrapped)) == {"a.weight", "b.bias"}

    legacy = tmp_path / "legacy.pth"
    torch.save(state, legacy, _use_new_zipfile_serialization=False)
    assert read_state_dict_keys(legacy) == {"a.weight", "b.bias"}

    not_a_dict = tmp_path / "tensor.pth"
    torch.save(torch.zeros(3), not_a_dict)
    with pytest.raises(CheckpointError):
        read_state_dict_keys(not_a_dict)


def test_official_layout_v1_checkpoint_loads(tmp_path: Path) -> None:
    """torchvision's pretrained v1 is built with FrozenBatchNorm2d (no ``num_batches_tracked``)
    and its file uses the pre-0.13 head names; our weights=None build must load it strictly."""
    from torchvision.models.detection import MaskRCNN
    from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
    from torchvision.ops.misc import FrozenBatchNorm2d

    from segmentation.maskrcnn import build_maskrcnn_resnet50_fpn

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        backbone = resnet_fpn_backbone(
            backbone_name="resnet50", weights=None, norm_layer=FrozenBatchNorm2d, trainable_layers=3
        )
        reference = MaskRCNN(backbone, num_classes=91).eval()
    state = reference.state_dict()
    legacy = collections.OrderedDict()
    for key, value in state.items():
        for i in range(4):
            key = key.replace(f"roi_heads.mask_head.{i}.0.", f"roi_heads.mask_head.mask_fcn{i + 1}.")
        legacy[key.replace("rpn.head.conv.0.0.", "rpn.head.conv.")] = value
    legacy._metadata = collections.OrderedDict(  # type: ignore[attr-defined]
        (prefix, {"version": 1})
        for prefix in state._metadata  # type: ignore[attr-defined]
    )
    assert not any("num_batches_tracked" in k for k in legacy)
    path = tmp_path / "maskrcnn_v1_official_layout.pth"
    torch.save(legacy, path)

    segmenter = build_maskrcnn_resnet50_fpn(weights_path=path, device="cpu")
    loaded = segmenter.model.state_dict()
    for key, value in state.items():
        assert torch.equal(loaded[key], value), key


def test_torch_threads_and_device_options() -> None:
    previous = torch.get_num_threads()
    try:
        segmenter = build_segmenter(SSDLITE, weights_path=str(SSDLITE_WEIGHTS), device="auto", torch_threads=1)
        assert torch.get_num_threads() == 1
        assert segmenter.device.type == ("cuda" if torch.cuda.is_available() else "cpu")
    finally:
        torch.set_num_threads(previous)
    with pytest.raises(ValueError, match="torch_threads"):
        build_segmenter(SSDLITE, random_init=True, device="cpu", torch_threads=0)
