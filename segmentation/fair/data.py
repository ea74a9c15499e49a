"""Training samples from COCO-format data, and a synthetic COCO-format set for tests.

* :class:`CocoSource`: images (``uint8 (3, H, W)``, cached) and valid annotations of a COCO
  instances file; category ids are mapped by name to the classifier's contiguous indices
  (1..80 = :func:`segmentation.coco.category_names` order, 0 = background).
* :func:`sample_deepmask_batch`: DeepMask/SharpMask patches (spec §1.2): positives are a uniform
  random category, then a random annotation of it, centred with its longest side
  ``canonical_size`` px in a ``patch_size`` patch, jittered by +-16 px and +-1/4 octave, randomly
  flipped; the label is the object's mask over the central ``i_sz`` region. Negatives are random
  windows (side ``2^U(5.5, 10.5)`` px) rejected when an object is within 48 patch px of their
  centre at a scale within one octave. Crops use one ``roi_align`` resample per sample; outside
  the image is grey 0.5.
* :func:`sample_mpn_rois`: MultiPathNet RoIs for one image: cached proposals, jittered
  ground-truth boxes and random boxes, 25 % foreground (IoU >= 0.5), background IoU in
  ``[0.1, 0.5)`` (lower when there are too few), labelled per integral-loss threshold.
* :func:`make_synthetic_coco`: coloured ellipses/rectangles on noise, the colour is the class.

All randomness comes from the ``numpy.random.Generator`` passed in, so a seeded run repeats.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw
from torchvision.ops import box_iou, roi_align

from segmentation.coco import category_names
from segmentation.fair.config import FairConfig
from segmentation.preprocessing import fit_size

__all__ = ["CocoSource", "make_synthetic_coco", "sample_deepmask_batch", "sample_mpn_rois"]

_CONTIGUOUS = {name: i + 1 for i, name in enumerate(category_names())}


class CocoSource:
    """A COCO-format set on disk (``images_dir`` + ``instances``).

    Attributes:
        image_ids: ids of the images, in file order.
        anns: per image index, the valid annotations (not crowd, area >= 100, both box sides
            >= 5 px, category known), each ``{"bbox": xywh, "label": 1..80, "ann": raw}``.
        by_label: contiguous label -> list of ``(image index, annotation index)``.
    """

    def __init__(self, images_dir: str | Path, instances: str | Path, cache_images: int = 4096) -> None:
        from pycocotools.coco import COCO

        self.images_dir = Path(images_dir)
        with contextlib.redirect_stdout(io.StringIO()):
            self.coco = COCO(str(instances))
        names = {c["id"]: c["name"] for c in self.coco.loadCats(self.coco.getCatIds())}
        self.records = [self.coco.imgs[i] for i in sorted(self.coco.imgs)]
        self.image_ids = [int(r["id"]) for r in self.records]
        self.anns: list[list[dict[str, Any]]] = []
        self.by_label: dict[int, list[tuple[int, int]]] = {}
        for idx, record in enumerate(self.records):
            valid = []
            for ann in self.coco.imgToAnns.get(record["id"], []):
                x, y, w, h = ann["bbox"]
                label = _CONTIGUOUS.get(names.get(ann["category_id"], ""), 0)
                if ann.get("iscrowd", 0) or ann.get("area", w * h) < 100 or w < 5 or h < 5 or not label:
                    continue
                self.by_label.setdefault(label, []).append((idx, len(valid)))
                valid.append({"bbox": (float(x), float(y), float(w), float(h)), "label": label, "ann": ann})
            self.anns.append(valid)
        self.labels = sorted(self.by_label)
        self._image = lru_cache(maxsize=cache_images)(self._load_image)

    def __len__(self) -> int:
        return len(self.records)

    def _load_image(self, idx: int) -> torch.Tensor:
        with Image.open(self.images_dir / self.records[idx]["file_name"]) as im:
            array = np.array(im.convert("RGB"), dtype=np.uint8)
        return torch.from_numpy(array).permute(2, 0, 1).contiguous()

    def image(self, idx: int) -> torch.Tensor:
        """``uint8 (3, H, W)`` of image ``idx``."""
        return self._image(idx)

    def mask(self, idx: int, ann_index: int) -> torch.Tensor:
        """``float32 (H, W)`` in ``{0, 1}`` of a valid annotation."""
        return torch.from_numpy(self.coco.annToMask(self.anns[idx][ann_index]["ann"]).astype(np.float32))


def _crop(image: torch.Tensor, box: tuple[float, float, float, float], size: int, fill: float) -> torch.Tensor:
    """``roi_align`` crop of ``image (C, H, W)`` float over ``box`` xyxy to ``(C, size, size)``;
    outside the image is ``fill``."""
    rois = torch.tensor([[0.0, *box]], dtype=torch.float32)
    out = roi_align((image - fill)[None], rois, size, spatial_scale=1.0, sampling_ratio=2, aligned=True)
    return out[0] + fill


def _window(cx: float, cy: float, side: float) -> tuple[float, float, float, float]:
    return (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)


def sample_deepmask_batch(
    source: CocoSource,
    config: FairConfig,
    rng: np.random.Generator,
    batch_size: int,
    label_size: int,
    positives_only: bool = False,
) -> dict[str, torch.Tensor]:
    """A batch of patches. Returns ``patches float (B, 3, P, P)`` in ``[0, 1]``
    (``P = patch_size``), ``is_object float (B,)`` (1 positive, 0 negative) and ``masks float
    (B, 1, label_size, label_size)`` in ``{0, 1}`` (zeros for negatives). The first half are
    positives (all of them with ``positives_only``)."""
    p, canonical, i_sz = config.patch_size, config.canonical_size, config.i_sz
    n_pos = batch_size if positives_only else batch_size // 2
    patches, masks, is_object = [], [], []
    for k in range(batch_size):
        if k < n_pos:
            label = source.labels[int(rng.integers(len(source.labels)))]
            idx, ai = source.by_label[label][int(rng.integers(len(source.by_label[label])))]
            x, y, w, h = source.anns[idx][ai]["bbox"]
            side = p * max(w, h) / canonical * 2 ** rng.uniform(-0.25, 0.25)
            cx = x + w / 2 + rng.uniform(-16, 16) * side / p
            cy = y + h / 2 + rng.uniform(-16, 16) * side / p
            image = source.image(idx).float() / 255
            patch = _crop(image, _window(cx, cy, side), p, 0.5)
            mask = _crop(source.mask(idx, ai)[None], _window(cx, cy, side * i_sz / p), label_size, 0.0)
            mask = (mask > 0.5).float()
            is_object.append(1.0)
        else:
            idx = int(rng.integers(len(source)))
            image = source.image(idx).float() / 255
            height, width = image.shape[-2:]
            for _ in range(50):
                side = 2 ** rng.uniform(5.5, 10.5)
                cx, cy = rng.uniform(0, width), rng.uniform(0, height)
                if not _near_object(source, idx, cx, cy, side, p, canonical):
                    break
            patch = _crop(image, _window(cx, cy, side), p, 0.5)
            mask = torch.zeros(1, label_size, label_size)
            is_object.append(0.0)
        if rng.random() < 0.5:
            patch, mask = patch.flip(-1), mask.flip(-1)
        patches.append(patch)
        masks.append(mask)
    return {"patches": torch.stack(patches), "masks": torch.stack(masks), "is_object": torch.tensor(is_object)}


def _near_object(source: CocoSource, idx: int, cx: float, cy: float, side: float, p: int, canonical: int) -> bool:
    for a in source.anns[idx]:
        x, y, w, h = a["bbox"]
        a_side = max(w, h) * p / canonical
        if abs(math.log2(side / a_side)) < 1 and math.hypot(cx - x - w / 2, cy - y - h / 2) * p / side < 48:
            return True
    return False


def working_scale(size: tuple[int, int], config: FairConfig) -> float:
    """Factor from original to working pixels for an image of ``(W, H)``."""
    w, _ = fit_size(size, min_size=config.min_size, max_size=config.max_size)
    return w / size[0]


def sample_mpn_rois(
    gt_boxes: torch.Tensor,
    gt_labels: torch.Tensor,
    proposals: torch.Tensor,
    image_hw: tuple[int, int],
    config: FairConfig,
    rng: np.random.Generator,
    n_rois: int = 64,
    fg_fraction: float = 0.25,
) -> tuple[torch.Tensor, torch.Tensor]:
    """RoIs and per-head labels for one image.

    Args:
        gt_boxes: ``float (G, 4)`` xyxy (working pixels); gt_labels: ``int64 (G,)`` in 1..80.
        proposals: ``float (P, 4)`` xyxy candidate boxes (e.g. cached DeepMask proposals).
        image_hw: ``(h, w)`` working size.

    Returns ``rois float (R, 4)`` and ``labels int64 (T, R)``: for head ``t``, the class of the
    best-overlapping ground truth when IoU >= ``iou_thresholds[t]``, else 0.
    """
    h, w = image_hw
    candidates = [proposals.reshape(-1, 4).float()]
    if len(gt_boxes):
        g = gt_boxes.repeat_interleave(10, dim=0)
        wh = (g[:, 2:] - g[:, :2]).clamp(min=1)
        centre = (g[:, :2] + g[:, 2:]) / 2 + torch.from_numpy(rng.uniform(-0.2, 0.2, (len(g), 2))).float() * wh
        wh = wh * torch.from_numpy(2 ** rng.uniform(-0.4, 0.4, (len(g), 2))).float()
        candidates.append(torch.cat([centre - wh / 2, centre + wh / 2], dim=1))
        candidates.append(gt_boxes.float())
    xy = torch.from_numpy(rng.uniform(0, 1, (48, 2))).float() * torch.tensor([w, h])
    wh = torch.from_numpy(2 ** rng.uniform(3, math.log2(max(h, w)), (48, 2))).float()
    candidates.append(torch.cat([xy - wh / 2, xy + wh / 2], dim=1))
    boxes = torch.cat(candidates)
    boxes = torch.minimum(boxes.clamp(min=0), torch.tensor([w, h, w, h], dtype=torch.float32))
    boxes = boxes[(boxes[:, 2] - boxes[:, 0] >= 2) & (boxes[:, 3] - boxes[:, 1] >= 2)]
    if len(gt_boxes):
        iou = box_iou(boxes, gt_boxes.float())
        best, arg = iou.max(dim=1)
        cls = gt_labels[arg]
    else:
        best = torch.zeros(len(boxes))
        cls = torch.zeros(len(boxes), dtype=torch.int64)
    low = min(config.iou_thresholds)
    fg = np.flatnonzero((best >= low).numpy())
    bg = np.flatnonzero(((best >= 0.1) & (best < low)).numpy())
    n_fg = min(len(fg), int(round(n_rois * fg_fraction)))
    fg = rng.choice(fg, n_fg, replace=False) if n_fg else fg[:0]
    if len(bg) < n_rois - n_fg:
        bg = np.concatenate([bg, np.flatnonzero((best < 0.1).numpy())])
    bg = rng.choice(bg, min(len(bg), n_rois - n_fg), replace=False) if len(bg) else bg
    pick = torch.from_numpy(np.concatenate([fg, bg]).astype(np.int64))
    thresholds = torch.tensor(config.iou_thresholds)[:, None]
    labels = torch.where(best[pick][None] >= thresholds, cls[pick][None], torch.zeros_like(cls[pick])[None])
    return boxes[pick], labels


#: Synthetic classes: colour -> a COCO category (id, name).
SYNTHETIC_CLASSES = (((220, 40, 40), 1, "person"), ((40, 200, 40), 3, "car"), ((40, 60, 220), 18, "dog"))


def make_synthetic_coco(
    out_dir: str | Path, *, n_images: int = 8, size: int = 128, seed: int = 0, min_side: int = 16, max_side: int = 40
) -> Path:
    """Write ``n_images`` PNGs of 1-3 coloured ellipses/rectangles on grey noise and a COCO
    instances file (RLE masks via ``pycocotools``) into ``out_dir``; returns the JSON path.
    Objects do not overlap; their colour is their class (:data:`SYNTHETIC_CLASSES`)."""
    from pycocotools import mask as mask_utils

    out = Path(out_dir)
    (out / "images").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images, annotations = [], []
    for i in range(n_images):
        pixels = rng.normal(128, 20, (size, size, 3)).clip(0, 255).astype(np.uint8)
        canvas = Image.fromarray(pixels)
        taken = np.zeros((size, size), dtype=bool)
        for _ in range(int(rng.integers(1, 4))):
            for _attempt in range(30):
                w, h = (int(v) for v in rng.integers(min_side, max_side + 1, 2))
                x, y = int(rng.integers(0, size - w)), int(rng.integers(0, size - h))
                if not taken[max(0, y - 3) : y + h + 3, max(0, x - 3) : x + w + 3].any():
                    break
            else:
                continue
            colour, cat_id, _ = SYNTHETIC_CLASSES[int(rng.integers(len(SYNTHETIC_CLASSES)))]
            layer = Image.new("L", (size, size), 0)
            draw = ImageDraw.Draw(layer)
            if rng.random() < 0.5:
                draw.ellipse((x, y, x + w - 1, y + h - 1), fill=255)
            else:
                draw.rectangle((x, y, x + w - 1, y + h - 1), fill=255)
            mask = np.array(layer) > 0
            taken |= mask
            canvas.paste(Image.new("RGB", (size, size), colour), mask=layer)
            rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
            bbox = [float(v) for v in mask_utils.toBbox(rle)]
            rle["counts"] = rle["counts"].decode("ascii")
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i + 1,
                    "category_id": cat_id,
                    "segmentation": rle,
                    "area": float(mask.sum()),
                    "bbox": bbox,
                    "iscrowd": 0,
                }
            )
        name = f"{i + 1:06d}.png"
        canvas.save(out / "images" / name)
        images.append({"id": i + 1, "file_name": name, "width": size, "height": size})
    categories = [{"id": cid, "name": name, "supercategory": "synthetic"} for _, cid, name in SYNTHETIC_CLASSES]
    path = out / "instances.json"
    path.write_text(json.dumps({"images": images, "annotations": annotations, "categories": categories}))
    return path
