"""A photo's files: the one layout and the one way to write, read and delete them.

Every photo has two re-encoded JPEGs (never the uploaded bytes), named
``photos/<owner id>/<YYYYMM>/<random hex>.jpg`` and ``…/<random hex>_thumb.jpg`` (random, so a
name says nothing about the photo and never collides). They go through Django's storage API
(``default_storage``: a folder under ``MEDIA_ROOT``, or an S3 bucket when one is configured), and
everything that needs them (the worker, the overlay, checksums, the image view) reads their bytes
through it: no code path needs a local file, so web servers and workers share no folder.
"""

from __future__ import annotations

import io
import logging
import posixpath
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
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
    """Store the photo's image and thumbnail and set their names on ``photo`` (not saved).

    Raises:
        StorageUnavailable: the storage did not take them (nothing is left behind).
    """
    image_name, thumbnail_name = _names(photo.owner_id)
    with _storage_errors(image_name):
        photo.image = default_storage.save(image_name, ContentFile(image.jpeg))
        try:
            photo.thumbnail = default_storage.save(thumbnail_name, ContentFile(image.thumbnail))
        except BaseException:
            delete_names([photo.image])  # no image without its thumbnail
            raise


def open_file(name: str) -> IO[bytes]:
    """The stored file, opened for reading (the caller closes it): the local file, or an S3
    object's bytes read in one GET (in memory, as django-storages' own file object would hold them:
    stored JPEGs are a few MB).

    Raises:
        FileNotFoundError: it is not there (any more).
        StorageUnavailable: the storage did not answer.
    """
    if _s3_bucket(default_storage) is not None:
        return io.BytesIO(read_bytes(name))
    with _storage_errors(name):
        return default_storage.open(name, "rb")


def read_bytes(name: str) -> bytes:
    """All the bytes of a stored file: what the worker, the overlay and checksums read (no code
    path needs a local file). On S3 one GET (``storage.open`` would make a HEAD, another HEAD for
    the download's size, then the GET).

    Raises:
        FileNotFoundError: it is not there (any more).
        StorageUnavailable: the storage did not answer.
    """
    with _storage_errors(name):
        bucket = _s3_bucket(default_storage)
        if bucket is not None:
            return bucket.Object(_s3_key(default_storage, name)).get()["Body"].read()
        with default_storage.open(name, "rb") as handle:
            return handle.read()


def _s3_bucket(storage: Storage) -> Any | None:
    """The boto3 ``Bucket`` of an S3 storage (django-storages' own, per thread), else ``None``."""
    return storage.bucket if getattr(storage, "bucket_name", None) else None  # type: ignore[attr-defined]


def _s3_key(storage: Storage, name: str) -> str:
    """The object key of a stored name (django-storages puts names under its ``location``, empty
    here; stored names are ours, already clean)."""
    location = getattr(storage, "location", "")
    return posixpath.join(location, name) if location else name


def signed_url(name: str, seconds: int) -> str | None:
    """A URL that opens the stored file for ``seconds`` without any other credential (S3's
    presigned GET, answered as ``image/jpeg``, cached privately), or ``None`` when ``seconds`` is
    0 or the storage cannot sign URLs (a local folder: its files are only ever streamed)."""
    if seconds <= 0 or not getattr(default_storage, "querystring_auth", False):
        return None
    parameters = {"ResponseContentType": "image/jpeg", "ResponseCacheControl": "private, max-age=60"}
    return default_storage.url(name, parameters=parameters, expire=seconds)


class StorageUnavailable(Exception):
    """The storage did not answer (unreachable, timed out, refused our keys, a 5xx after boto's
    retries): not the photo's fault, so the work is retried later, never the photo rejected."""


@contextmanager
def _storage_errors(name: str) -> Iterator[None]:
    """Errors of either backend as one of two: ``FileNotFoundError`` (the object is not there) or
    :class:`StorageUnavailable` (anything else that is not the caller's bug)."""
    try:
        yield
    except FileNotFoundError:
        raise
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = exc.response.get("Error", {}).get("Code", "")
        if status == 404 or code in {"NoSuchKey", "404"}:
            raise FileNotFoundError(f"No stored file {name}") from exc
        raise StorageUnavailable(f"{name}: {code or status}") from exc
    except (BotoCoreError, OSError) as exc:
        raise StorageUnavailable(f"{name}: {exc!r}") from exc


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
        except (BotoCoreError, ClientError, OSError) as exc:
            log.warning("Could not delete media file %s: %s", name, exc)


#: Keys per S3 DeleteObjects request: the API's maximum.
DELETE_BATCH = 1000


def delete_owner_folder(owner_id: int) -> int:
    """Remove an owner's whole folder and everything in it (files of rows already gone, empty
    month folders); returns how many files were removed. Safe to run again: a folder already gone
    removes 0. On S3, by prefix, up to 1000 keys per request (list a page, delete it in one
    DeleteObjects, repeat): two requests per 1000 files instead of one DELETE per file. Locally,
    file by file through the storage API.

    Raises:
        StorageUnavailable: the storage did not answer, or kept some objects (what is left stays
            for the next run: the caller retries).
    """
    folder = owner_folder(owner_id)
    with _storage_errors(folder):
        bucket = _s3_bucket(default_storage)
        if bucket is not None:
            return _delete_prefix(bucket, _s3_key(default_storage, folder) + "/")
        return _delete_tree(folder)


def _delete_prefix(bucket: Any, prefix: str) -> int:
    client, removed = bucket.meta.client, 0
    while True:
        # Always the first page: what was deleted is gone from the listing, so no continuation
        # token is needed, and a retried run starts from what is really left.
        page = client.list_objects_v2(Bucket=bucket.name, Prefix=prefix, MaxKeys=DELETE_BATCH)
        keys = [{"Key": item["Key"]} for item in page.get("Contents", ())]
        if not keys:
            return removed
        answer = client.delete_objects(Bucket=bucket.name, Delete={"Objects": keys, "Quiet": True})
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise StorageUnavailable(
                f"{prefix}: {len(answer['Errors'])} of {len(keys)} objects not deleted "
                f"(first {first.get('Key')}: {first.get('Code')})"
            )
        removed += len(keys)


def _delete_tree(folder: str) -> int:
    try:
        folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0  # a local folder never made (nothing uploaded), or removed by an earlier run
    removed = sum(_delete_tree(f"{folder}/{sub}") for sub in folders)
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    # The local folder is removed once empty (FileSystemStorage.delete rmdirs it).
    default_storage.delete(folder)
    return removed + len(names)


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name under ``folder`` of ``storage``, recursively (a folder's files, then its
    folders', each sorted)."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(names):
        yield prefix + name
    for sub in sorted(folders):
        yield from walk(storage, prefix + sub)
