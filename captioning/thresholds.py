"""Score thresholds that decide how sure the text sounds about each object.

Scores mean different things for different models, so thresholds are per backend. Calibrated
tables live in ``captioning/data/thresholds.json`` (written by ``bench/caption_calibrate.py`` from
detections on COCO val2017 photos the models never saw, with the command, date and data recorded
in the file); :func:`default_thresholds` picks the table for ``Instances.model``. A backend with no
table gets the built-in round numbers (state at >= 0.5, "possibly" at >= 0.3), which are not
calibrated; ground truth (score 1.0) is stated whatever the table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

Certainty = Literal["stated", "possible", "dropped"]

DEFAULT_STATE = 0.5
DEFAULT_POSSIBLE = 0.3
DEFAULT_MERGE_IOU = 0.7


@dataclass(frozen=True)
class Thresholds:
    """When an object is stated plainly, hedged with "possibly", or left out.

    Attributes:
        state: default minimum score to state an object plainly.
        possible: default minimum score to mention it as "possibly ..."; below, it is dropped.
        per_class: COCO label -> ``(state, possible)`` overriding the defaults for that class.
        merge_iou: same-label detections overlapping more than this are one object.
        merge: merge duplicates and back off between siblings at all. Off for ground truth
            (:data:`GROUND_TRUTH`): annotations are objects as the annotators drew them, so the
            oracle counts exactly what is annotated.
        source: where the numbers come from (file and model, or "built-in defaults").
    """

    state: float = DEFAULT_STATE
    possible: float = DEFAULT_POSSIBLE
    per_class: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    merge_iou: float = DEFAULT_MERGE_IOU
    source: str = "built-in defaults (not calibrated)"
    merge: bool = True

    def __post_init__(self) -> None:
        table = {str(k): (float(v[0]), float(v[1])) for k, v in dict(self.per_class).items()}
        for label, (state, possible) in [("default", (self.state, self.possible)), *table.items()]:
            if not 0.0 <= possible <= state <= 1.0:
                raise ValueError(f"{label}: need 0 <= possible <= state <= 1, got {state=}, {possible=}")
        # Read-only, so a shared Thresholds cannot be changed under another request.
        object.__setattr__(self, "per_class", MappingProxyType(table))

    def for_label(self, label: str) -> tuple[float, float]:
        """``(state, possible)`` for one class."""
        return self.per_class.get(label, (self.state, self.possible))

    def certainty(self, label: str, score: float) -> Certainty:
        state, possible = self.for_label(label)
        if score >= state:
            return "stated"
        if score >= possible:
            return "possible"
        return "dropped"


# ``Instances.model`` of ground truth read by :func:`captioning.coco.instances_from_coco`.
GROUND_TRUTH_MODEL = "coco-annotations"
GROUND_TRUTH = Thresholds(merge=False, source="ground truth: every annotation stated, none merged")

THRESHOLDS_FILE = Path(__file__).with_name("data") / "thresholds.json"


@lru_cache(maxsize=4)
def _table(path: str) -> dict[str, Any]:
    file = Path(path)
    if not file.exists():
        return {}
    data: dict[str, Any] = json.loads(file.read_text())
    return data


def thresholds_from_table(entry: Mapping[str, Any], *, source: str = "") -> Thresholds:
    """A :class:`Thresholds` from one model's entry of the thresholds file:
    ``{"default": {"state": s, "possible": p}, "per_class": {label: {"state": s, "possible": p}}}``."""
    default = entry["default"]
    per_class = {label: (float(v["state"]), float(v["possible"])) for label, v in entry.get("per_class", {}).items()}
    return Thresholds(
        state=float(default["state"]),
        possible=float(default["possible"]),
        per_class=per_class,
        merge_iou=float(entry.get("merge_iou", DEFAULT_MERGE_IOU)),
        source=source,
    )


def default_thresholds(model: str, path: Path | str = THRESHOLDS_FILE) -> Thresholds:
    """The calibrated thresholds for backend ``model``, :data:`GROUND_TRUTH` for COCO annotations,
    or the built-in defaults when the file has none for it."""
    if model == GROUND_TRUTH_MODEL:
        return GROUND_TRUTH
    return _cached_thresholds(model, str(path))


@lru_cache(maxsize=16)
def _cached_thresholds(model: str, path: str) -> Thresholds:
    entry = _table(path).get("models", {}).get(model)
    if not entry:
        return Thresholds()
    return thresholds_from_table(entry, source=f"{Path(path).name}: {model}")
