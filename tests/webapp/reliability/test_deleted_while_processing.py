"""A person deletes a photo while the worker holds it (issue 17 item 9): an ordinary event. The worker
drops the work quietly (an INFO line, no ERROR, no traceback), goes on with the rest of its batch
and leaves nothing behind. The race is forced at each point the worker touches the row or the file:
after the claim (before the file is read), after the model ran (before the result is stored)."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import jpeg_bytes
from webapp.photos import pipeline, services
from webapp.photos.models import DetectedObject, Photo

pytestmark = pytest.mark.django_db


def upload(owner: object, name: str) -> Photo:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return services.create_photos(owner, [SimpleUploadedFile(name, jpeg_bytes((320, 240)), "image/jpeg")])[0].photo


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not loud, [(r.levelname, r.getMessage()) for r in loud]


def delete_by_person(photo_id: int) -> None:
    services.delete_photo(Photo.objects.get(pk=photo_id))


@pytest.mark.parametrize("moment", ["before the result is stored", "before the file is read"])
def test_a_photo_deleted_mid_run_is_dropped_quietly(
    user, real_segmenter, monkeypatch, caplog, moment: str, settings
) -> None:  # noqa: ANN001
    settings.SEGMENTER_BATCH_SIZE = 2  # lead + companion: the other photo of the batch must still finish
    doomed, kept = upload(user, "doomed.jpg"), upload(user, "kept.jpg")
    if moment == "before the result is stored":
        real = pipeline.caption

        def caption(instances):  # noqa: ANN001, ANN202
            if Photo.objects.filter(pk=doomed.pk).exists():
                delete_by_person(doomed.pk)
            return real(instances)

        monkeypatch.setattr(pipeline, "caption", caption)
    else:
        real_prepare = type(real_segmenter).prepare_many

        def prepare_many(self, paths):  # noqa: ANN001, ANN202
            delete_by_person(doomed.pk)
            return real_prepare(self, paths)

        monkeypatch.setattr(type(real_segmenter), "prepare_many", prepare_many)
    caplog.set_level(logging.INFO)
    status = services.process_photo(doomed.pk)
    assert status in {"missing", "deleted"}
    assert_quiet(caplog)
    assert any("deleted" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
    assert not Photo.objects.filter(pk=doomed.pk).exists()
    assert not DetectedObject.objects.filter(photo_id=doomed.pk).exists()
    assert Photo.objects.get(pk=kept.pk).status == Photo.Status.DONE


def test_a_message_for_a_photo_deleted_while_queued_is_quiet(user, real_segmenter, caplog) -> None:  # noqa: ANN001
    photo = upload(user, "gone.jpg")
    delete_by_person(photo.pk)
    caplog.set_level(logging.INFO)
    assert services.process_photo(photo.pk) == "missing"
    assert_quiet(caplog)
