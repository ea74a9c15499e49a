"""The worker's text reader (``TEXT_READER``): built once per process, lazily, like the segmenter.

An unavailable reader (no onnxruntime, no model files, no ``tesseract``) is logged once and the
photo is still described, its text unread: reading is an addition, never a reason to fail.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import IO

from django.conf import settings

from segmentation.result import Instances
from segmentation.text import TextReader, TextReaderUnavailable, build_text_reader

log = logging.getLogger(__name__)

OFF = "off"

_lock = threading.Lock()
_reader: TextReader | None = None
_failed = False


def get_reader() -> TextReader | None:
    """The process-wide reader of ``TEXT_READER``, or ``None`` when it is off or cannot be built."""
    global _reader, _failed
    with _lock:
        if _reader is not None or _failed or settings.TEXT_READER == OFF:
            return _reader
        from webapp.photos import pipeline  # (pipeline imports this module)

        try:
            threads = settings.TEXT_READER_THREADS or pipeline.segmenter_config().run.threads
            _reader = build_text_reader(settings.TEXT_READER, threads=threads)
        except (TextReaderUnavailable, ValueError) as exc:
            _failed = True
            log.error("No text reader (%s): photos are described without their text. %s", settings.TEXT_READER, exc)
            return None
        log.info("Text reader %s", _reader.name)
        return _reader


def reset_reader() -> None:
    """Forget the reader (tests, and after settings change)."""
    global _reader, _failed
    with _lock:
        _reader = None
        _failed = False


def with_text(instances: Instances, source: bytes | str | Path | IO[bytes]) -> Instances:
    """``instances`` with the lines read in the upright photo ``source`` (its bytes, as the worker
    read them from storage, a path or a file object),
    unchanged when no reader runs or reading this photo fails (logged)."""
    reader = get_reader()
    if reader is None:
        return instances
    from segmentation.preprocessing import load_image

    try:
        if hasattr(source, "seek"):
            source.seek(0)
        image = load_image(source)
        lines = reader.read(image)
    except Exception:  # noqa: BLE001 - a reader failure must not cost the photo its description
        log.exception("Text reading failed; the photo is described without its text")
        return instances
    if image.size != instances.image_size:
        log.warning("Text read at %s, objects at %s: text left out", image.size, instances.image_size)
        return instances
    return replace(instances, text=lines)
