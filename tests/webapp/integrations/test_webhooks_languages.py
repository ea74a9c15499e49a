"""A webhook posts the suggestion in the owner's alt text language (issue 18): the record is
``photo_record``'s, whose default language is the owner's setting."""

from __future__ import annotations

import json

import pytest

from tests.webapp.described import ALT, LONG, described_photo
from webapp.accounts.models import Profile
from webapp.integrations.webhooks import webhook_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_posted_record_is_in_the_owners_language(user, lang: str) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language=lang)
    record = json.loads(webhook_body(described_photo(user)))["photo"]
    assert (record["alt_text"], record["long_description"], record["lang"]) == (ALT[lang], LONG[lang], lang)
