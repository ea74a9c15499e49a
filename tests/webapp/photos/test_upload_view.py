from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO, jpeg_bytes
from tests.webapp.conftest import upload_file
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db
URL = reverse("photos:upload")


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_form_has_labelled_multiple_file_input(logged_in):
    html = logged_in.get(URL).content.decode()
    assert '<label for="id_images">' in html
    assert 'type="file" id="id_images" name="images" multiple' in html


def test_upload_two_real_photos_queues_and_describes_them(logged_in, user, processing):
    with processing():
        response = logged_in.post(URL, {"images": [upload_file(BUS_PHOTO), upload_file(ELEPHANT_PHOTO)]})
    assert response.status_code == 302
    photos = {p.original_name: p for p in Photo.objects.filter(owner=user)}
    assert set(photos) == {BUS_PHOTO.name, ELEPHANT_PHOTO.name}
    bus, elephants = photos[BUS_PHOTO.name], photos[ELEPHANT_PHOTO.name]
    assert bus.status == Photo.Status.DONE, bus.status_message
    assert "bus" in bus.suggested_alt.lower()
    assert "elephant" in elephants.suggested_alt.lower()
    assert bus.detections.filter(label="bus").exists()
    assert (bus.width, bus.height) == (640, 427)
    library = logged_in.get(reverse("photos:library")).content.decode()
    assert "2 photos uploaded and queued" in library


def test_upload_only_enqueues_after_commit(logged_in, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        logged_in.post(URL, {"images": [upload_file(BUS_PHOTO)]})
    assert len(callbacks) == 1
    assert Photo.objects.get(owner=user).status == Photo.Status.QUEUED


def test_bad_file_gets_its_own_error_and_others_go_on(logged_in, user):
    text = SimpleUploadedFile("notes.jpg", b"hello, this is not a photo", content_type="image/jpeg")
    response = logged_in.post(URL, {"images": [text, upload_file(BUS_PHOTO)]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "notes.jpg: This is not an image we can read" in html
    assert Photo.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not an image we can read"),
        (jpeg_bytes()[:200], "damaged"),
    ],
)
def test_rejected_files_get_a_400_with_the_reason(logged_in, user, content, message):
    upload = SimpleUploadedFile("bad.jpg", content, content_type="image/jpeg")
    response = logged_in.post(URL, {"images": [upload]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Photo.objects.exists()


def test_size_cap(logged_in, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = logged_in.post(URL, {"images": [upload_file(BUS_PHOTO)]})
    assert response.status_code == 400
    assert "the limit is 1 KB" in response.content.decode()


def test_pixel_cap_checked_before_decoding(logged_in, settings):
    from PIL import Image

    settings.UPLOAD_MAX_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("1", (4000, 3000)).save(buffer, format="PNG")  # 12 MP in a few KB
    response = logged_in.post(URL, {"images": [SimpleUploadedFile("big.png", buffer.getvalue())]})
    assert response.status_code == 400
    assert "4000×3000 pixels" in response.content.decode()


def test_too_many_files(logged_in, settings):
    settings.UPLOAD_MAX_FILES = 2
    files = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes()) for i in range(3)]
    response = logged_in.post(URL, {"images": files})
    assert response.status_code == 400
    assert "upload at most 2 at a time" in response.content.decode()


def test_no_file_chosen(logged_in):
    response = logged_in.post(URL, {})
    assert response.status_code == 400
    assert "Choose at least one photo" in response.content.decode()


def test_errors_are_summarised_and_tied_to_the_field(logged_in):
    response = logged_in.post(reverse("photos:upload"), {})
    html = response.content.decode()
    assert "<title>Error: Upload photos" in html
    summary = html[html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))]
    assert 'role="alert"' in html and "hidden" not in summary
    assert '<li><a href="#id_images">Choose at least one photo to upload.</a></li>' in summary
    assert 'aria-describedby="images-error images-hint" aria-invalid="true"' in html
    assert '<p class="error-message" id="images-error">Error: Choose at least one photo' in html


def test_form_without_errors_keeps_a_hidden_summary_and_a_status_region(logged_in):
    html = logged_in.get(reverse("photos:upload")).content.decode()
    assert "data-error-summary hidden>" in html  # ready for the client-side check to fill
    assert "aria-invalid" not in html
    assert '<p class="hint upload-status" id="upload-status" role="status" aria-live="polite"></p>' in html
