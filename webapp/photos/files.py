"""A photo's files: the one layout and the one way to write, read and delete them.

Every photo has two re-encoded JPEGs (never the uploaded bytes), named
``photos/<owner id>/<YYYYMM>/<random hex>.jpg`` and ``…/<random hex>_thumb.jpg`` (random, so a
name says nothing about the photo and never collides). They go through Django's storage API
(``default_storage``, a folder under ``MEDIA_ROOT``); the worker and Pillow read the local path.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from webapp.photos.models import Photo
from webapp.photos.uploads import NormalisedImage

log = logging.getLogger(__name__)


def owner_folder(owner_id: int) -> str:
    """The storage name of the folder that holds all of one owner's files."""
    return f"photos/{int(owner_id)}"


def _names(owner_id: int) -> tuple[str, str]:
    folder = f"{owner_folder(owner_id)}/{timezone.now():%Y%m}"
    return f"{folder}/{uuid.uuid4().hex}.jpg", f"{folder}/{uuid.uuid4().hex}_thumb.jpg"


def save_files(photo: Photo, image: NormalisedImage) -> None:
    """Store the photo's image and thumbnail and set their names on ``photo`` (not saved)."""
    image_name, thumbnail_name = _names(photo.owner_id)
    photo.image = default_storage.save(image_name, ContentFile(image.jpeg))
    photo.thumbnail = default_storage.save(thumbnail_name, ContentFile(image.thumbnail))


def media_path(name: str) -> Path:
    """The local file of a stored name (for the segmenter and Pillow)."""
    return Path(default_storage.path(name))


def open_file(name: str) -> IO[bytes]:
    """The stored file, opened for reading.

    Raises:
        FileNotFoundError: it is not there (any more).
    """
    return default_storage.open(name, "rb")


def delete_files(photo: Photo) -> None:
    """Remove the photo's image and thumbnail (a missing one is fine)."""
    delete_names([photo.image, photo.thumbnail])


def delete_names(names: list[str]) -> None:
    """Delete stored files by name; one already gone is fine, and one that cannot be removed is
    logged, never raised (it must not fail the deletion of its row)."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError as exc:
            log.warning("Could not delete media file %s: %s", name, exc)


def delete_owner_folder(owner_id: int) -> None:
    """Remove an owner's whole folder and anything left in it (files of rows already gone, empty
    month folders)."""
    folder = media_path(owner_folder(owner_id))
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        log.warning("Could not remove media folder %s", folder)
