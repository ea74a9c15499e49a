"""The stored result keeps its type: ``StoredResult`` to and from ``Photo.result``."""

from __future__ import annotations

import numpy as np
import pytest

from captioning import Description, describe
from segmentation.result import Instances
from webapp.photos.results import StoredResult, read_description, read_result


def with_masks() -> Instances:
    h, w = 100, 200
    yy, xx = np.mgrid[0:h, 0:w]
    return Instances(
        image_size=(400, 200),
        labels=("dog", "person"),
        scores=np.array([0.95, 0.9]),
        boxes=np.array([[40, 104, 120, 184], [260, 24, 370, 190]]),
        masks=np.stack([(yy - 72) ** 2 + (xx - 40) ** 2 <= 20**2, (xx >= 130) & (yy < 95)]),
        model="test-masks",
    )


def test_round_trip_keeps_instances_and_description() -> None:
    instances = with_masks()
    description = describe(instances)
    stored = StoredResult(description, instances=instances).to_json()
    back = read_result(stored)
    assert back is not None and back.image_size == (400, 200) and back.has_masks
    # The plan is kept with the description (issue 18): the whole description comes back.
    assert description.plan is not None and back.description.plan == description.plan
    assert back.description == Description.from_dict(description.to_dict(plan=True))
    assert back.description.to_dict() == description.to_dict()
    assert back.instances.labels == instances.labels and back.instances.model == "test-masks"
    assert np.array_equal(back.instances.masks, instances.masks)
    assert back.to_json() == stored


def test_masks_are_decoded_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    instances = with_masks()
    stored = StoredResult(describe(instances), instances=instances).to_json()

    def no_decode(*args: object) -> None:
        raise AssertionError("decoded")

    monkeypatch.setattr(Instances, "from_dict", no_decode)
    description = read_description(stored)
    assert description is not None and [o.label for o in description.objects] == ["dog", "person"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"instances": {}},
        {"description": {"alt_text": "", "long_description": "", "objects": []}},
        # A relation that does not read: the whole result is unreadable, never half read.
        {
            "instances": {"image_size": [4, 2], "labels": [], "scores": [], "boxes": [], "masks": None},
            "description": {
                "alt_text": "",
                "long_description": "",
                "objects": [],
                "relations": [{"subject": "x", "predicate": "on"}],
            },
        },
    ],
)
def test_missing_or_broken_results_read_as_none(data: dict | None) -> None:
    assert read_result(data) is None and read_description(data) is None
    if data:
        with pytest.raises(ValueError, match="not a stored result"):
            StoredResult.from_json(data)
