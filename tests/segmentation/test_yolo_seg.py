"""The YOLO-seg backend with the real Ultralytics exports on hand, on the annotated COCO photos.

The two files cover both output layouts: ``yolo11n-seg_int8.tflite`` has NMS inside the model
(``[1, 300, 38]``, NHWC input, boxes as fractions of the frame) and ``yolov8n-seg_int8_320.onnx``
gives raw candidates (``[1, 116, 2100]``, NCHW input, pixels; class-aware NMS by the backend).
These photos are COCO train2017 (the models saw them): the bar here is "correct", not a quality
figure (those are measured out of sample in ``bench/``).
"""

from __future__ import annotations

import io
import json
import shutil
import warnings
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as mask_utils

from segmentation.coco import category_names
from segmentation.registry import IncompatibleWeights, WeightsUnavailable, build_segmenter, resolve_backend
from segmentation.result import Instances
from segmentation.yolo_seg import YoloPrepared, YoloSegSegmenter
from tests.segmentation.conftest import (
    ANNOTATIONS,
    BUS_PHOTO,
    ELEPHANT_PHOTO,
    PHOTOS,
    SSDLITE,
    YOLO,
    YOLO_ONNX,
    YOLO_TFLITE,
    iou,
    photo,
)

FILES = {"tflite": YOLO_TFLITE, "onnx": YOLO_ONNX}
#: Detections scoring >= 0.5 with no same-class annotation at box IoU >= 0.5, looked at by eye:
#: model errors (at most 2 per file), not decoding errors.
KNOWN_ERRORS = {
    "tflite": {("000000069468.jpg", "person"), ("000000252639.jpg", "car")},
    "onnx": {("000000488571.jpg", "pizza")},  # one box over two pizza slices
}


@cache
def segmenter(kind: str) -> YoloSegSegmenter:
    built = build_segmenter(YOLO, weights_path=str(FILES[kind]), device="cpu", min_score=0.25, torch_threads=1)
    assert isinstance(built, YoloSegSegmenter)
    return built


@cache
def results(kind: str) -> dict[str, Instances]:
    return {p.name: segmenter(kind).segment_file(p) for p in sorted(PHOTOS.glob("*.jpg"))}


@cache
def coco() -> dict:
    return json.loads(ANNOTATIONS.read_text())


def annotations(file_name: str) -> tuple[dict, list[dict]]:
    data = coco()
    image = next(im for im in data["images"] if im["file_name"] == file_name)
    names = {c["id"]: c["name"] for c in data["categories"]}
    anns = [dict(a, name=names[a["category_id"]]) for a in data["annotations"] if a["image_id"] == image["id"]]
    return image, anns


def gt_mask(ann: dict, height: int, width: int) -> np.ndarray:
    segm = ann["segmentation"]
    if isinstance(segm, list):
        rle = mask_utils.merge(mask_utils.frPyObjects(segm, height, width))
    elif isinstance(segm["counts"], list):
        rle = mask_utils.frPyObjects(segm, height, width)
    else:
        rle = segm
    with warnings.catch_warnings():  # pycocotools vs numpy 2 copy-keyword noise
        warnings.simplefilter("ignore", DeprecationWarning)
        return mask_utils.decode(rle).astype(bool)


@pytest.mark.parametrize("kind", FILES)
def test_confident_detections_are_annotated_objects_with_good_masks(kind: str) -> None:
    errors, mask_ious = set(), []
    for file_name, result in results(kind).items():
        image, anns = annotations(file_name)
        width, height = image["width"], image["height"]
        assert result.image_size == (width, height)
        assert result.model == f"yolo_seg:{FILES[kind].stem}"
        assert result.masks is not None and len(result) <= 100
        for i in np.flatnonzero(result.scores >= 0.5):
            same = [a for a in anns if a["name"] == result.labels[i]]
            boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in (a["bbox"] for a in same)]).reshape(-1, 4)
            overlap = iou(result.boxes[i : i + 1], boxes)[0] if same else np.zeros(0)
            if not same or overlap.max() < 0.5:
                errors.add((file_name, result.labels[i]))
                continue
            # Boxes are in original pixels (IoU >= 0.5 above); the mask covers the whole photo at
            # working resolution: scale it up to compare with the annotation.
            match = same[int(overlap.argmax())]
            mask = np.asarray(Image.fromarray(result.masks[i]).resize((width, height), Image.Resampling.NEAREST))
            truth = gt_mask(match, height, width)
            mask_ious.append((mask & truth).sum() / (mask | truth).sum())
    assert errors == KNOWN_ERRORS[kind]
    assert len(mask_ious) >= 20
    assert np.mean(mask_ious) >= 0.7, sorted(mask_ious)


