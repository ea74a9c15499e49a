"""Helpers shared by the API, export and webhook tests: a bearer header, a token for ``user``
(fixture) and a photo with a stored result (no model run: the result is a hand-made
``Instances`` stored through ``services.store_result``, as the worker does)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from captioning import describe
from segmentation.result import Instances
from tests.conftest import jpeg_bytes
from webapp.accounts.models import ApiToken
from webapp.photos import services
from webapp.photos.models import Photo


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token(user) -> str:  # noqa: ANN001
    return ApiToken.issue(user, "tests")[1]


def stored_photo(
    owner: object,
    name: str,
    labels: tuple[str, ...] = ("dog", "person"),
    *,
    capture: Callable | None = None,
) -> Photo:
    """An uploaded 400 × 200 photo whose result (``labels`` side by side) is stored as the worker
    stores it. With ``capture`` (``django_capture_on_commit_callbacks``), the on-commit work runs
    (the ``photo_described`` signal and its receivers)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, jpeg_bytes((400, 200)), content_type="image/jpeg")
    photo = services.create_photos(owner, [upload])[0].photo
    n = len(labels)
    boxes = np.array([[20 + 380 * i / n, 40, 20 + 380 * (i + 1) / n - 10, 190] for i in range(n)], dtype=np.float32)
    instances = Instances(
        image_size=(400, 200),
        labels=labels,
        scores=np.full(n, 0.93, dtype=np.float32),
        boxes=boxes,
        model="test-boxes",
    )
    if capture is None:
        services.store_result(photo.pk, instances, describe(instances))
    else:
        with capture(execute=True):
            services.store_result(photo.pk, instances, describe(instances))
    return Photo.objects.get(pk=photo.pk)
