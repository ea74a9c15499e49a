"""What bulk description (``manage.py describe --user``) needs from the library: adding a file
(or finding it already there) and following queued photos until they finish or time out.

"Already in the library" means: a photo of that person with the same file name whose stored image
is byte-identical to what uploading the file would store (the same re-encoded pixels).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files import File

from webapp.photos import files, services
from webapp.photos.models import Photo
from webapp.photos.records import for_records
from webapp.photos.uploads import UploadRejected, normalise_upload


def library_copy(owner: Any, path: Path) -> Photo | None:
    """The owner's photo that is this file (see the module docstring), if any; a photo the person
    reviewed is preferred, then the newest."""
    candidates = list(
        Photo.objects.filter(owner=owner, original_name=services.clean_filename(path.name))
        .defer("result")
        .order_by("-accepted_at", "-created_at")
    )
    if not candidates:
        return None
    try:
        with path.open("rb") as handle:
            image = normalise_upload(handle, size=path.stat().st_size)
    except (UploadRejected, OSError):
        return None
    digest = hashlib.sha256(image.jpeg).digest()
    candidates.sort(key=lambda p: not p.is_reviewed)
    for photo in candidates:
        try:
            if hashlib.sha256(files.read_bytes(photo.image)).digest() == digest:
                return photo
        except (FileNotFoundError, files.StorageUnavailable):
            continue
    return None


def add_file(owner: Any, path: Path, *, skip_existing: bool) -> tuple[Photo, bool]:
    """The photo for this file and whether it was already in the library (only looked for with
    ``skip_existing``); a new photo is queued when its row is committed.

    Raises:
        FileNotFoundError: there is no such file.
        UploadRejected: the file is not an acceptable photo (message for the person).
    """
    if not path.is_file():
        raise FileNotFoundError(path)
    if skip_existing:
        found = library_copy(owner, path)
        if found is not None:
            return found, True
    # No transaction around it: create_photo decodes outside one and commits the row itself.
    with path.open("rb") as handle:
        return services.create_photo(owner, File(handle, name=path.name)), False


@dataclass(frozen=True)
class Waiting:
    """A queued photo of a bulk run: its file as given, and when to stop waiting for it."""

    photo_id: int
    name: str
    deadline: float  # time.monotonic()
    existing: bool


class QueueWatch:
    """Photos sent to the queue, polled until each finishes or its ``wait_s`` run out."""

    def __init__(self, *, wait_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.wait_s = wait_s
        self.clock = clock
        self.waiting: dict[int, Waiting] = {}

    def __len__(self) -> int:
        return len(self.waiting)

    def add(self, photo: Photo, name: str, *, existing: bool) -> None:
        self.waiting[photo.pk] = Waiting(photo.pk, name, self.clock() + self.wait_s, existing)

    def poll(self) -> tuple[list[tuple[Waiting, Photo]], list[Waiting]]:
        """The photos that finished since the last poll (ready for ``photo_record``), and those
        that ran out of time; both leave the watch."""
        finished_rows = for_records(Photo.objects.filter(pk__in=list(self.waiting), status__in=Photo.FINISHED))
        finished = [(self.waiting.pop(photo.pk), photo) for photo in finished_rows]
        now = self.clock()
        overdue = [w for w in self.waiting.values() if now > w.deadline]
        for w in overdue:
            del self.waiting[w.photo_id]
        return finished, overdue
