"""Tesseract (Debian's ``tesseract-ocr``) as a text reader: a thin wrapper over its command line.

Tesseract is a document reader: strong on scans, screenshots and slides (dark text on a plain
background, horizontal lines), weak on scene text (signs at an angle, busy backgrounds), where
``ppocr`` is the reader to use. It reads other scripts when their language data is installed
(``tesseract-ocr-deu``, ``-fra``, ...; choose with ``$TESSERACT_LANGS``, default ``eng``).

One ``tesseract`` process per photo: the PNG goes in on stdin, its TSV (one row per word with its
box and confidence) comes back on stdout. Page segmentation mode 11 ("sparse text": find as much
text as possible in no particular order) suits photos; the words are grouped into lines by
Tesseract's own block/paragraph/line numbers. Each line's polygon is its axis-aligned box (Tesseract
does not report rotated boxes) in the input image's pixels; its confidence is the mean of its
words' confidences divided by 100. ``threads`` sets ``OMP_THREAD_LIMIT``.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

from PIL import Image

from segmentation.text.registry import TextReaderOptions, TextReaderUnavailable
from segmentation.text.result import TextLine, TextLines

__all__ = ["CONFIDENT_READING", "LANGS_ENV_VAR", "TesseractReader", "build_tesseract"]

#: Tesseract's word confidences (0-100, here divided by 100) are on their own scale and crowd
#: just below 0.97 even for clean text (a slide: 0.962-0.967). Measured on the synthetic set of
#: ``bench/text_reading.py synthetic --reader tesseract`` (bench/README.md): at 0.93, 14 right
#: lines, 7 wrong, 3 one-letter strays (punctuation-only "words" dropped); at 0.85 already 4 strays
#: and 14 wrong, at 0.95 the slide's lines start to fall out.
CONFIDENT_READING = 0.93

#: Environment variable with Tesseract's language codes, ``+``-separated (``eng+deu``).
LANGS_ENV_VAR = "TESSERACT_LANGS"
_TIMEOUT_S = 60


@dataclass(frozen=True)
class _Word:
    key: tuple[int, int, int]
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str


class TesseractReader:
    """Runs ``tesseract`` per photo. Build with :func:`build_tesseract`."""

    name = "tesseract"

    def __init__(self, executable: str, langs: str, options: TextReaderOptions) -> None:
        self.executable = executable
        self.langs = langs
        self.options = options

    def _tsv(self, image: Image.Image) -> str:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        env = dict(os.environ)
        if self.options.threads is not None:
            env["OMP_THREAD_LIMIT"] = str(self.options.threads)
        done = subprocess.run(
            [self.executable, "stdin", "stdout", "-l", self.langs, "--psm", "11", "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=_TIMEOUT_S,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tesseract failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
        return done.stdout.decode("utf-8", errors="replace")

    def read(self, image: Image.Image) -> TextLines:
        """Read the text in an upright RGB image; coordinates in its pixels."""
        if image.mode != "RGB":
            image = image.convert("RGB")
        words: list[_Word] = []
        for row in csv.DictReader(io.StringIO(self._tsv(image)), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            # Level 5 rows are words. On photos Tesseract "reads" edges and textures as "=", "|",
            # "~" with high confidence: a word without a letter or digit is dropped.
            if row.get("level") != "5" or not any(c.isalnum() for c in text) or float(row["conf"]) < 0:
                continue
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            box = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
            words.append(_Word(key, *box, float(row["conf"]) / 100.0, text))
        grouped: dict[tuple[int, int, int], list[_Word]] = {}
        for word in words:
            grouped.setdefault(word.key, []).append(word)
        lines = []
        for group in grouped.values():
            group.sort(key=lambda w: w.left)
            confidence = sum(w.confidence for w in group) / len(group)
            if confidence < self.options.min_confidence:
                continue
            x0, y0 = min(w.left for w in group), min(w.top for w in group)
            x1, y1 = max(w.left + w.width for w in group), max(w.top + w.height for w in group)
            polygon = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
            lines.append(TextLine(" ".join(w.text for w in group), confidence, polygon))
        return TextLines(image.size, tuple(lines), reader=self.name, confident_at=CONFIDENT_READING)


def build_tesseract(*, options: TextReaderOptions) -> TesseractReader:
    """The ``tesseract`` reader. Checks the executable and the language data now, so a missing
    install is reported when the worker starts, not on the first photo.

    Raises:
        TextReaderUnavailable: ``tesseract`` or a language's data is not installed.
    """
    executable = shutil.which("tesseract")
    if executable is None:
        raise TextReaderUnavailable(
            "the tesseract text reader needs the tesseract command, which is not installed.\n"
            "To fix: apt-get install tesseract-ocr (Debian; English data included), or use the ppocr reader."
        )
    langs = os.environ.get(LANGS_ENV_VAR, "eng")
    listed = subprocess.run([executable, "--list-langs"], capture_output=True, timeout=_TIMEOUT_S, check=False)
    have = (
        {line.strip() for line in listed.stdout.decode(errors="replace").splitlines()[1:]}
        if listed.returncode == 0
        else set()
    )
    missing = [lang for lang in langs.split("+") if lang not in have]
    if missing:
        raise TextReaderUnavailable(
            f"Tesseract has no language data for {', '.join(missing)} ({LANGS_ENV_VAR}={langs!r}); installed: "
            f"{', '.join(sorted(have)) or 'none'}.\nTo fix: apt-get install "
            + " ".join(f"tesseract-ocr-{lang}" for lang in missing)
            + f", or set {LANGS_ENV_VAR} to installed languages."
        )
    return TesseractReader(executable, langs, options)
