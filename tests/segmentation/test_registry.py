"""Registry, label map and weight resolution (mostly torch-free)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from segmentation import registry
from segmentation.coco import COCO_CATEGORIES, category_names
from segmentation.registry import (
    IncompatibleWeights,
    WeightsUnavailable,
    backend_names,
    get_backend,
    resolve_backend,
    torch_hub_checkpoints_dir,
)
from tests.segmentation.conftest import (
    ALL_BACKENDS,
    REGISTERED_BACKENDS,
    ROOT,
    SSDLITE,
    SSDLITE_WEIGHTS,
    TORCHVISION_BACKENDS,
)


def test_registered_backends_best_first() -> None:
    assert backend_names() == REGISTERED_BACKENDS
    assert [get_backend(n).has_masks for n in backend_names()] == [True, True, True, False, True]
    with pytest.raises(ValueError, match="maskrcnn_resnet50_fpn_v2, maskrcnn_resnet50_fpn, yolo_seg, ssdlite"):
        get_backend("yolo")
    with pytest.raises(ValueError, match="already registered"):
        registry.register_backend(get_backend(SSDLITE))


@pytest.mark.parametrize("name", TORCHVISION_BACKENDS)
def test_spec_matches_torchvision_weights(name: str) -> None:
    from torchvision.models import get_weight

    spec = get_backend(name)
    weights = get_weight(spec.weights_enum)
    assert spec.weights_url == weights.url
    assert spec.weights_file == os.path.basename(weights.url)
    assert tuple(weights.meta["categories"]) == COCO_CATEGORIES


def test_coco_categories() -> None:
    assert len(COCO_CATEGORIES) == 91 and COCO_CATEGORIES[0] == "__background__"
    assert COCO_CATEGORIES.count("N/A") == 10
    assert len(category_names()) == 80 and "N/A" not in category_names()


def test_signature_keys_tell_architectures_apart() -> None:
    from torchvision.models.detection import (
        maskrcnn_resnet50_fpn,
        maskrcnn_resnet50_fpn_v2,
        ssdlite320_mobilenet_v3_large,
    )

    builders = {
        "maskrcnn_resnet50_fpn_v2": maskrcnn_resnet50_fpn_v2,
        "maskrcnn_resnet50_fpn": maskrcnn_resnet50_fpn,
        SSDLITE: ssdlite320_mobilenet_v3_large,
    }
    for name, build in builders.items():
        keys = set(build(weights=None, weights_backbone=None, num_classes=91).state_dict())
        assert [n for n in backend_names() if get_backend(n).fits(keys)] == [name]


def test_hub_dir_matches_torch_without_importing_it(tmp_path: Path) -> None:
    """The torch-free computation agrees with torch.hub.get_dir() for each way of configuring it."""
    configs = [{}, {"XDG_CACHE_HOME": str(tmp_path / "xdg")}, {"TORCH_HOME": str(tmp_path / "th")}]
    script = textwrap.dedent(
        f"""
        import os, pathlib, sys
        from segmentation.registry import torch_hub_checkpoints_dir
        configs = {configs!r}
        def apply(config):
            for key in ("TORCH_HOME", "XDG_CACHE_HOME"):
                os.environ.pop(key, None)
            os.environ.update(config)
        mine = []
        for config in configs:
            apply(config)
            mine.append(torch_hub_checkpoints_dir())
        assert "torch" not in sys.modules
        import torch
        for config, path in zip(configs, mine):
            apply(config)
            assert path == pathlib.Path(torch.hub.get_dir()) / "checkpoints", (config, path)
        print("ok")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_importing_segmentation_does_not_import_torch() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        import segmentation, segmentation.registry, segmentation.coco, segmentation.preprocessing
        from segmentation.registry import resolve_backend
        resolved = resolve_backend("auto", {str(SSDLITE_WEIGHTS)!r})
        assert resolved.name == {SSDLITE!r}, resolved
        mods = [m for m in ("torch", "torchvision") if m in sys.modules]
        assert not mods, mods
        print("ok")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


# -- resolution ------------------------------------------------------------------------------------
def test_auto_with_ssdlite_file_resolves_to_ssdlite(empty_torch_home: Path) -> None:
    resolved = resolve_backend("auto", str(SSDLITE_WEIGHTS))
    assert resolved.name == SSDLITE
    assert resolved.explicit and resolved.available
    assert resolved.weights_file == SSDLITE_WEIGHTS


def test_auto_reads_segmenter_weights_env(empty_torch_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENTER_WEIGHTS", str(SSDLITE_WEIGHTS))
    resolved = resolve_backend()
    assert resolved.name == SSDLITE and resolved.weights_file == SSDLITE_WEIGHTS


def test_auto_without_weights_explains_how_to_install(empty_torch_home: Path) -> None:
    with pytest.raises(WeightsUnavailable) as info:
        resolve_backend("auto")
    message = str(info.value)
    checkpoints = empty_torch_home / "hub" / "checkpoints"
    assert str(checkpoints) in message
    for name in ALL_BACKENDS:
        assert get_backend(name).weights_file in message
    assert "SEGMENTER_WEIGHTS=" in message and "internet" in message
    assert not isinstance(info.value, IncompatibleWeights)


def test_auto_prefers_best_cached_backend(empty_torch_home: Path) -> None:
    checkpoints = empty_torch_home / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / get_backend(SSDLITE).weights_file).symlink_to(SSDLITE_WEIGHTS)
    assert resolve_backend().name == SSDLITE
    assert registry.available_backends() == (SSDLITE,)
    (checkpoints / get_backend("maskrcnn_resnet50_fpn").weights_file).write_bytes(b"placeholder")
    resolved = resolve_backend()
    assert resolved.name == "maskrcnn_resnet50_fpn" and not resolved.explicit
    assert resolved.weights_file == torch_hub_checkpoints_dir() / "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"


def test_explicit_name_without_weights_resolves_to_cache_file(empty_torch_home: Path) -> None:
    resolved = resolve_backend("maskrcnn_resnet50_fpn")
    assert resolved.name == "maskrcnn_resnet50_fpn"
    assert not resolved.explicit and not resolved.available
    assert resolved.weights_file == empty_torch_home / "hub" / "checkpoints" / "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"


def test_unknown_name() -> None:
    with pytest.raises(ValueError, match="unknown segmentation backend 'detr'"):
        resolve_backend("detr")


def test_missing_weights_file_is_named(empty_torch_home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pth"
    for name in ("auto", SSDLITE):
        with pytest.raises(WeightsUnavailable, match="nope.pth does not exist"):
            resolve_backend(name, str(missing))


def test_wrong_architecture_file(empty_torch_home: Path) -> None:
    with pytest.raises(IncompatibleWeights) as info:
        resolve_backend("maskrcnn_resnet50_fpn", str(SSDLITE_WEIGHTS))
    message = str(info.value)
    assert f"holds '{SSDLITE}' weights, not 'maskrcnn_resnet50_fpn'" in message
    assert isinstance(info.value, WeightsUnavailable)


def test_file_that_is_not_a_state_dict(empty_torch_home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a checkpoint at all")
    with pytest.raises(IncompatibleWeights, match="not a readable PyTorch state dict"):
        resolve_backend("auto", str(junk))


def test_random_init_must_be_explicit() -> None:
    with pytest.raises(ValueError, match="explicit backend name"):
        registry.build_segmenter("auto", random_init=True)
    with pytest.raises(ValueError, match="weights_path"):
        registry.build_segmenter(SSDLITE, random_init=True, weights_path=str(SSDLITE_WEIGHTS))
