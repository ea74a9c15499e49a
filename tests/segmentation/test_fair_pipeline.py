"""The FAIR backend's parts with the tiny config: shapes, full-image/patch equivalence, skip
gathering, pasting geometry, empty results, label mapping, determinism and resume, the weights
file and its registration. Random weights are explicit (``random_init`` / ``FairModel``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from segmentation.coco import COCO_CATEGORIES, category_names
from segmentation.fair.config import FairConfig, make_config
from segmentation.fair.deepmask import DeepMaskHead
from segmentation.fair.model import CONTIGUOUS_TO_COCO, FairModel, cell_windows, mask_boxes, paste_masks
from segmentation.fair.multipathnet import FovealClassifier
from segmentation.registry import IncompatibleWeights, WeightsUnavailable, build_segmenter, resolve_backend
from tests.segmentation.conftest import BUS_PHOTO, FAIR, SSDLITE_WEIGHTS, photo


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Tiny tensors: one thread avoids OpenMP spin-waits on a shared, busy CPU (10x slower there)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def tiny_model(seed: int = 0, **overrides: object) -> FairModel:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return FairModel(make_config("tiny", **overrides)).eval()


def test_config_geometry_and_json() -> None:
    default = make_config()
    assert (default.f_sz, default.patch_size, default.pad, default.canonical_size) == (10, 192, 80, 92)
    tiny = make_config("tiny")
    assert (tiny.f_sz, tiny.patch_size, tiny.pad, tiny.canonical_size) == (2, 64, 16, 19)
    assert FairConfig.from_json(tiny.to_json()) == tiny
    with pytest.raises(TypeError, match="no_such_field"):
        make_config("tiny", no_such_field=1)
    with pytest.raises(ValueError):
        make_config("tiny", i_sz=40)


def test_patch_mode_shapes() -> None:
    model = tiny_model()
    cfg = model.config
    patches = torch.rand(3, 3, cfg.patch_size, cfg.patch_size)
    features = model.trunk(model.normalize(patches))
    assert {k: tuple(v.shape) for k, v in features.items()} == {
        "c1": (3, 8, 32, 32),
        "c2": (3, 16, 16, 16),
        "c3": (3, 32, 8, 8),
        "c4": (3, 64, 4, 4),
    }
    emb = model.deepmask.embed_patches(features["c4"])
    assert emb.shape == (3, cfg.embed_dim)
    assert model.deepmask.mask_logits(emb, cfg.g_sz).shape == (3, 1, cfg.g_sz, cfg.g_sz)
    assert model.deepmask.score_logits(emb).shape == (3,)
    skips = model.sharpmask.patch_skips(model.sharpmask.skip_maps(features))
    assert [tuple(s.shape[-2:]) for s in skips] == [(2, 2), (4, 4), (8, 8), (16, 16)]
    assert model.sharpmask(emb, skips).shape == (3, 1, cfg.i_sz, cfg.i_sz)
    logits = model.multipathnet(features | {}, torch.tensor([[0.0, 0, 20, 20], [5, 5, 60, 40]]), (64, 64))
    assert logits.shape == (len(cfg.iou_thresholds), 2, 81)
    assert torch.allclose(FovealClassifier.probabilities(logits).sum(1), torch.ones(2))


@pytest.mark.parametrize("preset", ["tiny", "mobilenet_v3_large"])
def test_full_image_head_equals_patch_head_at_every_cell(preset: str) -> None:
    cfg = make_config(preset)
    torch.manual_seed(0)
    head = DeepMaskHead(cfg).eval()
    f = cfg.f_sz
    c4 = torch.randn(1, cfg.trunk_channels[3], f + 5, f + 4)
    full = head.embed_full(c4)
    scores = head.score_map(full)
    assert full.shape[-2:] == (6, 5) and scores.shape == (6, 5)
    for i in range(1, full.shape[2] - 1):
        for j in range(1, full.shape[3] - 1):
            patch = c4[..., i - 1 : i + f + 1, j - 1 : j + f + 1]
            emb = head.embed_patches(patch)
            torch.testing.assert_close(emb[0], full[0, :, i, j], atol=1e-5, rtol=1e-5)
            torch.testing.assert_close(head.score_logits(emb)[0], scores[i, j], atol=1e-5, rtol=1e-5)


def test_skip_gather_equals_slices_of_the_skip_maps() -> None:
    model = tiny_model()
    h, w = 5, 7  # c4 cells
    features = {
        f"c{k}": torch.randn(1, c, h * 2 ** (4 - k), w * 2 ** (4 - k))
        for k, c in zip((1, 2, 3, 4), model.config.trunk_channels, strict=True)
    }
    maps = model.sharpmask.skip_maps(features)
    rows, cols = torch.tensor([0, 2, 3]), torch.tensor([4, 1, 5])
    crops = model.sharpmask.window_skips(maps, rows, cols)
    f = model.config.f_sz
    for m, (crop, full) in enumerate(zip(crops, maps, strict=True)):
        k = 1 << m
        for n, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            torch.testing.assert_close(crop[n], full[0, :, i * k : (i + f) * k, j * k : (j + f) * k])
    # A patch's central crop is the same slice: a patch whose map starts one c4 cell earlier.
    patch_maps = [
        mp[..., (2 - 1) * (1 << m) : (2 + f + 1) * (1 << m), (1 - 1) * (1 << m) : (1 + f + 1) * (1 << m)]
        for m, mp in enumerate(maps)
    ]
    patch = model.sharpmask.patch_skips(patch_maps)
    gathered = model.sharpmask.window_skips(maps, torch.tensor([2]), torch.tensor([1]))
    for a, b in zip(patch, gathered, strict=True):
        torch.testing.assert_close(a, b)


def test_cell_windows_and_pasting_geometry() -> None:
    i_sz, pad, s = 32, 16, 0.5
    window = cell_windows(torch.tensor([3]), torch.tensor([4]), (s, s), i_sz, pad)
    torch.testing.assert_close(window, torch.tensor([[96.0, 64.0, 160.0, 128.0]]))  # (16j - pad) / s, side i_sz / s
    probs = torch.zeros(1, i_sz, i_sz)
    probs[0, 8:16, :] = 1.0  # rows 8..15 of the window, every column
    pasted = paste_masks(probs, window, (160, 200), threshold=0.5)
    expected = torch.zeros(1, 160, 200, dtype=torch.bool)
    expected[0, 80:96, 96:160] = True  # y: 64 + 2*8 .. 64 + 2*16, x: the window
    assert torch.equal(pasted, expected)
    torch.testing.assert_close(mask_boxes(probs > 0.5, window, (160, 200)), torch.tensor([[96.0, 80.0, 160.0, 96.0]]))
    # A window hanging over the frame is clipped; an empty mask gives an empty box.
    hanging = torch.tensor([[-32.0, -32.0, 32.0, 32.0], [0.0, 0, 64, 64]])
    full = torch.stack([torch.ones(i_sz, i_sz), torch.zeros(i_sz, i_sz)])
    pasted = paste_masks(full, hanging, (50, 40), threshold=0.5)
    assert pasted[0].nonzero().max(0).values.tolist() == [31, 31] and pasted[0, :32, :32].all()
    assert not pasted[1].any()
    boxes = mask_boxes(full > 0.5, hanging, (50, 40))
    assert boxes.tolist() == [[0.0, 0.0, 32.0, 32.0], [0.0, 0.0, 0.0, 0.0]]


def test_label_mapping_matches_the_maskrcnn_schema() -> None:
    assert len(CONTIGUOUS_TO_COCO) == 81 and CONTIGUOUS_TO_COCO[0] == 0
    assert [COCO_CATEGORIES[i] for i in CONTIGUOUS_TO_COCO[1:]] == list(category_names())
    assert len(set(CONTIGUOUS_TO_COCO)) == 81


def test_empty_results() -> None:
    model = tiny_model(refine=True)
    with torch.no_grad():
        model.sharpmask.final.weight.zero_()
        model.sharpmask.final.bias.fill_(-50.0)  # every SharpMask mask empty -> no proposals
    image = torch.full((3, 96, 80), 0.5)
    props = model.proposals(image)
    assert props.masks.shape == (0, 32, 32) and props.boxes.shape == (0, 4)
    out = model([image])[0]
    assert out["boxes"].shape == (0, 4) and out["labels"].shape == (0,) and out["masks"].shape == (0, 1, 96, 80)
    assert model.multipathnet(props.features, torch.zeros(0, 4), (96, 80), offset=16).shape == (2, 0, 81)
    # An image smaller than one window still works; a threshold above 1 keeps nothing.
    small = tiny_model()
    small.score_thresh = 1.01
    out = small([torch.rand(3, 7, 5)])[0]
    assert out["masks"].shape == (0, 1, 7, 5)


def test_c4_projection_is_fixed_orthonormal_and_keeps_the_top_directions() -> None:
    import json

    from segmentation.fair.train import stage_params

    model = tiny_model(mpn_project=16)
    mpn = model.multipathnet
    assert mpn.project is not None and not mpn.project.weight.requires_grad
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2000, 64, generator=generator) * torch.linspace(3, 0.1, 64)  # decreasing variances
    moment = x.T @ x / len(x)
    mpn.set_projection(moment)
    w = mpn.project.weight[:, :, 0, 0]
    torch.testing.assert_close(w @ w.T, torch.eye(16), atol=1e-5, rtol=0)
    values, vectors = torch.linalg.eigh(moment.double())
    assert abs(float(w[0].double() @ vectors[:, -1])) > 0.999  # first row: the top direction
    kept = float((x @ w.T).pow(2).sum() / x.pow(2).sum())
    assert kept == pytest.approx(float(values[-16:].sum() / values.sum()), rel=1e-4)  # the most energy 16 can keep
    # Never trained by gradient; the classifier works on the projected c4.
    assert all(p is not mpn.project.weight for p in stage_params(model, "multipathnet"))
    features = model.trunk(model.normalize(torch.rand(1, 3, 64, 64)))
    assert mpn(features, torch.tensor([[0.0, 0, 30, 30]]), (64, 64)).shape == (2, 1, 81)
    # Weights files written before the projection existed load without it.
    data = json.loads(model.config.to_json())
    assert FairConfig.from_json(json.dumps(data)).mpn_project == 16
    del data["mpn_project"]
    assert FairConfig.from_json(json.dumps(data)).mpn_project == 0
    assert make_config().mpn_project == 128 and make_config("tiny").mpn_project == 0


def test_feature_cache_holds_trunk_maps_and_proposals_and_is_reused(tmp_path: Path) -> None:
    import dataclasses
    import json

    from segmentation.fair.cache import FeatureCache, c4_moment, flip_boxes
    from segmentation.fair.data import CocoSource, make_synthetic_coco
    from segmentation.fair.train import mpn_cached_loss, working_tensor

    instances = make_synthetic_coco(tmp_path / "data", n_images=3, seed=2)
    source = CocoSource(tmp_path / "data" / "images", instances)
    model = tiny_model(seed=1)
    cpu = torch.device("cpu")

    def build() -> FeatureCache:
        return FeatureCache.build(model, source, tmp_path / "cache", n_proposals=7, scales=(0.5,), device=cpu)

    cache = build()
    image, factor = working_tensor(source, 1, model.config)
    entry = cache.load(1)
    with torch.no_grad():
        features, _ = model.padded_features(model.normalize(image[None]), 1.0)
        mirrored, _ = model.padded_features(model.normalize(image.flip(-1)[None]), 1.0)
        saved = model.config
        model.config = dataclasses.replace(saved, scales=(0.5, 1.0))  # 1.0 is always added
        props = model.proposals(image, n=7, refine=False)
        model.config = saved
    for level in ("c2", "c3", "c4"):
        assert entry[level].dtype == torch.float16 and entry[level].shape[0] == 2
        torch.testing.assert_close(entry[level][0].float(), features[level][0], atol=1e-2, rtol=1e-2)
        torch.testing.assert_close(entry[level][1].float(), mirrored[level][0], atol=1e-2, rtol=1e-2)
    assert entry["hw"].tolist() == list(image.shape[-2:]) and float(entry["factor"]) == pytest.approx(factor)
    torch.testing.assert_close(entry["proposals"], props.boxes)
    assert cache.c4_moment().shape == (64, 64)
    torch.testing.assert_close(c4_moment(model, source, cpu), cache.c4_moment())  # the path without the cache
    assert flip_boxes(torch.tensor([[1.0, 2, 5, 6]]), 10).tolist() == [[5.0, 2.0, 9.0, 6.0]]
    loss = mpn_cached_loss(model, cache, [0, 1], np.random.default_rng(0), cpu, rois_per_image=16)
    assert torch.isfinite(loss) and loss.requires_grad

    # Same weights and data: reused as is. Other DeepMask weights: rebuilt.
    stamp = cache.path(0).stat().st_mtime_ns
    fingerprint = json.loads((tmp_path / "cache" / "manifest.json").read_text())["fingerprint"]
    build()
    assert cache.path(0).stat().st_mtime_ns == stamp
    with torch.no_grad():
        model.deepmask.score[-1].bias.add_(1.0)
    build()
    manifest = json.loads((tmp_path / "cache" / "manifest.json").read_text())
    assert manifest["complete"] and manifest["fingerprint"] != fingerprint


def test_random_init_is_seeded_and_inference_deterministic() -> None:
    a, b = tiny_model(seed=3), tiny_model(seed=3)
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert ka == kb and torch.equal(va, vb)
    image = torch.rand(3, 80, 96, generator=torch.Generator().manual_seed(0))
    first, again = a([image])[0], b([image])[0]
    for key in first:
        assert torch.equal(first[key], again[key]), key


def test_training_is_seeded_and_resume_continues_exactly(tmp_path: Path) -> None:
    from segmentation.fair.data import CocoSource, make_synthetic_coco, sample_deepmask_batch
    from segmentation.fair.train import deepmask_loss, run_stage, stage_params

    instances = make_synthetic_coco(tmp_path / "data", n_images=3, seed=1)
    source = CocoSource(tmp_path / "data" / "images", instances)

    def run(checkpoint: Path | None, resume: bool = False, crash_at: int = -1) -> tuple[list[float], FairModel]:
        model = tiny_model(seed=5)
        torch.manual_seed(7)
        rng = np.random.default_rng(11)
        calls = []

        def loss_fn(r: np.random.Generator) -> torch.Tensor:
            calls.append(1)
            if len(calls) == crash_at:
                raise KeyboardInterrupt("simulated crash")
            return deepmask_loss(model, sample_deepmask_batch(source, model.config, r, 4, model.config.g_sz), 1.0)

        losses = run_stage(
            model,
            stage_params(model, "deepmask"),
            loss_fn,
            steps=6,
            lr=1e-3,
            rng=rng,
            checkpoint=checkpoint,
            checkpoint_every=3,
            resume=resume,
        )
        return losses, model

    full_losses, full = run(None)
    again_losses, _ = run(None)
    assert full_losses == again_losses and len(full_losses) == 6
    ckpt = tmp_path / "stage.ckpt"
    with pytest.raises(KeyboardInterrupt):
        run(ckpt, crash_at=5)  # steps 0..3 ran, the checkpoint holds step 3
    assert ckpt.is_file()
    # A fresh model and RNGs, resumed from the checkpoint: the same last three steps and weights.
    rest, resumed = run(ckpt, resume=True)
    assert rest == full_losses[3:]
    for key, value in full.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key


def test_training_command_runs_every_stage_deterministically(tmp_path: Path) -> None:
    """``python -m segmentation.fair.train --stage all`` (tiny): a usable weights file; the
    classifier stage run again from the same inputs (feature cache reused) gives the same weights."""
    import json

    from segmentation.fair.backend import load_weights
    from segmentation.fair.data import make_synthetic_coco
    from segmentation.fair.train import FINAL_WEIGHTS, main

    instances = make_synthetic_coco(tmp_path / "data", n_images=4, seed=3)
    out = tmp_path / "run"
    args = ["--config", "tiny", "--images", str(tmp_path / "data" / "images"), "--instances", str(instances)]
    args += ["--out", str(out), "--steps", "4", "3", "6", "--batch-size", "4", "--threads", "1", "--no-progress"]
    args += ["--mpn-proposals", "5", "--mpn-rois", "16", "--checkpoint-every", "2"]
    assert main(["--stage", "all", *args]) == 0
    config, first = load_weights(out / FINAL_WEIGHTS)
    assert config.stages == ("deepmask", "sharpmask", "multipathnet")
    manifest = json.loads((out / "mpn_cache" / "manifest.json").read_text())
    assert manifest["complete"] and manifest["images"] == 4
    segmenter = build_segmenter(FAIR, weights_path=out / FINAL_WEIGHTS, device="cpu", min_score=0.0)
    assert segmenter.segment(photo(BUS_PHOTO)).model == FAIR
    stamp = (out / "mpn_cache" / "1.pt").stat().st_mtime_ns
    assert main(["--stage", "multipathnet", *args]) == 0
    assert (out / "mpn_cache" / "1.pt").stat().st_mtime_ns == stamp
    _, again = load_weights(out / FINAL_WEIGHTS)
    for key, value in first.items():
        assert torch.equal(value, again[key]), key
    assert main(["--stage", "multipathnet", *args, "--mpn-cache", "none"]) == 0  # the trunk every step


# -- weights file and registry ---------------------------------------------------------------------
def _weights(tmp_path: Path, stages: tuple[str, ...] = ("deepmask", "sharpmask", "multipathnet")) -> Path:
    from segmentation.fair.backend import save_weights

    model = tiny_model(seed=2)
    path = tmp_path / "fair.pth"
    save_weights(model, path, make_config("tiny", stages=stages))
    return path


def test_weights_file_is_recognised_and_loads(tmp_path: Path, empty_torch_home: Path) -> None:
    path = _weights(tmp_path)
    assert resolve_backend("auto", path).name == FAIR
    assert resolve_backend(FAIR, path).explicit
    segmenter = build_segmenter(FAIR, weights_path=path, device="cpu", min_score=0.0, n_proposals=10)
    assert segmenter.model.config.n_proposals == 10 and segmenter.model.config.trunk == "tiny"
    reference = tiny_model(seed=2)
    for key, value in reference.state_dict().items():
        assert torch.equal(segmenter.model.state_dict()[key], value), key
    result = segmenter.segment(photo(BUS_PHOTO))
    assert result.model == FAIR and result.masks is not None and result.mask_size == (85, 128)
    with pytest.raises(IncompatibleWeights, match="holds 'sharpmask_multipathnet' weights"):
        resolve_backend("ssdlite320_mobilenet_v3_large", path)
    with pytest.raises(IncompatibleWeights):
        resolve_backend(FAIR, SSDLITE_WEIGHTS)


def test_no_weights_says_how_to_train(empty_torch_home: Path) -> None:
    with pytest.raises(WeightsUnavailable) as info:
        build_segmenter(FAIR, device="cpu")
    message = str(info.value)
    assert "python -m segmentation.fair.train" in message and "SEGMENTER_WEIGHTS" in message
    assert str(empty_torch_home / "hub" / "checkpoints" / "sharpmask_multipathnet_coco.pth") in message


def test_unfinished_weights_are_refused(tmp_path: Path) -> None:
    path = _weights(tmp_path, stages=("deepmask",))
    with pytest.raises(IncompatibleWeights, match="missing: sharpmask, multipathnet"):
        build_segmenter(FAIR, weights_path=path, device="cpu")
    with pytest.raises(IncompatibleWeights, match="does not fit"):
        build_segmenter(FAIR, weights_path=_weights(tmp_path), device="cpu", embed_dim=32)
