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
        per_class: COCO label -> ``(state, possible)`` or ``(state, possible, count)`` overriding
            the defaults for that class.
        count: default minimum score for a *further* instance of a class to be stated and counted
            once the class is named ("two dogs" needs both dogs this sure). ``state`` and
            ``possible`` decide whether the class is named at all (calibrated on whether the class
            is in the photo), ``count`` whether each extra detection is a real second object
            (calibrated per detection, where duplicates and near misses count as wrong); a weaker
            extra is said as "possibly another ..." / "two or more". ``None``: same as ``state``.
        merge_iou: same-label detections overlapping more than this are one object.
        merge: merge duplicates and back off between siblings at all. Off for ground truth
            (:data:`GROUND_TRUTH`): annotations are objects as the annotators drew them, so the
            oracle counts exactly what is annotated.
        exact_up_to: COCO label -> the largest group size whose number this model gets right
            often enough to say it plainly ("three dogs"); a bigger group is said as a floor
            ("three or more dogs", "one or more people" for one), which is true when its members
            are. Learnt per weights file from photos with complete annotations
            (:func:`captioning.calibration.count_limits`). Labels not in it use ``exact_default``
            (``None``: every number is said, as for ground truth).
        relation_kinds: the relation kinds ("riding", "on", ...) said at all, those whose
            precision against ground-truth masks was at least 0.9 for this weights file
            (``captioning.crossval.check_relations``); ``None``: every kind.
        alt_relation_kinds: the kinds the short alt may say ("A person riding a horse"): the
            same precision over at least 20 said instances.
        source: where the numbers come from (file and model, or "built-in defaults").
    """

    state: float = DEFAULT_STATE
    possible: float = DEFAULT_POSSIBLE
    per_class: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    count: float | None = None
    merge_iou: float = DEFAULT_MERGE_IOU
    source: str = "built-in defaults (not calibrated)"
    merge: bool = True
    exact_up_to: Mapping[str, int] = field(default_factory=dict)
    exact_default: int | None = None
    relation_kinds: frozenset[str] | None = None
    alt_relation_kinds: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        table: dict[str, tuple[float, float, float | None]] = {}
        for k, v in dict(self.per_class).items():
            if len(v) not in (2, 3):
                raise ValueError(f"{k}: need (state, possible) or (state, possible, count), got {v!r}")
            table[str(k)] = (float(v[0]), float(v[1]), float(v[2]) if len(v) == 3 and v[2] is not None else None)
        entries = [("default", (self.state, self.possible, self.count)), *table.items()]
        for label, (state, possible, count) in entries:
            if not 0.0 <= possible <= state <= 1.0:
                raise ValueError(f"{label}: need 0 <= possible <= state <= 1, got {state=}, {possible=}")
            if count is not None and not 0.0 <= count <= 1.0:
                raise ValueError(f"{label}: need 0 <= count <= 1, got {count=}")
        # Read-only, so a shared Thresholds cannot be changed under another request.
        object.__setattr__(self, "per_class", MappingProxyType(table))
        object.__setattr__(self, "exact_up_to", MappingProxyType({str(k): int(v) for k, v in self.exact_up_to.items()}))

    def says_relation(self, kind: str) -> bool:
        return self.relation_kinds is None or kind in self.relation_kinds

    def says_number(self, label: str, n: int) -> bool:
        """Whether a group of ``n`` stated ``label`` objects gets its number said plainly."""
        limit = self.exact_up_to.get(label, self.exact_default)
        return limit is None or n <= limit

    def for_label(self, label: str) -> tuple[float, float]:
        """``(state, possible)`` for one class."""
        entry = self.per_class.get(label)
        return (entry[0], entry[1]) if entry else (self.state, self.possible)

    def count_threshold(self, label: str) -> float:
        """Minimum score for a further instance of ``label`` to be stated (see ``count``)."""
        entry = self.per_class.get(label)
        state, count = (entry[0], entry[2]) if entry else (self.state, self.count)
        return state if count is None else max(state, count)

    def certainty(self, label: str, score: float) -> Certainty:
        state, possible = self.for_label(label)
        if score >= state:
            return "stated"
        if score >= possible:
            return "possible"
        return "dropped"


# ``Instances.model`` of ground truth read by :func:`captioning.coco.instances_from_coco`.
GROUND_TRUTH_MODEL = "coco-annotations"
# Relations read from ground-truth masks hold on them by construction (precision 1); of their
# kinds, only "on" is said at least 20 times on coco-val-calib (on 62, holding 15, next to 8,
# riding 6, behind 3), the bar for a kind in the alt (issue 16).
GROUND_TRUTH = Thresholds(
    merge=False, source="ground truth: every annotation stated, none merged", alt_relation_kinds=frozenset(["on"])
)

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
    ``{"default": {"state": s, "possible": p[, "count": c]}, "per_class": {label: {...same keys}}}``,
    optionally ``"exact_counts": {"default": k or null, "per_class": {label: k}}`` (see
    :attr:`Thresholds.exact_up_to`) and ``"relations": {"said": [kinds], "alt": [kinds]}``."""
    default = entry["default"]
    per_class = {
        label: (float(v["state"]), float(v["possible"]), _optional(v.get("count")))
        for label, v in entry.get("per_class", {}).items()
    }
    exact = entry.get("exact_counts", {})
    relations = entry.get("relations")
    return Thresholds(
        relation_kinds=None if relations is None else frozenset(relations["said"]),
        alt_relation_kinds=frozenset() if relations is None else frozenset(relations["alt"]),
        exact_up_to={str(k): int(v) for k, v in exact.get("per_class", {}).items()},
        exact_default=None if exact.get("default") is None else int(exact["default"]),
        state=float(default["state"]),
        possible=float(default["possible"]),
        count=_optional(default.get("count")),
        per_class=per_class,
        merge_iou=float(entry.get("merge_iou", DEFAULT_MERGE_IOU)),
        source=source,
    )


def score_floor(model: str, path: Path | str = THRESHOLDS_FILE) -> float | None:
    """The lowest score the calibrated table for ``model`` can use (its calibration floor), or
    ``None`` without a table. A segmenter dropping instances above it would silence classes the
    table names from that score on."""
    entry = _table(str(path)).get("models", {}).get(model)
    if not entry:
        return None
    floor = entry.get("provenance", {}).get("floor")
    if floor is not None:
        return float(floor)
    lows = [float(v["possible"]) for v in [entry["default"], *entry.get("per_class", {}).values()]]
    return min(lows)


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


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
