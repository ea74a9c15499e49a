"""The real (dequantised int8) SSDLite COCO weights on real COCO photos."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from segmentation.result import Instances
from tests.segmentation.conftest import BUS_PHOTO, ELEPHANT_PHOTO, coco_boxes, iou, photo


def best_match(result: Instances, label: str, truth: np.ndarray, min_score: float = 0.4) -> float:
    """Highest IoU between a ``label`` detection scoring > ``min_score`` and an annotated box."""
    pairs = zip(result.labels, result.scores, strict=True)
    keep = [i for i, (name, score) in enumerate(pairs) if name == label and score > min_score]
    if not keep:
        return 0.0
    return float(iou(result.boxes[keep], truth).max())


def test_finds_a_bus(ssdlite) -> None:  # noqa: ANN001
    result = ssdlite.segment_file(BUS_PHOTO)
    assert result.image_size == (640, 427) and result.masks is None
    assert best_match(result, "bus", coco_boxes(BUS_PHOTO.name, "bus")) > 0.5, result.to_dict()


def test_finds_an_elephant(ssdlite) -> None:  # noqa: ANN001
    result = ssdlite.segment_file(str(ELEPHANT_PHOTO))
    assert best_match(result, "elephant", coco_boxes(ELEPHANT_PHOTO.name, "elephant")) > 0.5, result.to_dict()


def test_exif_rotated_upload_gives_upright_coordinates(ssdlite, tmp_path) -> None:  # noqa: ANN001
    """A phone photo stored sideways with EXIF orientation 6 is analysed upright."""
    upright = photo(BUS_PHOTO)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "sideways.jpg"
    upright.transpose(Image.Transpose.ROTATE_90).save(path, format="JPEG", quality=95, exif=exif.tobytes())
    with Image.open(path) as raw:
        assert raw.size == (427, 640)  # pixels really are stored sideways

    rotated = ssdlite.segment_file(path)
    reference = ssdlite.segment(upright)
    assert rotated.image_size == reference.image_size == (640, 427)
    assert rotated.labels[0] == reference.labels[0] == "bus"
    assert iou(rotated.boxes[:1], reference.boxes[:1])[0, 0] > 0.9
    assert best_match(rotated, "bus", coco_boxes(BUS_PHOTO.name, "bus")) > 0.5


def test_twelve_megapixel_upload_boxes_in_original_pixels(ssdlite) -> None:  # noqa: ANN001
    big_size = (4240, 2829)  # the bus photo upscaled to 12 MP
    buffer = io.BytesIO()
    photo(BUS_PHOTO).resize(big_size, Image.Resampling.BICUBIC).save(buffer, format="JPEG", quality=90)
    result = ssdlite.segment_file(buffer.getvalue())
    assert result.image_size == big_size
    scale = np.array([big_size[0] / 640, big_size[1] / 427] * 2)
    assert best_match(result, "bus", coco_boxes(BUS_PHOTO.name, "bus") * scale) > 0.5


def test_batch_of_different_sizes(ssdlite) -> None:  # noqa: ANN001
    images = [photo(BUS_PHOTO), photo(ELEPHANT_PHOTO).resize((300, 500))]
    batch = ssdlite.segment_batch(images)
    for image, batched in zip(images, batch, strict=True):
        single = ssdlite.segment(image)
        assert batched.image_size == image.size
        assert batched.labels == single.labels
        np.testing.assert_allclose(batched.scores, single.scores, atol=1e-4)
        np.testing.assert_allclose(batched.boxes, single.boxes, atol=0.05)
