"""Score thresholds that decide how sure the text sounds about each object.

PROVISIONAL: the defaults (state at >= 0.5, "possibly" at >= 0.3, drop below) are round numbers
chosen by hand. A later issue calibrates them per class on COCO val2017 (``/work/shared/coco-val-calib``)
so that a plainly stated object is right about as often as a reader expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

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
    """

    state: float = DEFAULT_STATE
    possible: float = DEFAULT_POSSIBLE
    per_class: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    merge_iou: float = DEFAULT_MERGE_IOU

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
