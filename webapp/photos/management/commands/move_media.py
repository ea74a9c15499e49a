"""``manage.py move_media [--source PATH] [--delete-local] [--limit N] [--jobs N] [--verify etag|read]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from webapp.photos.moving import Moved, Mover, Outcome, move_media


class Command(BaseCommand):
    help = (
        "Copy a local media library (MEDIA_ROOT, or --source) into the configured storage (the S3 bucket "
        "of AWS_STORAGE_BUCKET_NAME) under the same names, checking every copy. Safe to run again: files "
        "already there with the same bytes are skipped, differing ones copied again. Local files are "
        "deleted only with --delete-local, each only after its copy is verified. Exits 1 if any file failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, help="the local library (default: MEDIA_ROOT)")
        parser.add_argument(
            "--delete-local", action="store_true", help="delete each local file once its copy is verified"
        )
        parser.add_argument("--limit", type=int, help="handle at most this many files (run again to go on)")
        parser.add_argument("--jobs", type=int, default=4, help="files copied at once (default 4)")
        parser.add_argument(
            "--verify",
            choices=["etag", "read"],
            default="etag",
            help="etag: trust an S3 ETag equal to the file's MD5, else read back (default); read: always read back",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = (options["source"] or Path(settings.MEDIA_ROOT)).resolve()
        if not source.is_dir():
            raise CommandError(f"No such folder: {source}")
        target = default_storage
        if isinstance(target, FileSystemStorage) and Path(target.location).resolve() == source:
            raise CommandError(
                f"The configured storage is {source} itself; set AWS_STORAGE_BUCKET_NAME (README, Production) first."
            )
        mover = Mover(FileSystemStorage(location=source), target, options["delete_local"], options["verify"])
        self.stdout.write(f"Copying {source} into {describe(target)}")

        def progress(index: int, moved: Moved) -> None:
            note = f" ({moved.detail})" if moved.detail else ""
            line = f"[{index}] {moved.name}: {moved.outcome.value}{note}"
            if moved.outcome == Outcome.FAILED:
                self.stderr.write(line)
            elif options["verbosity"] >= 2 or index % 1000 == 0:
                self.stdout.write(line)

        report = move_media(mover, limit=options["limit"], jobs=options["jobs"], progress=progress)
        self.stdout.write(
            f"{len(report.moved)} file(s): {report.count(Outcome.COPIED)} copied "
            f"({filesizeformat(report.copied_bytes)}), {report.count(Outcome.ALREADY_THERE)} already there, "
            f"{len(report.failed)} failed; {report.deleted_local} local file(s) deleted."
        )
        if report.failed:
            raise CommandError(f"{len(report.failed)} file(s) failed; their local files are kept. Run it again.")


def describe(storage: Any) -> str:
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"bucket {bucket!r} at {getattr(storage, 'endpoint_url', None) or 'AWS'}"
    return str(getattr(storage, "location", type(storage).__name__))
