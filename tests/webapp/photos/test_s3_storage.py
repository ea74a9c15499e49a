"""Issue 20: photos in S3-compatible object storage (a real ``rclone serve s3``, tests/s3.py), with
no local media folder: upload, the real worker task and model, the owner-only views, the worker's
behaviour when the storage is down."""

from __future__ import annotations

import io
import threading

import pytest
import requests
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO
from tests.webapp.conftest import S3Media, upload_file
from webapp.photos import files, services
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def test_upload_describe_and_serve_from_the_bucket(
    s3_media: S3Media, logged_in, other_user, user, processing, settings, django_capture_on_commit_callbacks
):  # noqa: ANN001, E501
    with processing():
        response = logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    assert response.status_code in (200, 302)
    photo = Photo.objects.get(owner=user)
    # The worker read the image from the bucket and described it: there is no local copy at all.
    assert photo.status == Photo.Status.DONE, photo.status_message
    assert "bus" in photo.suggested_alt.lower()
    assert not settings.MEDIA_ROOT.exists()
    assert s3_media.keys() == sorted([photo.image, photo.thumbnail])
    image, thumb = s3_media.get(photo.image), s3_media.get(photo.thumbnail)
    with Image.open(io.BytesIO(image)) as decoded:
        assert decoded.format == "JPEG" and decoded.size == (photo.width, photo.height)

    # The owner gets the bytes streamed from the bucket, with a length and a validator.
    for kind, body in (("image", image), ("thumb", thumb)):
        served = logged_in.get(reverse(f"photos:{kind}", args=[photo.pk]))
        assert served.status_code == 200
        assert b"".join(served.streaming_content) == body
        assert int(served["Content-Length"]) == len(body)
        assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
        assert served["Cache-Control"].startswith("private")
        again = logged_in.get(reverse(f"photos:{kind}", args=[photo.pk]), HTTP_IF_NONE_MATCH=served["ETag"])
        assert again.status_code == 304 and again["ETag"] == served["ETag"]
    assert logged_in.get(reverse("photos:image", args=[photo.pk]))["ETag"] != served["ETag"]
    overlay = logged_in.get(reverse("photos:overlay", args=[photo.pk]))
    assert overlay.status_code == 200
    with Image.open(io.BytesIO(overlay.content)) as drawn:
        assert drawn.format == "JPEG"

    # Nobody else: another user and an anonymous visitor get nothing out of the bucket.
    stranger, anonymous = Client(), Client()
    stranger.force_login(other_user)
    for name in ("photos:image", "photos:thumb", "photos:overlay"):
        assert stranger.get(reverse(name, args=[photo.pk])).status_code == 404
        assert anonymous.get(reverse(name, args=[photo.pk])).status_code == 302  # to the login page

    # Deleting the photo deletes its objects (once the deletion commits).
    with django_capture_on_commit_callbacks(execute=True):
        assert logged_in.post(reverse("photos:delete", args=[photo.pk])).status_code == 302
    assert s3_media.keys() == []


def test_an_object_missing_from_the_bucket_rejects_that_photo_only(s3_media: S3Media, user, real_segmenter, settings):  # noqa: ANN001, E501
    settings.SEGMENTER_BATCH_SIZE, settings.SEGMENTER_BATCH_WAIT_MS = 2, 0
    lead, companion = (
        o.photo for o in services.create_photos(user, [upload_file(BUS_PHOTO), upload_file(ELEPHANT_PHOTO)])
    )  # noqa: E501
    default_storage.delete(companion.image)
    assert services.process_photo(lead.pk) == "done"
    companion.refresh_from_db()
    assert companion.status == Photo.Status.REJECTED and "missing" in companion.status_message


def test_storage_down_puts_the_batch_back_in_the_queue_uncounted(
    s3_media: S3Media, user, real_segmenter, settings, monkeypatch
):  # noqa: ANN001, E501
    from webapp.settings import s3_storage

    settings.SEGMENTER_BATCH_SIZE, settings.SEGMENTER_BATCH_WAIT_MS = 2, 0
    lead, companion = (
        o.photo for o in services.create_photos(user, [upload_file(BUS_PHOTO), upload_file(ELEPHANT_PHOTO)])
    )  # noqa: E501
    monkeypatch.setenv("AWS_S3_MAX_ATTEMPTS", "1")
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    sent: list[int] = []
    monkeypatch.setattr(services, "send_to_worker", sent.append)
    s3_media.server.stop()
    try:
        with pytest.raises(files.StorageUnavailable):
            services.process_photo(lead.pk)
    finally:
        s3_media.server.start()
    for photo in (lead, companion):
        photo.refresh_from_db()
        # Not the photo's fault: queued again as it was, no attempt used, no error on record.
        assert (photo.status, photo.attempts, photo.last_error) == (Photo.Status.QUEUED, 0, "")
    assert sent == [companion.pk]  # the lead comes back through the task's own retry
    assert services.process_photo(lead.pk) == "done"
    assert {p.status for p in Photo.objects.all()} == {Photo.Status.DONE}


