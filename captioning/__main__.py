"""``python -m captioning --instances INSTANCES.json [--results RESULTS.json] [--lang de]``: one JSON line per image.

Each line is ``{"image_id", "alt_text", "long_description"}`` in ``--lang`` (default ``en``; any
code of :data:`captioning.lang.LANGUAGES`). Without ``--results`` the
ground-truth annotations are described (crowd regions as "a group of"); with a COCO results file
the detections at or above ``--min-score`` are, with the thresholds of ``--model``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from captioning.describe import describe
from captioning.evaluate import DEFAULT_RESULTS_MODEL, load_images
from captioning.lang import DEFAULT_LANGUAGE, LANGUAGES
from captioning.thresholds import GROUND_TRUTH_MODEL


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m captioning", description=__doc__)
    parser.add_argument("--instances", type=Path, required=True, help="COCO instances file")
    parser.add_argument("--results", type=Path, default=None, help="COCO results file (default: ground truth)")
    parser.add_argument("--min-score", type=float, default=0.25, help="segmenter floor applied to results")
    parser.add_argument("--model", default=None, help="thresholds table to use for results")
    parser.add_argument(
        "--lang", default=DEFAULT_LANGUAGE, help=f"language of the text: {', '.join(sorted(LANGUAGES))} (default en)"
    )
    args = parser.parse_args(argv)
    if args.lang not in LANGUAGES:
        parser.error(f"unknown language {args.lang!r}; known: {', '.join(sorted(LANGUAGES))}")
    model = args.model or (DEFAULT_RESULTS_MODEL if args.results is not None else GROUND_TRUTH_MODEL)
    for image, instances, crowd, _ in load_images(args.instances, args.results, min_score=args.min_score, model=model):
        d = describe(instances, crowd=crowd, lang=args.lang)
        line = {"image_id": int(image["id"]), "alt_text": d.alt_text, "long_description": d.long_description}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
