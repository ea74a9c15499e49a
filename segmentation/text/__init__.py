"""Reading the text in a photo (signs, labels, screenshots): a stage next to the segmenter.

Importing this package is cheap (no onnxruntime): readers are imported when built.

    from segmentation.preprocessing import load_image
    from segmentation.text import build_text_reader

    reader = build_text_reader("ppocr", threads=1)
    lines = reader.read(load_image("photo.jpg"))   # TextLines, reading order
    lines.confident()                              # the lines safe to quote
    number_plate_lines(lines, instances.labels, instances.boxes)  # lines never to transcribe

Readers (:mod:`segmentation.text.registry`): ``ppocr`` (the default, PP-OCRv5 on onnxruntime; see
:mod:`segmentation.text.ppocr` for why the models run on our own pre/post-processing) and
``tesseract`` (optional, Debian's ``tesseract-ocr``: documents and screenshots). Results are
:class:`TextLines` (:mod:`segmentation.text.result`), in the same pixels as ``Instances``.
"""

from __future__ import annotations

from segmentation.text.plates import VEHICLE_LABELS, is_number_plate, looks_like_plate_text, number_plate_lines
from segmentation.text.registry import (
    ReaderSpec,
    TextReader,
    TextReaderOptions,
    TextReaderUnavailable,
    build_text_reader,
    get_reader,
    reader_names,
    register_reader,
)
from segmentation.text.result import TextLine, TextLines, reading_order

__all__ = [
    "VEHICLE_LABELS",
    "ReaderSpec",
    "TextLine",
    "TextLines",
    "TextReader",
    "TextReaderOptions",
    "TextReaderUnavailable",
    "build_text_reader",
    "get_reader",
    "is_number_plate",
    "looks_like_plate_text",
    "number_plate_lines",
    "reader_names",
    "reading_order",
    "register_reader",
]
