from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db
URL = reverse("photos:status")


def test_reports_own_photos_only(client, logged_in, user, other_user):
    logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    mine = Photo.objects.get(owner=user)
    data = logged_in.get(URL, {"ids": str(mine.pk)}).json()
    assert data["photos"][0] | {"alt": None} == {
        "id": mine.pk,
        "name": BUS_PHOTO.name,
        "status": "queued",
        "status_label": "Queued",
        "message": "",
        "message_lang": "",
        "attempts": 0,
        "last_error": "",
        "alt": None,
        "alt_lang": "",  # the placeholder words are in the page's language
        "finished": False,
    }
    client.force_login(other_user)
    assert client.get(URL, {"ids": str(mine.pk)}).json() == {"photos": []}


def test_bad_ids_are_a_400(logged_in):
    assert logged_in.get(URL, {"ids": "1,x"}).status_code == 400
