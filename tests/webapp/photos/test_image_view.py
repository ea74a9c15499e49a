from __future__ import annotations

import pytest
from django.urls import reverse
from PIL import Image

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def test_served_reencoded_with_nosniff_and_only_to_owner(client, logged_in, user, other_user):
    logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    photo = Photo.objects.get(owner=user)
    for name in ("photos:image", "photos:thumb"):
        response = logged_in.get(reverse(name, args=[photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content)
        assert body != BUS_PHOTO.read_bytes()  # never the uploaded bytes
    thumb = Image.open(__import__("io").BytesIO(body))
    assert max(thumb.size) <= 480
    client.force_login(other_user)
    assert client.get(reverse("photos:image", args=[photo.pk])).status_code == 404
