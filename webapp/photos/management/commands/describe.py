"""Describe photo files: one by one, or a whole folder in bulk with a progress bar.

Without ``--user`` files are described in this process with the worker's pipeline and nothing is
stored. With ``--user NAME`` each file becomes a photo in that person's library: through the queue
when a worker answers a ping (photos are described in parallel by every worker), otherwise in this
process; ``--via-queue`` / ``--in-process`` force one or the other.

``--out results.jsonl`` or ``results.csv`` appends one record per file as it finishes; running the
same command again skips the files whose record is already there (resume after Ctrl-C or a crash;
files whose record is an error are tried again and get a new record: the last one wins).

``--skip-existing`` (with ``--user``): a file already in the library (see ``photos.bulk``) is not
uploaded again; its record is the library's, including the alt text you reviewed, which a run
never changes. Adding files, finding them in the library and following the queue are
``photos.bulk``; this module is arguments and output.

``--lang CODE`` (default ``en``) says the suggested alt text and long description in that language
(``captioning.lang.LANGUAGES``), rendered from the description's plan; records then carry ``lang``.
A reviewed alt text keeps the language it was written in.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from captioning.lang import LANGUAGES, UnknownLanguage, language, realise
from segmentation.registry import WeightsUnavailable
from webapp.photos import bulk, pipeline
from webapp.photos.models import Photo
from webapp.photos.records import for_records, photo_record
from webapp.photos.uploads import DECODE_ERRORS, UploadRejected
from webapp.text import csv_writer, from_spreadsheet

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif"}
CSV_COLUMNS = [
    "file",
    "error",
    "photo_id",
    "status",
    "model",
    "alt_text",
    "accepted_alt_text",
    "alt_source",
    "long_description",
    "labels",
    "objects",
]


# -- which files ------------------------------------------------------------------------------------
def find_files(paths: list[str], *, recursive: bool) -> list[str]:
    """Files named on the command line (kept even when missing, so they get an error record) and
    the images in named folders (sub-folders too with ``recursive``), sorted, without duplicates."""
    found: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            walker = path.rglob("*") if recursive else path.iterdir()
            found.extend(
                str(p)
                for p in sorted(walker)
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
            )
        else:
            found.append(name)
    seen: set[str] = set()
    return [f for f in found if not (_key(f) in seen or seen.add(_key(f)))]


def _key(name: str) -> str:
    """Files are the same when their real paths are (so a resume from another folder still matches)."""
    return os.path.realpath(name)


# -- the out file ----------------------------------------------------------------------------------
def out_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise CommandError(f"--out must end in .jsonl or .csv (got {path.name!r}).")


def done_files(path: Path) -> set[str]:
    """Real paths of the files the out file already has a result for (error records excluded)."""
    if not path.exists():
        return set()
    done = set()
    with path.open(encoding="utf-8", newline="") as handle:
        if out_format(path) == "csv":
            reader = csv.DictReader(handle)
            if reader.fieldnames and reader.fieldnames != CSV_COLUMNS:
                raise CommandError(f"{path} is a CSV file with other columns; choose another --out file.")
            records: Iterator[dict[str, Any]] = reader
        else:
            records = _json_lines(handle)
        for record in records:
            if record.get("file") and not record.get("error"):
                done.add(_key(from_spreadsheet(record["file"])))
    return done


def _json_lines(handle: TextIO) -> Iterator[dict[str, Any]]:
    for line in handle:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash: that file is simply described again
        if isinstance(record, dict):
            yield record


class OutFile:
    """Appends records as they come, flushed at once, so an interrupted run loses nothing."""

    def __init__(self, path: Path) -> None:
        self.format = out_format(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists() or path.stat().st_size == 0
        if not fresh and self.format == "jsonl":
            with path.open("rb") as existing:
                existing.seek(-1, os.SEEK_END)
                needs_newline = existing.read(1) != b"\n"
        else:
            needs_newline = False
        self.handle = path.open("a", encoding="utf-8", newline="")
        if needs_newline:
            self.handle.write("\n")
        self.csv = csv_writer(self.handle, CSV_COLUMNS)
        if fresh and self.format == "csv":
            self.csv.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        if self.format == "csv":
            self.csv.writerow(csv_row(record))
        else:
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    objects = record.get("objects") or []
    row = {key: record.get(key, "") for key in CSV_COLUMNS}
    row["labels"] = ";".join(o["label"] for o in objects if o.get("certainty") != "possible")
    row["objects"] = json.dumps(objects, ensure_ascii=False) if objects else ""
    return {key: "" if value is None else value for key, value in row.items()}


# -- the queue -------------------------------------------------------------------------------------
def worker_available(timeout: float = 1.5, tries: int = 2) -> bool:
    """Whether a Celery worker answers a ping on the configured broker (never raises). Asked
    ``tries`` times: a worker on a loaded machine can miss one ping's window, and photos that
    workers would describe must not fall back to this process for that."""
    from webapp.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
            return any(app.control.ping(timeout=timeout, connection=connection) for _ in range(tries))
    except Exception:  # noqa: BLE001 - no broker, refused, timeout: no worker to use
        return False


def in_language(record: dict[str, Any], plan: Any, lang: str | None) -> dict[str, Any]:
    """``record`` with its suggested texts said in ``lang`` (``None``: as described, no ``lang``
    key). Without a plan (a photo stored before plans were) the texts stay as stored, in English."""
    if lang is None or "error" in record:
        return record
    if plan is None:
        return {**record, "lang": "en"}
    text = realise(plan, lang)
    return {**record, "alt_text": text.alt_text, "long_description": text.long_description, "lang": lang}


def library_record(name: str, photo: Photo, *, existing: bool = False, lang: str | None = None) -> dict[str, Any]:
    """A library photo's result as a describe record (the API's fields plus ``file`` as given)."""
    # ``lang`` None: as the owner reads it (no ``lang`` key); else rendered from the stored plan by
    # photo_record (results.suggestion), English for a photo stored before plans were.
    data = photo_record(photo, lang)
    record: dict[str, Any] = {
        "file": name,
        "photo_id": photo.pk,
        "status": photo.status,
        "model": data["model"],
        "alt_text": data["alt_text"],
        "accepted_alt_text": data["accepted_alt_text"],
        "alt_source": data["alt_source"],
        "long_description": data["long_description"],
        "objects": data["objects"],
    }
    if existing:
        record["existing"] = True
    if photo.status in {Photo.Status.FAILED, Photo.Status.REJECTED}:
        record["error"] = photo.status_message or f"The photo was {photo.status}."
    if lang is not None and "error" not in record:
        record["lang"] = data["lang"]
    return record


class Command(BaseCommand):
    help = (
        "Write alt text for image files or folders. --json prints one JSON object per line; --out FILE.jsonl|.csv "
        "appends records and resumes; --user NAME puts the photos in a library (through the queue when a worker "
        "runs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("photos", nargs="+", metavar="PATH", help="image files and/or folders of images")
        parser.add_argument("--json", dest="as_json", action="store_true", help="one JSON object per line on stdout")
        parser.add_argument("--recursive", "-r", action="store_true", help="look in sub-folders too")
        parser.add_argument("--out", type=Path, help="append records to FILE.jsonl or FILE.csv; skip files in it")
        parser.add_argument("--user", help="put the photos in this person's library")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--via-queue", action="store_true", help="with --user: use the workers (fail if none)")
        mode.add_argument("--in-process", action="store_true", help="describe here even when a worker runs")
        parser.add_argument(
            "--skip-existing", action="store_true", help="with --user: reuse library photos of the same file"
        )
        parser.add_argument("--batch", type=int, default=16, help="photos in the queue at once (default 16)")
        parser.add_argument("--wait", type=float, default=900, help="seconds to wait for one queued photo")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument(
            "--lang", help=f"language of the alt text: {', '.join(sorted(LANGUAGES))} (default en)", default=None
        )
        parser.add_argument("--model", help="backend name (default: SEGMENTER setting)")
        parser.add_argument(
            "--weights", help="weights file: a state dict or a YOLO-seg .tflite/.onnx (default: SEGMENTER_WEIGHTS)"
        )

    def handle(self, *args: object, **options: Any) -> None:
        # --model / --weights: this process's segmenter (None: the settings').
        segmenter = (
            pipeline.segmenter_config().with_model(options["model"], options["weights"])
            if options["model"] or options["weights"]
            else None
        )
        self.as_json = bool(options["as_json"])
        self.lang: str | None = options["lang"]
        if self.lang is not None:
            try:
                language(self.lang)
            except UnknownLanguage as exc:
                raise CommandError(str(exc)) from None
        owner = self.owner(options)
        files = find_files(options["photos"], recursive=options["recursive"])
        out_path: Path | None = options["out"]
        if out_path is not None:
            out_format(out_path)
            done = done_files(out_path)
            todo = [f for f in files if _key(f) not in done]
            if len(todo) < len(files):
                self.stderr.write(f"{len(files) - len(todo)} file(s) already in {out_path}: skipped.")
        else:
            todo = files
        if not files:
            raise CommandError("No image files found (use --recursive to look in sub-folders).")

        via_queue = False
        if owner is not None and not options["in_process"]:
            via_queue = worker_available()
            if options["via_queue"] and not via_queue:
                raise CommandError("--via-queue: no Celery worker answered; start one or leave out --via-queue.")
        if owner is not None:
            self.stderr.write(
                f"Photos go to {owner.get_username()}'s library, "
                + ("described by the workers." if via_queue else "described in this process (no worker in use).")
            )
        if not via_queue and todo:
            pipeline.use_segmenter(segmenter)
            try:
                pipeline.get_segmenter()
            except (WeightsUnavailable, ValueError) as exc:
                raise CommandError(str(exc)) from None

        self.out = OutFile(out_path) if out_path is not None else None
        self.failures = self.count = 0
        from tqdm import tqdm

        self.bar = tqdm(
            total=len(todo), unit="photo", file=sys.stderr, disable=options["no_progress"], dynamic_ncols=True
        )
        try:
            if owner is None:
                for name in todo:
                    self.emit(self.describe_file(name))
            elif via_queue:
                self.run_queue(owner, todo, options)
            else:
                self.run_in_process(owner, todo, skip_existing=options["skip_existing"])
        finally:
            self.bar.close()
            if self.out is not None:
                self.out.close()
        if out_path is not None or owner is not None:
            self.stderr.write(f"Done: {self.count - self.failures} described, {self.failures} with an error.")
        if self.failures and self.failures == self.count:
            sys.exit(1)

    def owner(self, options: dict[str, Any]) -> Any:
        if options["user"] is None:
            for flag in ("via_queue", "skip_existing"):
                if options[flag]:
                    raise CommandError(f"--{flag.replace('_', '-')} needs --user NAME (photos in a library).")
            return None
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        return user

    # -- without a library: describe the file here ----------------------------------------------
    def describe_file(self, name: str) -> dict[str, Any]:
        path = Path(name)
        if not path.is_file():
            return {"file": name, "error": "No such file."}
        try:
            analysis = pipeline.analyse(path)
        except DECODE_ERRORS as exc:
            return {"file": name, "error": f"Not a readable image ({type(exc).__name__}: {exc})."}
        return in_language({"file": name, **analysis.to_json()}, analysis.description.plan, self.lang)

    # -- a library: the same photo rows and task as uploads ---------------------------------------
    def add_photo(self, owner: Any, name: str, *, skip_existing: bool) -> tuple[Photo, bool] | dict[str, Any]:
        """``bulk.add_file`` for one file as given: the photo and whether it was in the library
        already, or an error record."""
        try:
            return bulk.add_file(owner, Path(name), skip_existing=skip_existing)
        except FileNotFoundError:
            return {"file": name, "error": "No such file."}
        except UploadRejected as exc:
            return {"file": name, "error": str(exc)}

    def run_in_process(self, owner: Any, todo: list[str], *, skip_existing: bool) -> None:
        from webapp.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # the queued task runs right here when the row commits
        try:
            for name in todo:
                added = self.add_photo(owner, name, skip_existing=skip_existing)
                if isinstance(added, dict):
                    self.emit(added)
                    continue
                photo, existing = added
                self.emit(library_record(name, reload(photo.pk), existing=existing, lang=self.lang))
        finally:
            app.conf.task_always_eager = eager

    def run_queue(self, owner: Any, todo: list[str], options: dict[str, Any]) -> None:
        watch = bulk.QueueWatch(wait_s=options["wait"])
        queue = list(reversed(todo))
        batch = max(1, options["batch"])
        while queue or watch:
            while queue and len(watch) < batch:
                name = queue.pop()
                added = self.add_photo(owner, name, skip_existing=options["skip_existing"])
                if isinstance(added, dict):
                    self.emit(added)
                    continue
                photo, existing = added
                watch.add(photo, name, existing=existing)
            finished, overdue = watch.poll()
            for waiting, photo in finished:
                self.emit(library_record(waiting.name, photo, existing=waiting.existing, lang=self.lang))
            for waiting in overdue:
                self.emit(
                    {
                        "file": waiting.name,
                        "photo_id": waiting.photo_id,
                        "error": f"Not finished after {options['wait']:.0f} s; it stays in the library and "
                        "finishes later (run again with --skip-existing to pick up its result).",
                    }
                )
            if watch:
                time.sleep(0.5)

    # -- output ------------------------------------------------------------------------------------
    def emit(self, record: dict[str, Any]) -> None:
        self.count += 1
        self.failures += "error" in record
        if self.out is not None:
            self.out.write(record)
        if self.as_json:
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        elif "error" in record:
            self.stderr.write(f"{record['file']}: {record['error']}")
        elif self.out is None:
            alt = record.get("accepted_alt_text") or record["alt_text"]
            self.stdout.write(f"{record['file']}\n  alt: {alt}\n  long: {record['long_description']}\n")
        self.bar.update(1)


def reload(photo_id: int) -> Photo:
    return for_records(Photo.objects.filter(pk=photo_id)).get()
