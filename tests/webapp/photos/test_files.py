"""A photo's files: one layout, written and removed through the storage API."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import jpeg_bytes
from webapp.photos import files, services

pytestmark = pytest.mark.django_db


def test_stored_files_follow_the_one_layout(user, settings) -> None:  # noqa: ANN001
    upload = SimpleUploadedFile("a.jpg", jpeg_bytes((64, 48)), content_type="image/jpeg")
    photo = services.create_photos(user, [upload])[0].photo
    pattern = rf"photos/{user.pk}/\d{{6}}/[0-9a-f]{{32}}(_thumb)?\.jpg"
    assert re.fullmatch(pattern, photo.image) and re.fullmatch(pattern, photo.thumbnail)
    assert photo.thumbnail.endswith("_thumb.jpg") and not photo.image.endswith("_thumb.jpg")
    for name in (photo.image, photo.thumbnail):
        path = files.media_path(name)
        assert path.is_file() and path.is_relative_to(settings.MEDIA_ROOT)
        with files.open_file(name) as handle:
            assert handle.read(2) == b"\xff\xd8"  # a JPEG
    files.delete_files(photo)
    assert not files.media_path(photo.image).exists() and not files.media_path(photo.thumbnail).exists()
    files.delete_files(photo)  # already gone: fine
