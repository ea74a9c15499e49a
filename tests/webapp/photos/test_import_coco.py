"""``manage.py import_coco``: photos from COCO annotations, no model run, idempotent."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import PHOTOS
from tests.webapp.search.conftest import ANNOTATIONS
from webapp.photos import files
from webapp.photos.models import DetectedObject, Photo

pytestmark = pytest.mark.django_db


def test_imports_each_image_with_its_annotations_and_no_duplicates(user, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    data = json.loads(ANNOTATIONS.read_text())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_coco", str(ANNOTATIONS), str(PHOTOS), user=user.username)
    photos = Photo.objects.filter(owner=user)
    assert photos.count() == len(data["images"])
    assert {p.status for p in photos} == {Photo.Status.DONE}
    assert {p.model_name for p in photos} == {"coco-annotations"}
    assert all(files.read_bytes(p.thumbnail).startswith(b"\xff\xd8") for p in photos)
    names = {c["id"]: c["name"] for c in data["categories"]}
    for image in data["images"]:
        photo = photos.get(original_name=image["file_name"])
        want = Counter(names[a["category_id"]] for a in data["annotations"] if a["image_id"] == image["id"])
        # Every annotation is an instance; only merged duplicates may be left unstated.
        got = Counter(o.label for o in DetectedObject.objects.filter(photo=photo))
        assert got == want, image["file_name"]
        stated = DetectedObject.objects.filter(photo=photo, certainty="stated").count()
        assert stated == DetectedObject.objects.filter(photo=photo).exclude(certainty="dropped").count()
    bus = photos.get(original_name="000000252639.jpg")
    assert "bus" in bus.suggested_alt.lower()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_coco", str(ANNOTATIONS), str(PHOTOS), user=user.username)
    assert Photo.objects.filter(owner=user).count() == len(data["images"])
    assert Photo.objects.filter(owner=user, original_name="000000252639.jpg").get().pk == bus.pk


def test_crowd_regions_are_skipped_and_missing_images_reported(user, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    data = json.loads(ANNOTATIONS.read_text())
    image = next(i for i in data["images"] if i["file_name"] == "000000054718.jpg")
    crowd = {**data["annotations"][0], "id": 1, "image_id": image["id"], "iscrowd": 1, "category_id": 1}
    subset = {
        "images": [image, {**image, "id": 2, "file_name": "not-there.jpg"}],
        "annotations": [a for a in data["annotations"] if a["image_id"] == image["id"]] + [crowd],
        "categories": data["categories"],
    }
    path = tmp_path / "subset.json"
    path.write_text(json.dumps(subset))
    call_command("import_coco", str(path), str(PHOTOS), user=user.username)
    out = capsys.readouterr()
    assert "1 photo(s) imported" in out.out and "1 crowd region(s) skipped" in out.out
    assert "1 image(s) named in the file are not in the folder" in out.err
    photo = Photo.objects.get(owner=user)
    assert set(DetectedObject.objects.filter(photo=photo).values_list("label", flat=True)) == {"elephant"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json", str(PHOTOS)], "No such annotation file"),
        ([str(ANNOTATIONS), "/nonexistent-folder"], "No such images folder"),
        ([str(PHOTOS / "000000054718.jpg"), str(PHOTOS)], "is not JSON"),
    ],
)
def test_bad_arguments_are_explained(user, args: list[str], message: str) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match=message):
        call_command("import_coco", *args, user=user.username)


def test_unknown_user_is_explained(db) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import_coco", str(ANNOTATIONS), str(PHOTOS), user="nobody")
