"""The one typed result that segmentation backends return and ``captioning`` reads.

Plain numpy, no torch and no Django, so both sides (and the web process) can depend on it.

Coordinates
-----------
* ``image_size`` is ``(width, height)`` of the photo *as the user sees it*, i.e. after EXIF
  rotation, in pixels of the original upload.
* ``boxes`` are ``float32 (N, 4)`` in ``xyxy`` order (x0, y0, x1, y1) in those original pixels;
  x grows to the right, y grows downwards.
* ``masks`` (when the backend makes them) are ``bool (N, h, w)`` covering the *whole photo* at
  the model's working resolution ``(h, w)`` (not pasted at 12 MP). Mask pixel ``(r, c)`` covers
  the original region ``x in [c * W / w, (c + 1) * W / w)``, ``y in [r * H / h, (r + 1) * H / h)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from segmentation.text.result import TextLines


@dataclass(frozen=True, eq=False)
class Instances:
    """Objects found in one photo, sorted by score (highest first).

    Attributes:
        image_size: ``(width, height)`` of the upright photo in pixels.
        labels: ``N`` COCO category names (``"person"``, ``"dog"``, ...), lower case, single spaces.
        scores: ``float32 (N,)`` confidences in ``[0, 1]``.
        boxes: ``float32 (N, 4)`` ``xyxy`` boxes in original-image pixels.
        masks: ``bool (N, h, w)`` whole-photo masks at working resolution, or ``None`` for
            boxes-only backends.
        model: a stable identity of the model that produced the result: the backend's registry
            name, or for backends whose weights file *is* the model ``"<backend>:<file stem>"``
            (``"yolo_seg:yolo11n-seg_int8"``), so results of two exports stay apart (per-model
            caption thresholds are keyed on it).
        text: the lines of text read in the same photo (:mod:`segmentation.text`), same pixels;
            ``None`` when no reader ran (off, unavailable, or an older stored result).
    """

    image_size: tuple[int, int]
    labels: tuple[str, ...]
    scores: np.ndarray
    boxes: np.ndarray
    masks: np.ndarray | None = None
    model: str = ""
    text: TextLines | None = None

    def __post_init__(self) -> None:
        n = len(self.labels)
        scores = np.asarray(self.scores, dtype=np.float32).reshape(n)
        boxes = np.asarray(self.boxes, dtype=np.float32).reshape(n, 4)
        # COCO names are lower case with single spaces: "Person" or "Dining  Table" from a
        # hand-made categories file are those classes, not unknown words.
        object.__setattr__(self, "labels", tuple(" ".join(str(label).lower().split()) for label in self.labels))
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "boxes", boxes)
        width, height = self.image_size
        if width <= 0 or height <= 0:
            raise ValueError(f"image_size must be positive, got {self.image_size}")
        object.__setattr__(self, "image_size", (int(width), int(height)))
        if self.masks is not None:
            masks = np.asarray(self.masks, dtype=bool)
            if masks.ndim != 3 or masks.shape[0] != n:
                raise ValueError(f"masks must be (N={n}, h, w), got {masks.shape}")
            object.__setattr__(self, "masks", masks)

    # -- sizes -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.labels)

    @property
    def has_masks(self) -> bool:
        return self.masks is not None

    @property
    def mask_size(self) -> tuple[int, int] | None:
        """``(h, w)`` of the masks, or ``None`` for boxes-only results."""
        if self.masks is None:
            return None
        return int(self.masks.shape[1]), int(self.masks.shape[2])

    # -- derived geometry --------------------------------------------------------------------
    def area_fractions(self) -> np.ndarray:
        """``float64 (N,)`` share of the frame each object covers: mask area when there are
        masks, otherwise the (clipped) box area."""
        if len(self) == 0:
            return np.zeros(0)
        if self.masks is not None:
            h, w = self.masks.shape[1:]
            return self.masks.reshape(len(self), -1).sum(axis=1) / float(h * w)
        width, height = self.image_size
        b = self.clipped_boxes()
        return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) / float(width * height)

    def clipped_boxes(self) -> np.ndarray:
        """Boxes clipped to the frame, ``float64 (N, 4)`` xyxy pixels."""
        width, height = self.image_size
        b = self.boxes.astype(np.float64).copy()
        b[:, [0, 2]] = b[:, [0, 2]].clip(0, width)
        b[:, [1, 3]] = b[:, [1, 3]].clip(0, height)
        return b

    def centroids(self) -> np.ndarray:
        """``float64 (N, 2)`` centre of each object as ``(x, y)`` fractions of the frame in
        ``[0, 1]``: the mask centroid when there is a non-empty mask, else the box centre."""
        width, height = self.image_size
        b = self.clipped_boxes()
        out = np.stack([(b[:, 0] + b[:, 2]) / 2 / width, (b[:, 1] + b[:, 3]) / 2 / height], axis=1)
        if self.masks is not None and len(self):
            h, w = self.masks.shape[1:]
            for i, mask in enumerate(self.masks):
                rows, cols = np.nonzero(mask)
                if rows.size:
                    out[i] = ((cols.mean() + 0.5) / w, (rows.mean() + 0.5) / h)
        return out

    def select(self, keep: Sequence[int] | np.ndarray) -> Instances:
        """A new result with only the instances at indices (or boolean mask) ``keep``."""
        idx = np.arange(len(self))[np.asarray(keep)] if len(self) else np.zeros(0, dtype=int)
        return Instances(
            image_size=self.image_size,
            labels=tuple(self.labels[i] for i in idx),
            scores=self.scores[idx],
            boxes=self.boxes[idx],
            masks=None if self.masks is None else self.masks[idx],
            model=self.model,
            text=self.text,
        )

    # -- serialisation -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form; masks as COCO run-length encoding (pycocotools), so a stored result
        costs bytes per object rather than a full bitmap."""
        data: dict[str, Any] = {
            "image_size": list(self.image_size),
            "model": self.model,
            "labels": list(self.labels),
            "scores": [round(float(s), 4) for s in self.scores],
            "boxes": [[round(float(v), 1) for v in box] for box in self.boxes],
            "masks": None,
        }
        if self.masks is not None:
            from pycocotools import mask as mask_utils

            data["mask_size"] = list(self.masks.shape[1:])
            rles = mask_utils.encode(np.asfortranarray(self.masks.transpose(1, 2, 0).astype(np.uint8)))
            data["masks"] = [rle["counts"].decode("ascii") for rle in rles]
        if self.text is not None:
            data["text"] = self.text.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instances:
        masks = None
        if data.get("masks") is not None:
            from pycocotools import mask as mask_utils

            h, w = data["mask_size"]
            n = len(data["labels"])
            if n:
                rles = [{"size": [h, w], "counts": c.encode("ascii")} for c in data["masks"]]
                masks = mask_utils.decode(rles).transpose(2, 0, 1).astype(bool)
            else:
                masks = np.zeros((0, h, w), dtype=bool)
        return cls(
            image_size=tuple(data["image_size"]),
            labels=tuple(data["labels"]),
            scores=np.asarray(data["scores"], dtype=np.float32),
            boxes=np.asarray(data["boxes"], dtype=np.float32).reshape(-1, 4),
            masks=masks,
            model=data.get("model", ""),
            text=TextLines.from_dict(data["text"]) if data.get("text") is not None else None,
        )

    @classmethod
    def empty(
        cls, image_size: tuple[int, int], *, model: str = "", mask_size: tuple[int, int] | None = None
    ) -> Instances:
        masks = None if mask_size is None else np.zeros((0, *mask_size), dtype=bool)
        return cls(
            image_size=image_size, labels=(), scores=np.zeros(0), boxes=np.zeros((0, 4)), masks=masks, model=model
        )
