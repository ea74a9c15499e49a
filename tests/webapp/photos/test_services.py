from __future__ import annotations

import pytest

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.photos import pipeline, services
from webapp.photos.models import DetectedObject, Photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(user):
    return services.create_photos(user, [upload_file(BUS_PHOTO)])[0].photo


def test_process_twice_leaves_one_result(photo, real_segmenter):
    assert services.process_photo(photo.pk) == "done"
    first = list(DetectedObject.objects.filter(photo=photo).values_list("label", "index"))
    # a redelivered message for a finished photo changes nothing
    assert services.process_photo(photo.pk) == "done"
    # and a forced rerun replaces rather than adds
    Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PROCESSING)
    assert services.process_photo(photo.pk) == "done"
    photo.refresh_from_db()
    assert list(DetectedObject.objects.filter(photo=photo).values_list("label", "index")) == first
    assert photo.attempts == 2
    assert photo.result["instances"]["model"] == "ssdlite320_mobilenet_v3_large"


def test_missing_weights_marks_failed_with_instructions(photo, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("SEGMENTER_WEIGHTS", raising=False)
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "auto", None
    pipeline.reset_segmenter()
    try:
        assert services.process_photo(photo.pk) == "failed"
    finally:
        pipeline.reset_segmenter()
    photo.refresh_from_db()
    assert photo.status_message.startswith("No model weights are installed")
    assert "SEGMENTER_WEIGHTS" in photo.status_message
    assert not photo.suggested_alt


def test_missing_file_is_rejected(photo, real_segmenter):
    services.media_path(photo.image).unlink()
    assert services.process_photo(photo.pk) == "rejected"


def test_unknown_photo_is_ignored(db):
    assert services.process_photo(987654) == "missing"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo.jpg", "photo.jpg"),
        ("a\x00b\nc.jpg", "abc.jpg"),
        ("", "photo"),
        ("x" * 300 + ".jpeg", "x" * 249 + "….jpeg"),
    ],
)
def test_clean_filename(name, expected):
    assert services.clean_filename(name) == expected
    assert len(services.clean_filename(name)) <= 255
