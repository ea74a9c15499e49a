"""Upload refusals and the worker's failure messages in the reader's language (issue 18): the
refusal reasons are written in the request's language (the API keeps English unless the request
asks for another), and a failed photo's message is chosen by its ``failure_reason`` code, the
stored English text (marked ``lang="en"``) being the fallback when there is no code."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import jpeg_bytes
from tests.webapp.stored import bearer, stored_photo
from webapp.accounts.models import ApiToken
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db

UPLOAD = reverse("photos:upload")


def choose_ui(client, lang: str) -> None:  # noqa: ANN001
    client.post(reverse("set_language"), {"language": lang, "next": "/"})


def summary(body: str) -> str:
    start = body.index("data-error-summary")
    return body[start : body.index("</div>", start)]


@pytest.mark.parametrize(
    ("lang", "empty", "unreadable"),
    [
        (
            "de",
            "Die Datei ist leer (0 Byte).",
            "Laden Sie eine Datei im Format JPEG, PNG, WebP, GIF, HEIC, TIFF oder BMP hoch.",
        ),
        ("fr", "Le fichier est vide (0 octet).", "Envoyez un fichier JPEG, PNG, WebP, GIF, HEIC, TIFF ou BMP."),
        ("es", "El archivo está vacío (0 bytes).", "Suba un archivo JPEG, PNG, WebP, GIF, HEIC, TIFF o BMP."),
    ],
)
def test_upload_refusals_in_the_pages_language(logged_in, lang, empty, unreadable) -> None:  # noqa: ANN001
    choose_ui(logged_in, lang)
    files = [
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
        SimpleUploadedFile("drawing.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
        SimpleUploadedFile("ok.jpg", jpeg_bytes()),
    ]
    response = logged_in.post(UPLOAD, {"images": files})
    assert response.status_code == 200  # one was accepted
    text = html.unescape(summary(response.content.decode()))
    assert f"empty.jpg: {empty}</a>" in text and unreadable in text
    assert 'lang="en"' not in text  # nothing in the summary is English any more


def test_size_limits_in_german_with_german_numbers(logged_in, settings) -> None:  # noqa: ANN001
    import io

    from PIL import Image

    settings.UPLOAD_MAX_PIXELS = 1_000_000
    choose_ui(logged_in, "de")
    buffer = io.BytesIO()
    Image.new("1", (4000, 3000)).save(buffer, format="PNG")
    response = logged_in.post(UPLOAD, {"images": [SimpleUploadedFile("big.png", buffer.getvalue())]})
    assert response.status_code == 400
    assert "Das Bild hat 4000 × 3000 Pixel (12 Megapixel); erlaubt sind höchstens 1 Megapixel." in html.unescape(
        response.content.decode()
    )


def test_api_refusals_stay_english_unless_the_request_asks(client, user) -> None:  # noqa: ANN001
    token = ApiToken.issue(user, "test")[1]

    def post(**headers: str) -> str:
        bad = SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg")
        response = client.post("/api/photos/", {"image": [bad]}, **bearer(token), **headers)
        assert response.status_code == 400
        return response.json()["rejected"][0]["error"]

    assert post() == "The file is empty (0 bytes)."
    assert post(HTTP_ACCEPT_LANGUAGE="de") == "Die Datei ist leer (0 Byte)."
    assert post(HTTP_ACCEPT_LANGUAGE="en") == "The file is empty (0 bytes)."


def failed(user, reason: str, message: str) -> Photo:  # noqa: ANN001
    photo = stored_photo(user, "park.jpg")
    Photo.objects.filter(pk=photo.pk).update(
        status=Photo.Status.FAILED, status_message=message, last_error=message, failure_reason=reason, attempts=2
    )
    return Photo.objects.get(pk=photo.pk)


def detail(client, photo: Photo) -> str:  # noqa: ANN001
    response = client.get(reverse("photos:detail", args=[photo.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("reason", "german"),
    [
        (Photo.FailureReason.MODEL_ERROR, "Das Modell ist an diesem Foto gescheitert. Versuchen Sie es erneut."),
        (
            Photo.FailureReason.NO_WEIGHTS,
            "Es sind keine Modellgewichte installiert, daher wurde kein Alt-Text geschrieben.",
        ),
        (Photo.FailureReason.UNDECODABLE, "Das Bild konnte nicht gelesen werden; laden Sie es erneut hoch."),
    ],
)
def test_failure_message_by_its_code_in_german(logged_in, user, reason, german) -> None:  # noqa: ANN001
    photo = failed(user, reason, "Something the worker wrote in English (RuntimeError).")
    choose_ui(logged_in, "de")
    body = detail(logged_in, photo)
    assert f'<p class="message message-error">{german}</p>' in body
    assert f"Letztes Problem: <span>{german}</span>" in body
    assert "RuntimeError" not in body
    library = html.unescape(logged_in.get(reverse("photos:library")).content.decode())
    assert f"<span>{german}</span>" in library and "RuntimeError" not in library


def test_every_code_has_a_message_in_every_language() -> None:
    from django.utils import translation

    from webapp.photos.failures import FAILURE_MESSAGES

    assert set(FAILURE_MESSAGES) == set(Photo.FailureReason.values)
    for lang in ("de", "fr", "es"):
        with translation.override(lang):
            for code, message in FAILURE_MESSAGES.items():
                with translation.override("en"):
                    english = str(message)
                assert str(message) != english, (lang, code)


def test_english_text_kept_and_marked_without_a_code_or_for_a_workers_detail(logged_in, user) -> None:  # noqa: ANN001
    photo = failed(user, "", "An old failure stored before codes (ValueError).")
    choose_ui(logged_in, "de")
    body = detail(logged_in, photo)
    assert '<p class="message message-error" lang="en">An old failure stored before codes (ValueError).</p>' in body
    # A dead-lettered photo: its message by the code, the last attempt's detail in English.
    Photo.objects.filter(pk=photo.pk).update(
        failure_reason=Photo.FailureReason.DEAD_LETTERED,
        status_message="Set aside after 3 attempts: ...",
        last_error="attempt 3 stopped before finishing (worker lost)",
    )
    body = detail(logged_in, photo)
    assert "Nach zu vielen Versuchen zurückgestellt" in body
    assert 'Letztes Problem: <span lang="en">attempt 3 stopped before finishing (worker lost)</span>' in body


def test_english_pages_keep_the_stored_details(logged_in, user) -> None:  # noqa: ANN001
    photo = failed(user, Photo.FailureReason.MODEL_ERROR, "The model failed on this photo (RuntimeError). Try again.")
    body = detail(logged_in, photo)
    assert re.search(r'<p class="message message-error">The model failed on this photo \(RuntimeError\)', body)


def test_too_many_files_in_german(logged_in, settings) -> None:  # noqa: ANN001
    settings.UPLOAD_MAX_FILES = 2
    choose_ui(logged_in, "de")
    files = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes()) for i in range(3)]
    response = logged_in.post(UPLOAD, {"images": files})
    assert response.status_code == 400
    assert "Sie haben 3 Dateien gewählt; laden Sie höchstens 2 auf einmal hoch." in response.content.decode()


def test_the_polling_status_says_the_failure_in_the_pages_language(logged_in, user) -> None:  # noqa: ANN001
    photo = failed(user, Photo.FailureReason.MODEL_ERROR, "The model failed on this photo (RuntimeError). Try again.")
    url = reverse("photos:status")
    english = logged_in.get(url, {"ids": str(photo.pk)}).json()["photos"][0]
    assert (english["message"], english["message_lang"]) == (photo.status_message, "en")
    choose_ui(logged_in, "de")
    german = logged_in.get(url, {"ids": str(photo.pk)}).json()["photos"][0]
    assert (german["message"], german["message_lang"]) == (
        "Das Modell ist an diesem Foto gescheitert. Versuchen Sie es erneut.",
        "de",
    )