@pytest.mark.parametrize("kind", FILES)
def test_contract_and_working_resolution(kind: str) -> None:
    seg = segmenter(kind)
    result = results(kind)[BUS_PHOTO.name]
    frame_w, frame_h = seg.input_size
    assert (frame_w, frame_h) == ((640, 640) if kind == "tflite" else (320, 320))  # read from the file
    # 640x427 photo: letterbox inner size, the masks' working resolution.
    assert result.mask_size == (round(427 * frame_w / 640), frame_w)
    assert np.all(np.diff(result.scores) <= 0) and np.all(result.scores >= 0.25)
    assert result.scores.dtype == np.float32 and result.boxes.dtype == np.float32
    assert {"bus", "car"} <= set(result.labels)
    # Every mask lies within its box (scaled to working pixels, one pixel of rounding).
    h, w = result.mask_size
    for box, mask in zip(result.boxes, result.masks, strict=True):
        rows, cols = np.nonzero(mask)
        if rows.size:
            assert cols.min() >= box[0] * w / 640 - 1 and cols.max() <= box[2] * w / 640 + 1
            assert rows.min() >= box[1] * h / 427 - 1 and rows.max() <= box[3] * h / 427 + 1
    # Elephants: four, masks cover a good share of the photo.
    elephants = results(kind)[ELEPHANT_PHOTO.name]
    assert elephants.labels.count("elephant") == 4
    assert elephants.area_fractions().sum() > 0.4


def test_boxes_in_original_pixels_of_a_big_photo() -> None:
    small = results("tflite")[ELEPHANT_PHOTO.name]
    big = segmenter("tflite").segment(photo(ELEPHANT_PHOTO).resize((1920, 1440), Image.Resampling.BICUBIC))
    assert big.image_size == (1920, 1440) and big.mask_size == small.mask_size == (480, 640)
    assert big.labels[:4] == small.labels[:4]
    overlap = iou(big.boxes[:4] / 3.0, small.boxes[:4])
    assert np.all(np.diag(overlap) > 0.9), overlap


def test_bytes_and_file_objects_give_what_a_path_gives() -> None:
    """The worker hands the segmenter the bytes it read from storage: same instances as the path."""
    data = BUS_PHOTO.read_bytes()
    model = segmenter("tflite")
    from_path, from_bytes, from_file = model.infer(model.prepare_many([BUS_PHOTO, data, io.BytesIO(data)]))
    assert len(from_path) > 0
    for other in (from_bytes, from_file):
        assert other.labels == from_path.labels
        np.testing.assert_array_equal(other.boxes, from_path.boxes)
        np.testing.assert_array_equal(other.masks, from_path.masks)


@pytest.mark.parametrize("orientation", [6, 3])
def test_exif_rotated_photo_gives_the_same_instances(orientation: int) -> None:
    upright = photo(BUS_PHOTO)
    stored = upright.transpose(Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_180)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, format="PNG", exif=exif)  # lossless: the upright pixels are exactly the photo's
    rotated = segmenter("tflite").segment_file(io.BytesIO(buffer.getvalue()))
    reference = segmenter("tflite").segment(upright)
    assert rotated.image_size == reference.image_size == upright.size
    assert rotated.labels == reference.labels
    np.testing.assert_allclose(rotated.boxes, reference.boxes, atol=1e-3)
    np.testing.assert_array_equal(rotated.masks, reference.masks)
    # And the stored (sideways) pixels without the tag give other, sideways instances.
    sideways = segmenter("tflite").segment(stored)
    assert sideways.image_size == stored.size
    assert sideways.boxes.shape != reference.boxes.shape or not np.allclose(sideways.boxes, reference.boxes, atol=5)


@pytest.mark.parametrize("kind", FILES)
def test_auto_recognises_the_file_by_its_bytes(kind: str, tmp_path: Path) -> None:
    renamed = tmp_path / "model.bin"
    shutil.copyfile(FILES[kind], renamed)
    resolved = resolve_backend("auto", renamed)
    assert resolved.name == YOLO and resolved.explicit and resolved.weights_file == renamed


def test_a_yolo_file_given_to_another_backend_says_which_to_use() -> None:
    with pytest.raises(IncompatibleWeights, match="use backend 'yolo_seg'"):
        resolve_backend(SSDLITE, YOLO_TFLITE)