def test_upload_while_the_storage_is_down_is_a_clear_503_and_leaves_nothing(
    s3_media: S3Media, logged_in, settings, monkeypatch
):  # noqa: ANN001, E501
    from webapp.settings import s3_storage

    monkeypatch.setenv("AWS_S3_MAX_ATTEMPTS", "1")
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    s3_media.server.stop()
    try:
        response = logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    finally:
        s3_media.server.start()
    assert response.status_code == 503
    assert services.STORAGE_DOWN_MESSAGE in response.content.decode()
    assert not Photo.objects.exists() and s3_media.keys() == []
    # Back up: the same upload goes through.
    assert logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]}).status_code == 302
    assert len(s3_media.keys()) == 2


def test_api_upload_while_the_storage_is_down_is_a_503_to_retry(s3_media: S3Media, user, settings, monkeypatch):  # noqa: ANN001, E501
    from webapp.accounts.tokens import issue_token
    from webapp.settings import s3_storage

    monkeypatch.setenv("AWS_S3_MAX_ATTEMPTS", "1")
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    _, secret = issue_token(user, "uploads")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    s3_media.server.stop()
    try:
        response = Client().post("/api/photos/", {"image": [upload_file(BUS_PHOTO)]}, **auth)
    finally:
        s3_media.server.start()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "storage_unavailable" and body["error"] == services.STORAGE_DOWN_MESSAGE
    assert not Photo.objects.exists() and s3_media.keys() == []
    assert Client().post("/api/photos/", {"image": [upload_file(BUS_PHOTO)]}, **auth).status_code == 202


def test_optional_redirect_to_a_short_lived_signed_url(s3_media: S3Media, logged_in, user, other_user, settings):  # noqa: ANN001, E501
    settings.MEDIA_REDIRECT_SECONDS = 60
    photo = services.create_photos(user, [upload_file(BUS_PHOTO)])[0].photo
    response = logged_in.get(reverse("photos:thumb", args=[photo.pk]))
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(s3_media.server.endpoint_url) and "X-Amz-Expires=60" in url
    # The browser follows it with no session and no keys: the bucket checks the signature.
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == s3_media.get(photo.thumbnail)
    assert fetched.headers["Content-Type"] == "image/jpeg"
    signature = url.rsplit("X-Amz-Signature=", 1)[1]
    forged = url.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    assert requests.get(forged, timeout=10).status_code == 403
    assert requests.get(url.replace(photo.thumbnail, photo.image), timeout=10).status_code == 403
    # (Expiry is checked by tests/test_s3.py against the same server.) Others still get a 404.
    stranger = Client()
    stranger.force_login(other_user)
    assert stranger.get(reverse("photos:thumb", args=[photo.pk])).status_code == 404


def test_redirect_setting_streams_anyway_from_a_local_folder(logged_in, user, settings):  # noqa: ANN001
    settings.MEDIA_REDIRECT_SECONDS = 60
    photo = services.create_photos(user, [upload_file(BUS_PHOTO)])[0].photo
    response = logged_in.get(reverse("photos:image", args=[photo.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == files.read_bytes(photo.image)


def test_a_storage_restart_of_a_second_is_ridden_out(s3_media: S3Media, user, real_segmenter) -> None:  # noqa: ANN001
    """botocore's retries with the default settings (AWS_S3_MAX_ATTEMPTS, backoff) cover an
    endpoint restart: neither the upload nor the worker's read fails while the server is down for
    about a second (the jittered backoff gives up that soon about once in 10^5 runs)."""
    for step in ("upload", "worker"):
        if step == "worker":
            photo = Photo.objects.get(owner=user)
        s3_media.server.stop()
        restart = threading.Timer(1.0, s3_media.server.start)
        restart.start()
        try:
            if step == "upload":
                (outcome,) = services.create_photos(user, [upload_file(BUS_PHOTO)])
                assert outcome.photo is not None, outcome.error
            else:
                assert services.process_photo(photo.pk) == "done"
        finally:
            restart.join()
    assert len(s3_media.keys()) == 2
