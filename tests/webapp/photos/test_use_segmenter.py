"""``describe --model/--weights`` choose this process's segmenter through one typed pipeline call
(``pipeline.use_segmenter``), not by rewriting settings."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from tests.conftest import BUS_PHOTO, SHARED, SSDLITE_WEIGHTS
from webapp.photos import pipeline

YOLO_ONNX = SHARED / "models" / "yolov8n-seg_int8_320.onnx"


def test_describe_weights_option_uses_that_file_then_settings_again(settings, segmenter_restored) -> None:  # noqa: ANN001
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "auto", str(SSDLITE_WEIGHTS)
    out = io.StringIO()
    call_command("describe", str(BUS_PHOTO), "--json", "--no-progress", "--weights", str(YOLO_ONNX), stdout=out)
    record = json.loads(out.getvalue().splitlines()[0])
    assert record["model"] == "yolo_seg:yolov8n-seg_int8_320" and "bus" in record["alt_text"].lower()
    assert settings.SEGMENTER_WEIGHTS == str(SSDLITE_WEIGHTS)  # settings untouched
    assert pipeline.segmenter_config().weights == YOLO_ONNX
    pipeline.use_segmenter(None)
    assert pipeline.segmenter_config().weights == SSDLITE_WEIGHTS
