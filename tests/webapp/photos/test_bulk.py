"""``photos.bulk``: a file already in the library is found by its stored pixels, and queued
photos are followed until they finish or run out of time."""

from __future__ import annotations

import pytest

from tests.conftest import BUS_PHOTO
from webapp.photos import bulk
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def test_a_file_is_added_once_and_then_found(user, other_user, tmp_path) -> None:  # noqa: ANN001
    copy = tmp_path / BUS_PHOTO.name
    copy.write_bytes(BUS_PHOTO.read_bytes())
    photo, existing = bulk.add_file(user, copy, skip_existing=True)
    assert not existing and photo.original_name == BUS_PHOTO.name
    again, existing = bulk.add_file(user, copy, skip_existing=True)
    assert existing and again.pk == photo.pk
    assert bulk.library_copy(other_user, copy) is None  # another person's library
    other = tmp_path / "other" / BUS_PHOTO.name
    other.parent.mkdir()
    other.write_bytes(b"not the same file")
    assert bulk.library_copy(user, other) is None  # same name, other content
    with pytest.raises(FileNotFoundError):
        bulk.add_file(user, tmp_path / "missing.jpg", skip_existing=False)


def test_the_watch_hands_back_finished_and_overdue_photos(user, tmp_path) -> None:  # noqa: ANN001
    now = [100.0]
    watch = bulk.QueueWatch(wait_s=10, clock=lambda: now[0])
    copy = tmp_path / BUS_PHOTO.name
    copy.write_bytes(BUS_PHOTO.read_bytes())
    first, _ = bulk.add_file(user, copy, skip_existing=False)
    second, _ = bulk.add_file(user, copy, skip_existing=False)
    watch.add(first, "a.jpg", existing=False)
    watch.add(second, "b.jpg", existing=True)
    assert watch.poll() == ([], []) and len(watch) == 2
    Photo.objects.filter(pk=first.pk).update(status=Photo.Status.FAILED)
    finished, overdue = watch.poll()
    assert [(w.name, p.pk) for w, p in finished] == [("a.jpg", first.pk)] and overdue == []
    now[0] = 111.0
    finished, overdue = watch.poll()
    assert finished == [] and [(w.name, w.existing) for w in overdue] == [("b.jpg", True)]
    assert len(watch) == 0
