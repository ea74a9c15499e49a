"""A photo's suggestion in any language from its stored plan (photos/results.py, issue 18)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from captioning.lang import LANGUAGES
from tests.webapp.described import ALT, LONG, described_photo
from webapp.photos import services
from webapp.photos.models import Photo
from webapp.photos.results import ALT_LANGUAGES, publishable, read_result, suggestion, with_plans

pytestmark = pytest.mark.django_db


def test_the_languages_are_the_captioners() -> None:
    assert ALT_LANGUAGES == tuple(LANGUAGES) and {"en", "de", "fr", "es"} <= set(ALT_LANGUAGES)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_rendered_from_the_stored_plan(user, lang: str) -> None:  # noqa: ANN001
    photo = described_photo(user)
    shown = suggestion(photo, lang)
    assert (shown.alt_text, shown.long_description, shown.lang) == (ALT[lang], LONG[lang], lang)
    # The same from a page of photos whose masks are not loaded, and with the masks loaded.
    listed = with_plans(Photo.objects.filter(pk=photo.pk).defer("result")).get()
    assert suggestion(listed, lang) == shown
    assert suggestion(Photo.objects.get(pk=photo.pk), lang) == shown


def test_a_list_reads_plans_in_its_one_query_without_the_masks(user) -> None:  # noqa: ANN001
    for i in range(3):
        described_photo(user, f"p{i}.jpg")
    photos = with_plans(Photo.objects.filter(owner=user).defer("result"))
    with CaptureQueriesContext(connection) as queries:
        texts = [suggestion(p, "de").alt_text for p in photos]
    assert texts == [ALT["de"]] * 3
    assert len(queries) == 1 and "masks" not in queries[0]["sql"]


def test_the_regions_links_follow_the_language(user) -> None:  # noqa: ANN001
    result = read_result(described_photo(user).result).in_language("fr")
    description = result.description
    assert description.alt_text == ALT["fr"] and description.lang == "fr"
    spans = {description.alt_text[m.start : m.end] for m in description.mentions if m.field == "alt_text"}
    assert {"Une personne", "un chien"} <= spans


def test_a_result_stored_before_plans_keeps_its_english_text(user) -> None:  # noqa: ANN001
    photo = described_photo(user, with_plan=False)
    for lang in ("de", "es"):
        assert suggestion(photo, lang) == suggestion(photo, "en")
        assert suggestion(photo, lang).lang == "en" and suggestion(photo, lang).alt_text == ALT["en"]


def test_an_unreadable_plan_shows_the_stored_text(user, caplog) -> None:  # noqa: ANN001
    photo = described_photo(user)
    photo.result["description"]["plan"] = {"version": 999}
    photo.save()
    assert suggestion(Photo.objects.get(pk=photo.pk), "de").alt_text == ALT["en"]
    assert "does not read" in caplog.text


def test_a_persons_text_keeps_its_language(user) -> None:  # noqa: ANN001
    photo = described_photo(user)
    services.review_alt(photo, action="edit", text="Un chien et son maître au parc", lang="fr")
    for lang in ("en", "de", "fr"):
        alt = publishable(photo, lang)
        assert (alt.text, alt.lang, alt.source) == ("Un chien et son maître au parc", "fr", "edited")
    services.review_alt(photo, action="accept", suggestion=ALT["es"], lang="es")
    assert (photo.accepted_alt, photo.accepted_alt_lang, photo.alt_source) == (ALT["es"], "es", "accepted")
    assert publishable(photo, "de").text == ALT["es"]  # never re-rendered
    services.review_alt(photo, action="decorative")
    assert publishable(photo, "de") == publishable(photo, "en") and publishable(photo, "en").text == ""
    assert photo.accepted_alt_lang == ""


def test_a_not_reviewed_photo_publishes_the_suggestion_in_the_readers_language(user) -> None:  # noqa: ANN001
    photo = described_photo(user)
    alt = publishable(photo, "de")
    assert (alt.text, alt.lang, alt.source) == (ALT["de"], "de", "suggested")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_describe_library_records_render_the_stored_plan(user, lang: str) -> None:  # noqa: ANN001
    from webapp.photos.management.commands.describe import library_record

    photo = described_photo(user)
    record = library_record("park.jpg", photo, lang=lang)
    assert (record["alt_text"], record["long_description"], record["lang"]) == (ALT[lang], LONG[lang], lang)
    assert "lang" not in library_record("park.jpg", photo)  # as the owner reads it
    old = described_photo(user, "old.jpg", with_plan=False)  # stored before plans: English
    assert library_record("old.jpg", old, lang="fr")["lang"] == "en"
