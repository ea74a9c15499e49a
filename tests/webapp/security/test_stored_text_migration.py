"""Text stored before every way in refused control characters (issue 17 item 6): the data
migrations take out what ``webapp.text.check_plain_text`` now refuses, from every field text from
people (or from a model reading text in a photo) is kept in, and change nothing the second time."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from tests.webapp.stored import stored_photo
from webapp.accounts.models import ApiToken
from webapp.integrations.models import Webhook
from webapp.photos.models import Photo
from webapp.text import forbidden_character

pytestmark = pytest.mark.django_db

clean_photos = importlib.import_module("webapp.photos.migrations.0003_plain_text").clean_photos
clean_token_names = importlib.import_module("webapp.accounts.migrations.0002_plain_text").clean_token_names
clean_webhooks = importlib.import_module("webapp.integrations.migrations.0003_plain_text").clean_webhooks

# NUL, BEL, ESC, a C1 control, a right-to-left override and an isolate: each refused on the way in.
DIRTY = "a dog\x00on\x07the \x1b[31mgrass\x85 \u202eright\u2066 end"


def test_every_stored_text_field_is_cleaned_once(user, other_user) -> None:  # noqa: ANN001
    # PostgreSQL cannot store a NUL at all (so none can be there to clean): SOH stands in for it.
    nul = "\x01" if connection.vendor == "postgresql" else "\x00"
    dirty_text = DIRTY.replace("\x00", nul)
    dirty = stored_photo(user, "dirty.jpg")
    clean = stored_photo(user, "clean.jpg")
    Photo.objects.filter(pk=dirty.pk).update(
        accepted_alt=dirty_text,
        alt_source="edited",
        suggested_alt="Sign reads \u201cOPEN\x1b\u201d.",
        long_description=f"Line one.\nLine\ttwo{nul}.",
        original_name="ev\u202eil.jpg",
        status_message="bad\x07",
        last_error=f"Traceback{nul}",
    )
    before_clean = Photo.objects.values().get(pk=clean.pk)
    token, _raw = ApiToken.issue(user, "laptop")
    ApiToken.objects.filter(pk=token.pk).update(name=f"{nul}\x1b")
    hook = Webhook.objects.create(user=user, url=f"https://hooks.example.org/{nul}alt", secret="s" * 20)
    ok_hook = Webhook.objects.create(
        user=other_user, url="https://cms.example.org/hook", secret="k" * 20, last_result="Photo 1: delivered\x07."
    )

    assert clean_photos(apps, None) == 1
    assert clean_token_names(apps, None) == 1
    assert clean_webhooks(apps, None) == 2

    photo = Photo.objects.get(pk=dirty.pk)
    # The review form and the API collapse whitespace; a removed character never glues two words.
    assert photo.accepted_alt == "a dog on the [31mgrass right end"
    assert photo.suggested_alt == "Sign reads \u201cOPEN \u201d."
    assert photo.long_description == "Line one.\nLine\ttwo ."  # newlines and tabs are allowed
    assert photo.original_name == "ev il.jpg"
    assert photo.status_message == "bad " and photo.last_error == "Traceback "
    assert Photo.objects.values().get(pk=clean.pk) == before_clean  # a clean row is not touched
    assert ApiToken.objects.get(pk=token.pk).name == "API token"  # nothing left: the default name
    hook.refresh_from_db()
    # An address that held a control character is not guessed at: paused, and the person told why.
    assert hook.url == "https://hooks.example.org/alt" and hook.secret == "s" * 20 and not hook.is_active
    assert "control character" in hook.last_result and "address" in hook.last_result
    ok_hook.refresh_from_db()
    assert ok_hook.is_active and ok_hook.url == "https://cms.example.org/hook"
    assert ok_hook.last_result == "Photo 1: delivered ."

    texts = [
        *Photo.objects.values_list(
            "accepted_alt", "suggested_alt", "long_description", "original_name", "status_message", "last_error"
        ),
        *ApiToken.objects.values_list("name"),
        *Webhook.objects.values_list("url", "secret", "last_result"),
    ]
    assert all(forbidden_character(text) is None for row in texts for text in row)
    # Idempotent: the second run finds nothing to write and changes nothing.
    snapshot = [list(m.objects.order_by("pk").values()) for m in (Photo, ApiToken, Webhook)]
    assert (clean_photos(apps, None), clean_token_names(apps, None), clean_webhooks(apps, None)) == (0, 0, 0)
    assert [list(m.objects.order_by("pk").values()) for m in (Photo, ApiToken, Webhook)] == snapshot


def test_the_migrations_run_with_migrate(django_db_setup) -> None:  # noqa: ANN001, ARG001
    """They are in the graph: the test database was built by running them (pytest-django migrates)."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = set(MigrationRecorder(connection).applied_migrations())
    assert {
        ("photos", "0003_plain_text"),
        ("accounts", "0002_plain_text"),
        ("integrations", "0003_plain_text"),
    } <= applied
