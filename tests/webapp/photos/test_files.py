"""A photo's files: one layout, written, read and removed through the storage API, the same on
the local folder and on a real S3 server."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import jpeg_bytes
from tests.webapp.conftest import S3Media
from webapp.photos import files, services

pytestmark = pytest.mark.django_db


def test_stored_files_follow_the_one_layout(user, settings, media: S3Media | None) -> None:  # noqa: ANN001
    upload = SimpleUploadedFile("a.jpg", jpeg_bytes((64, 48)), content_type="image/jpeg")
    photo = services.create_photos(user, [upload])[0].photo
    pattern = rf"photos/{user.pk}/\d{{6}}/[0-9a-f]{{32}}(_thumb)?\.jpg"
    assert re.fullmatch(pattern, photo.image) and re.fullmatch(pattern, photo.thumbnail)
    assert photo.thumbnail.endswith("_thumb.jpg") and not photo.image.endswith("_thumb.jpg")
    for name in (photo.image, photo.thumbnail):
        data = files.read_bytes(name)
        assert data[:2] == b"\xff\xd8"  # a JPEG
        with files.open_file(name) as handle:
            assert handle.read() == data
        if media is None:
            assert (settings.MEDIA_ROOT / name).read_bytes() == data
        else:
            assert media.get(name) == data  # in the bucket, under the same name
            assert not settings.MEDIA_ROOT.exists()
    files.delete_files(photo)
    for name in (photo.image, photo.thumbnail):
        assert not default_storage.exists(name)
        with pytest.raises(FileNotFoundError):
            files.read_bytes(name)
        with pytest.raises(FileNotFoundError):
            files.open_file(name)
    files.delete_files(photo)  # already gone: fine


def test_owner_folder_is_deleted_recursively_and_only_it(media: S3Media | None, settings) -> None:  # noqa: ANN001
    names = ["photos/7/202601/a.jpg", "photos/7/202602/b.jpg", "photos/7/c.txt", "photos/70/d.jpg", "photos/8/e.jpg"]
    for name in names:
        default_storage.save(name, ContentFile(b"x"))
    assert list(files.walk(default_storage, "photos/7")) == [
        "photos/7/c.txt",
        "photos/7/202601/a.jpg",
        "photos/7/202602/b.jpg",
    ]
    files.delete_owner_folder(7)
    assert sorted(files.walk(default_storage)) == ["photos/70/d.jpg", "photos/8/e.jpg"]
    if media is None:
        assert not (settings.MEDIA_ROOT / "photos" / "7").exists()
    else:
        assert media.keys() == ["photos/70/d.jpg", "photos/8/e.jpg"]
    files.delete_owner_folder(7)  # nothing there: fine
    files.delete_owner_folder(12345)


def test_an_unreachable_storage_is_unavailable_not_missing(s3_media: S3Media, settings, monkeypatch) -> None:  # noqa: ANN001
    from webapp.settings import s3_storage

    default_storage.save("photos/1/x.jpg", ContentFile(b"x"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    with pytest.raises(files.StorageUnavailable):
        files.read_bytes("photos/1/x.jpg")
    s3_media.server.stop()
    try:
        monkeypatch.setenv("AWS_S3_MAX_ATTEMPTS", "1")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_media.server.secret_key)
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
        with pytest.raises(files.StorageUnavailable):
            files.read_bytes("photos/1/x.jpg")
    finally:
        s3_media.server.start()
    assert files.read_bytes("photos/1/x.jpg") == b"x"


def test_requests_per_stored_file_on_s3(s3_media: S3Media, user) -> None:  # noqa: ANN001
    """What a photo costs the object storage, counted at the HTTP layer: one PUT per file on
    upload, one GET per read (the worker's, a view's), one DELETE per file."""
    sent: list[str] = []
    events = default_storage.connection.meta.client.meta.events

    def count(request, **_: object) -> None:  # noqa: ANN001
        sent.append(request.method)

    events.register("before-send", count)
    try:
        photo = services.create_photos(user, [SimpleUploadedFile("a.jpg", jpeg_bytes((64, 48)), "image/jpeg")])[0].photo
        assert sent == ["PUT", "PUT"]
        sent.clear()
        files.read_bytes(photo.image)
        files.open_file(photo.thumbnail).close()
        assert sent == ["GET", "GET"]
        sent.clear()
        files.delete_files(photo)
        assert sent == ["DELETE", "DELETE"]
    finally:
        events.unregister("before-send", count)
