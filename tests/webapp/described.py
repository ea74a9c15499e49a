"""Photos with a real description for the alt text language tests (issue 18): the captioner's
own output (plan included) on a small segmentation result, stored as the worker stores it; and
the same as a result stored before plans were (English text only)."""

from __future__ import annotations

import numpy as np

from captioning import describe
from segmentation.result import Instances
from webapp.photos.models import Photo
from webapp.photos.results import StoredResult


def dog_and_person() -> Instances:
    """A dog in the lower left (mask) and a person on the right, in a 400 × 200 photo."""
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


def described_photo(owner: object, name: str = "park.jpg", *, with_plan: bool = True) -> Photo:
    """A done photo of ``owner`` whose result is the captioner's (English suggestion stored, as
    the worker does); ``with_plan=False``: a result stored before plans were."""
    instances = dog_and_person()
    description = describe(instances)
    result = StoredResult(description, instances=instances).to_json()
    if not with_plan:
        result["description"].pop("plan")
    return Photo.objects.create(
        owner=owner,
        image=f"{name}.jpg",
        thumbnail=f"{name}-thumb.jpg",
        original_name=name,
        width=400,
        height=200,
        status=Photo.Status.DONE,
        model_name="test-masks",
        suggested_alt=description.alt_text,
        long_description=description.long_description,
        result=result,
    )


# What the captioner says about ``dog_and_person`` in each language (its realisers' output, read
# and checked by hand: articles, gender and places as a native reader expects them).
ALT = {
    "en": "A person on the right and a dog in the lower left.",
    "de": "Eine Person rechts und ein Hund unten links.",
    "fr": "Une personne à droite et un chien en bas à gauche.",
    "es": "Una persona a la derecha y un perro abajo a la izquierda.",
}
LONG = {
    "en": "A large person on the right. A medium-sized dog in the lower left.",
    "de": "Eine große Person rechts. Ein mittelgroßer Hund unten links.",
    "fr": "Une personne de grande taille à droite. Un chien de taille moyenne en bas à gauche.",
    "es": "Una persona grande a la derecha. Un perro mediano abajo a la izquierda.",
}
