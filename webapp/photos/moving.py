"""Copying a local media library into the configured storage (``manage.py move_media``).

Each file is copied under the same name (the names in the database stay right), then checked: the
object in the storage must have the local file's bytes. Resumable and safe to run twice: a file
whose object is already there with the same bytes is not copied again, one that differs (a copy cut
short, a corrupted object) is copied again. A local file is deleted only when asked and only once
its copy is verified.

The check: an S3 object whose ETag is a plain MD5 (a single-part upload without KMS encryption,
what ``S3Storage`` makes for files this size) equal to the local file's MD5 has the same bytes;
anything else (no ETag, a multipart or encrypted ETag, a mismatch) is read back and compared by
SHA-256, so a wrong ETag can cost a download but never passes a bad copy.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from webapp.photos import files

log = logging.getLogger(__name__)

_PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")


class Outcome(StrEnum):
    COPIED = "copied"
    ALREADY_THERE = "already there"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Moved:
    """What happened to one file."""

    name: str
    outcome: Outcome
    size: int = 0
    detail: str = ""
    deleted_local: bool = False


@dataclass
class MoveReport:
    moved: list[Moved] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for m in self.moved if m.outcome == outcome)

    @property
    def failed(self) -> list[Moved]:
        return [m for m in self.moved if m.outcome == Outcome.FAILED]

    @property
    def copied_bytes(self) -> int:
        return sum(m.size for m in self.moved if m.outcome == Outcome.COPIED)

    @property
    def deleted_local(self) -> int:
        return sum(1 for m in self.moved if m.deleted_local)


@dataclass(frozen=True)
class Mover:
    """Copies files of ``source`` (a local folder) into ``target`` (the configured storage).

    ``verify``: ``"etag"`` trusts a plain-MD5 ETag that matches (else reads back), ``"read"``
    always reads the object back."""

    source: FileSystemStorage
    target: Storage
    delete_local: bool = False
    verify: str = "etag"

    def names(self) -> Iterator[str]:
        return files.walk(self.source)

    def move(self, name: str) -> Moved:
        """Copy one file if its object is not already there with the same bytes; never raises
        for a storage or file error (the file is reported failed, and kept)."""
        try:
            with self.source.open(name, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            return Moved(name, Outcome.FAILED, detail=f"cannot read the local file: {exc}")
        try:
            if self._holds(name, data):
                outcome = Outcome.ALREADY_THERE
            else:
                self._upload(name, data)
                if not self._holds(name, data):
                    return Moved(name, Outcome.FAILED, len(data), "the stored copy does not match the local file")
                outcome = Outcome.COPIED
        except Exception as exc:  # noqa: BLE001 - one file's failure is reported; the run goes on
            return Moved(name, Outcome.FAILED, len(data), f"storage error: {exc!r}")
        deleted = False
        if self.delete_local:
            try:
                self.source.delete(name)  # verified just above, in this same call
                deleted = True
            except OSError as exc:
                log.warning("Copied %s but could not delete the local file: %s", name, exc)
        return Moved(name, outcome, len(data), deleted_local=deleted)

    def _holds(self, name: str, data: bytes) -> bool:
        """Whether the target has ``name`` with exactly ``data``."""
        try:
            handle = self.target.open(name, "rb")
        except FileNotFoundError:
            return False
        with handle:
            etag = getattr(getattr(handle, "obj", None), "e_tag", None)  # S3File: from the HEAD it made
            if self.verify == "etag" and etag:
                etag = etag.strip('"')
                if _PLAIN_MD5.fullmatch(etag) and etag == hashlib.md5(data, usedforsecurity=False).hexdigest():
                    return True
            return hashlib.sha256(handle.read()).digest() == hashlib.sha256(data).digest()

    def _upload(self, name: str, data: bytes) -> None:
        if isinstance(self.target, FileSystemStorage) and self.target.exists(name):
            self.target.delete(name)  # a local target would otherwise pick another name
        saved = self.target.save(name, ContentFile(data))
        if saved != name:
            raise OSError(f"the storage saved it as {saved!r}")

    def remove_empty_folders(self) -> None:
        """After ``delete_local``: the local folders left empty (never the root itself)."""
        root = Path(self.source.location)
        for folder, _, _ in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
            if Path(folder) != root:
                try:
                    Path(folder).rmdir()
                except OSError:
                    pass  # not empty: a file that failed, or something not ours


def move_media(
    mover: Mover, *, limit: int | None = None, jobs: int = 4, progress: Callable[[int, Moved], None] | None = None
) -> MoveReport:
    """Copy (at most ``limit``) files with ``jobs`` in parallel (each is a few round trips, so
    threads hide the latency); ``progress(index, moved)`` is called for each, in order."""
    report = MoveReport()
    names = list(mover.names())[:limit] if limit is not None else list(mover.names())
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="move_media") as pool:
        for index, moved in enumerate(pool.map(mover.move, names), start=1):
            report.moved.append(moved)
            if progress is not None:
                progress(index, moved)
    if mover.delete_local:
        mover.remove_empty_folders()
    return report
