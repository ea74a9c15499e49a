"""Describe photo files synchronously with the same pipeline the worker uses."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from segmentation.registry import WeightsUnavailable
from webapp.photos import pipeline
from webapp.photos.uploads import DECODE_ERRORS


class Command(BaseCommand):
    help = "Write alt text for image files. With --json, print one JSON object per file and line."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("photos", nargs="+", metavar="PHOTO")
        parser.add_argument("--json", dest="as_json", action="store_true", help="one JSON object per line")
        parser.add_argument("--model", help="backend name (default: SEGMENTER setting)")
        parser.add_argument("--weights", help="state-dict file (default: SEGMENTER_WEIGHTS setting)")

    def handle(
        self, *args: object, photos: list[str], as_json: bool, model: str | None, weights: str | None, **options: object
    ) -> None:
        if model:
            settings.SEGMENTER = model
        if weights:
            settings.SEGMENTER_WEIGHTS = weights
        pipeline.reset_segmenter()
        try:
            pipeline.get_segmenter()
        except (WeightsUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from None
        failures = 0
        for name in photos:
            record = self.describe_one(name)
            failures += "error" in record
            self.emit(record, as_json=as_json)
        if failures:
            sys.exit(1 if failures == len(photos) else 0)

    def describe_one(self, name: str) -> dict:
        path = Path(name)
        if not path.is_file():
            return {"file": name, "error": "No such file."}
        try:
            analysis = pipeline.analyse(path)
        except DECODE_ERRORS as exc:
            return {"file": name, "error": f"Not a readable image ({type(exc).__name__}: {exc})."}
        return {"file": name, **analysis.to_json()}

    def emit(self, record: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        elif "error" in record:
            self.stderr.write(f"{record['file']}: {record['error']}")
        else:
            self.stdout.write(f"{record['file']}\n  alt: {record['alt_text']}\n  long: {record['long_description']}\n")