def _tflite_with_metadata(tmp_path: Path, **changes: object) -> Path:
    """A copy of the TFLite export whose appended metadata says something else."""
    path = tmp_path / "changed.tflite"
    shutil.copyfile(YOLO_TFLITE, path)
    with zipfile.ZipFile(YOLO_TFLITE) as archive:
        meta = json.loads(archive.read("metadata.json"))
    meta.update(changes)
    # Appending a second metadata.json: readers take the last entry of a name.
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("metadata.json", json.dumps(meta))
    return path


def test_a_model_with_non_coco_classes_is_refused_naming_them(tmp_path: Path) -> None:
    import onnx

    model = onnx.load(str(YOLO_ONNX))
    names = dict(enumerate(category_names()))
    names.update({5: "unicorn", 7: "Hover Board"})
    for prop in model.metadata_props:
        if prop.key == "names":
            prop.value = repr(names)
    odd = tmp_path / "odd-classes.onnx"
    onnx.save(model, str(odd))
    with pytest.raises(IncompatibleWeights) as info:
        build_segmenter("auto", weights_path=odd, device="cpu")
    message = str(info.value)
    assert "'unicorn'" in message and "'Hover Board'" in message and "'person'" not in message

    tflite = _tflite_with_metadata(tmp_path, names={"0": "person", "1": "dragon"})
    with pytest.raises(IncompatibleWeights, match="'dragon'"):
        build_segmenter(YOLO, weights_path=tflite, device="cpu")


def test_other_files_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    detect = _tflite_with_metadata(tmp_path, task="detect")
    with pytest.raises(IncompatibleWeights, match="'detect' model, not a segmentation"):
        build_segmenter(YOLO, weights_path=detect, device="cpu")
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(IncompatibleWeights, match="not a 'yolo_seg' model file"):
        build_segmenter(YOLO, weights_path=junk, device="cpu")
    with pytest.raises(WeightsUnavailable, match="does not exist"):
        build_segmenter(YOLO, weights_path=tmp_path / "missing.tflite", device="cpu")
    with pytest.raises(WeightsUnavailable, match="yolo export model=yolo11n-seg.pt"):
        build_segmenter(YOLO, device="cpu")
    with pytest.raises(ValueError, match="no random-init"):
        build_segmenter(YOLO, random_init=True, device="cpu")


def _whole_frame_masks(
    seg: YoloSegSegmenter, coeffs: np.ndarray, protos: np.ndarray, boxes: np.ndarray, item: YoloPrepared
) -> np.ndarray:
    """The straightforward decoding the backend's per-box products must equal: every mask
    resampled over the whole working frame, then cropped to ``x0 <= c < x1`` (Ultralytics'
    ``crop_mask``), pixel by pixel."""
    from segmentation.yolo_seg import _bilinear_matrix

    w, h = item.size
    nm, mh, mw = protos.shape
    frame_w, frame_h = seg.input_size
    left, top = item.offset
    rows = _bilinear_matrix(h, top, mh, frame_h)
    cols = _bilinear_matrix(w, left, mw, frame_w)
    logits = (coeffs @ protos.reshape(nm, mh * mw)).reshape(-1, mh, mw)
    frame = np.einsum("ym,kmn->kyn", rows, logits) @ cols.T
    ys, xs = np.arange(h)[None, :, None], np.arange(w)[None, None, :]
    x0, y0, x1, y1 = (boxes[:, i, None, None] for i in range(4))
    return (frame > 0.0) & (ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)


@pytest.mark.parametrize("kind", FILES)
def test_masks_computed_inside_their_boxes_equal_whole_frame_masks(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seg = segmenter(kind)
    calls: list[np.ndarray] = []
    fast = YoloSegSegmenter._masks

    def both(self, coeffs, protos, boxes, item):  # noqa: ANN001, ANN202 - wraps the method under test
        out = fast(self, coeffs, protos, boxes, item)
        expected = _whole_frame_masks(self, coeffs, protos, boxes, item)
        calls.append(np.array([int((out != expected).sum()), out.size, int(out.sum())]))
        return out

    monkeypatch.setattr(YoloSegSegmenter, "_masks", both)
    paths = sorted(PHOTOS.glob("*.jpg"))
    got = seg.decode_outputs(seg.forward([seg.prepare(p) for p in paths]), [seg.prepare(p) for p in paths])
    assert len(calls) == len(paths) and sum(len(r) for r in got) > 20
    differing, total, on = np.sum(calls, axis=0)
    assert on > 0.01 * total  # real masks, not empty frames
    assert differing == 0
