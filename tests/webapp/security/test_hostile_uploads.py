"""Every kind in the hostile corpus ends in a clear 4xx message or a photo processed by the real
task and model; never a 500, never original bytes served back. In-process (the same views and
task the stack runs); ``tests/webapp/reliability`` sends the same corpus through gunicorn and a
real worker."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import ROOT, jpeg_bytes
from tests.webapp.security.corpus import ACCEPT, KINDS, Kind, bus, save
from webapp.accounts.models import ApiToken
from webapp.photos import files, pipeline
from webapp.photos.models import Photo
from webapp.photos.uploads import normalise_upload

pytestmark = pytest.mark.django_db

OUTCOMES: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def outcome_table():
    """Writes what each kind got to ``test-artifacts/hostile-uploads.json`` (for the report)."""
    yield OUTCOMES
    if OUTCOMES:
        out = ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        (out / "hostile-uploads.json").write_text(json.dumps(OUTCOMES, indent=1, ensure_ascii=False))


@pytest.fixture
def token(user) -> str:
    return ApiToken.issue(user, "corpus")[1]


@pytest.fixture(scope="module")
def upright_bus_boxes(real_segmenter) -> list[list[float]]:
    """Bus boxes of the upright photo, as stored (re-encoded) and analysed by the real model."""
    data = save(bus(), "JPEG", quality=92)
    stored = normalise_upload(io.BytesIO(data), size=len(data), max_bytes=10**8, max_pixels=10**8).jpeg
    analysis = pipeline.analyse(io.BytesIO(stored))
    return [list(o.box) for o in analysis.description.objects if o.label == "bus" and o.certainty != "dropped"]


def bus_boxes(photo: Photo) -> list[list[float]]:
    return [list(o.box) for o in photo.detections.filter(label="bus").exclude(certainty="dropped")]


def post_api(client, token: str, files: list[SimpleUploadedFile]):  # noqa: ANN001, ANN201
    return client.post("/api/photos/", {"image": files}, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_hostile_file(kind: Kind, client, user, token, processing, request) -> None:  # noqa: ANN001
    client.force_login(user)
    upload = SimpleUploadedFile(kind.filename, kind.make(), content_type=kind.content_type)
    with processing():
        response = post_api(client, token, [upload])
    body = response.json()

    if kind.expect != ACCEPT:
        assert response.status_code == 400, body
        assert kind.expect in body["rejected"][0]["error"], body
        assert not Photo.objects.exists()
        OUTCOMES[kind.name] = f"400: {body['rejected'][0]['error']}"
        return

    assert response.status_code == 202, body
    photo = Photo.objects.get(pk=body["photos"][0]["id"])
    # Processed by the real task and model, to the end, with one result.
    assert photo.status == Photo.Status.DONE, photo.status_message
    assert photo.attempts == 1
    stated = [o for o in photo.result["description"]["objects"]]
    assert photo.detections.count() == len(stated)
    # Stored and served: a fresh JPEG without metadata or payload, never the uploaded bytes.
    stored = files.read_bytes(photo.image)
    thumb = files.read_bytes(photo.thumbnail)
    assert stored.startswith(b"\xff\xd8\xff") and thumb.startswith(b"\xff\xd8\xff")
    for payload in kind.forbidden:
        assert payload not in stored and payload not in thumb
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == (photo.width, photo.height)
        assert "exif" not in image.info and "icc_profile" not in image.info
    served = client.get(reverse("photos:image", args=[photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == stored
    # The display name has no folders or control characters and fits the column.
    assert "/" not in photo.original_name and "\\" not in photo.original_name
    assert all(ch.isprintable() for ch in photo.original_name) and len(photo.original_name) <= 255
    # Stored under a name of its own making, inside its owner's folder, whatever the upload was called.
    assert photo.image.startswith(files.owner_folder(photo.owner_id) + "/") and ".." not in photo.image

    if kind.orientation:
        # Positioned as the person sees the photo: the stored image is upright and the bus
        # boxes are where they are in the upright photo (JPEG/HEIC re-encoding moves them a little).
        assert (photo.width, photo.height) == (640, 427)
        upright_bus_boxes = request.getfixturevalue("upright_bus_boxes")
        tolerance = 16 if kind.name.startswith("heic") else 8
        found = bus_boxes(photo)
        assert found, photo.suggested_alt
        best = max(photo.detections.filter(label="bus"), key=lambda o: o.score).box
        assert any(all(abs(a - b) <= tolerance for a, b in zip(best, ref, strict=True)) for ref in upright_bus_boxes), (
            best,
            upright_bus_boxes,
        )
    if kind.name == "16-bit-grey-png":
        with Image.open(io.BytesIO(stored)) as image:
            low, high = image.convert("L").getextrema()
        assert low < 40 and high > 215  # the ramp kept its range, not clipped to white
    OUTCOMES[kind.name] = f"202, {photo.status}: {photo.suggested_alt or '(no objects)'}"


def test_the_corpus_has_at_least_30_kinds() -> None:
    assert len({k.name for k in KINDS}) == len(KINDS) >= 30


# --- Request-level hostile input ---------------------------------------------------------------


def small_files(n: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(n)]


def test_more_files_than_allowed(client, user, token, settings) -> None:  # noqa: ANN001
    n = settings.UPLOAD_MAX_FILES + 1
    response = post_api(client, token, small_files(n))
    assert response.status_code == 400
    assert f"at most {settings.UPLOAD_MAX_FILES}" in response.json()["error"]
    client.force_login(user)
    page = client.post(reverse("photos:upload"), {"images": small_files(n)})
    assert page.status_code == 400 and f"at most {settings.UPLOAD_MAX_FILES}" in page.content.decode()
    assert not Photo.objects.exists()
    OUTCOMES["more-files-than-allowed"] = f"400: {response.json()['error']}"


def test_oversized_body_is_refused_before_reading(client, user, token, settings) -> None:  # noqa: ANN001
    settings.UPLOAD_MAX_REQUEST_BYTES = 100_000
    big = SimpleUploadedFile("big.jpg", save(bus(), "JPEG", quality=95), content_type="image/jpeg")
    response = post_api(client, token, [big])
    assert response.status_code == 413
    assert "at most 98 KB" in response.json()["error"]
    client.force_login(user)
    big.seek(0)
    page = client.post(reverse("photos:upload"), {"images": [big]})
    assert page.status_code == 413 and "at most 98 KB" in page.content.decode()
    assert not Photo.objects.exists()
    OUTCOMES["oversized-body"] = f"413: {response.json()['error']}"


def test_oversized_file(client, token, settings) -> None:  # noqa: ANN001
    settings.UPLOAD_MAX_BYTES = 50_000
    big = SimpleUploadedFile("big.jpg", save(bus(), "JPEG", quality=95), content_type="image/jpeg")
    response = post_api(client, token, [big, *small_files(1)])
    assert response.status_code == 202  # the small one is accepted, the big one refused by name
    assert response.json()["rejected"] == [{"file": "big.jpg", "error": response.json()["rejected"][0]["error"]}]
    assert "the limit is 49 KB" in response.json()["rejected"][0]["error"]
    OUTCOMES["oversized-file"] = f"per-file rejection: {response.json()['rejected'][0]['error']}"


@pytest.mark.parametrize(
    ("name", "content_type", "body", "extra"),
    [
        ("no-boundary", "multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--", {}),
        ("bad-boundary", "multipart/form-data; boundary=\x00\x01", b"junk", {}),
        ("truncated-part", "multipart/form-data; boundary=XyZ", b'--XyZ\r\nContent-Disposition: name="image"', {}),
        ("garbage-body", "multipart/form-data; boundary=XyZ", bytes(range(256)) * 20, {}),
        ("bad-content-length", "multipart/form-data; boundary=XyZ", b"--XyZ--", {"CONTENT_LENGTH": "12abc"}),
        ("json-to-upload", "application/json", b'{"image": "x"}', {}),
    ],
)
def test_malformed_multipart(client, user, token, name, content_type, body, extra) -> None:  # noqa: ANN001
    response = client.generic(
        "POST", "/api/photos/", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}", **extra
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    client.force_login(user)
    page = client.generic("POST", reverse("photos:upload"), body, content_type=content_type, **extra)
    assert 400 <= page.status_code < 500
    assert not Photo.objects.exists()
    OUTCOMES[f"malformed-multipart-{name}"] = f"{response.status_code}: {response.json()['error']}"
