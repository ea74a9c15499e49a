"""One user can never reach another's data: every URL pattern that takes an object id, for every
HTTP method, answers another user's id exactly as it answers an id that does not exist (404, or
405 for a method the view never allows), and changes nothing. The patterns are read from the
URLconf, so endpoints added later are covered without editing this file."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.accounts.models import ApiToken
from webapp.photos import services
from webapp.photos.models import DetectedObject, Photo

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
MISSING_ID = 987_654_321
CONVERTER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue  # Django's admin: staff only, its own permission model
            yield from walk(entry, route)
        else:
            yield route, entry


def id_patterns() -> list[str]:
    """Routes with an integer id argument (``<int:pk>``, ``<int:photo_id>``...)."""
    routes = []
    for route, _ in walk(get_resolver()):
        if any(m["type"] == "int" for m in CONVERTER.finditer(route)):
            routes.append(route)
    return sorted(set(routes))


def fill(route: str, object_id: int) -> str:
    def value(match: re.Match) -> str:
        return str(object_id) if match["type"] == "int" else "x"

    return "/" + CONVERTER.sub(value, route).lstrip("^").rstrip("$")


def owned_ids(owner) -> set[int]:  # noqa: ANN001
    """Ids of every row in the project's apps that belongs to ``owner`` (directly through a
    foreign key to the user model, or through a photo), so new models are covered too."""
    ids: set[int] = set()
    user_model = apps.get_model(django_settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        if not model.__module__.startswith("webapp."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model in {user_model, Photo}:
                lookup = {field.name: owner} if field.related_model is user_model else {f"{field.name}__owner": owner}
                ids.update(model.objects.filter(**lookup).values_list("pk", flat=True))
    return ids


@pytest.fixture
def victim_data(other_user, processing):  # noqa: ANN001
    """The other user's photo (processed, reviewed) and API token."""
    with processing():
        photo = services.create_photos(other_user, [upload_file(BUS_PHOTO)])[0].photo
    photo.refresh_from_db()
    services.review_alt(photo, action="edit", text="Mallory's own words")
    token, _ = ApiToken.issue(other_user, "mallory's token")
    return photo, token


def snapshot(other_user) -> tuple:  # noqa: ANN001
    photos = list(Photo.objects.filter(owner=other_user).values_list("pk", "status", "accepted_alt", "alt_source"))
    tokens = list(ApiToken.objects.filter(user=other_user).values_list("pk", "name"))
    objects = DetectedObject.objects.filter(photo__owner=other_user).count()
    return photos, tokens, objects


def request(client: Client, method: str, path: str, token: str):  # noqa: ANN201
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if path.startswith("/api/") else {}
    body = {"action": "decorative", "alt_text": "pwned", "name": "x"} if method == "post" else None
    if method in {"put", "patch"}:
        return getattr(client, method)(path, b'{"decorative": true}', content_type="application/json", **headers)
    return getattr(client, method)(path, body, **headers)


def test_url_patterns_with_ids_are_found() -> None:
    routes = id_patterns()
    # The ones we know of must be there (the walk itself must work).
    for name, kwargs in [
        ("photos:detail", {"pk": 1}),
        ("api:get_photo", {"photo_id": 1}),
        ("accounts:revoke", {"pk": 1}),
    ]:
        path = reverse(name, kwargs=kwargs)
        assert any(fill(route, 1) == path for route in routes), (path, routes)


def test_no_endpoint_reaches_another_users_data(client, user, other_user, victim_data) -> None:  # noqa: ANN001
    photo, victim_token = victim_data
    client.force_login(user)
    attacker_token, token = ApiToken.issue(user, "attacker")
    # The attacker owns nothing whose id could equal one of the victim's (so a 2xx is a leak).
    ApiToken.objects.filter(pk=attacker_token.pk).update(id=MISSING_ID - 1)
    victim_ids = owned_ids(other_user)
    assert {photo.pk, victim_token.pk} <= victim_ids and MISSING_ID - 1 not in victim_ids
    before = snapshot(other_user)
    checked = []
    for route in id_patterns():
        for method in METHODS:
            baseline = request(client, method, fill(route, MISSING_ID), token)
            assert baseline.status_code in {404, 405}, (route, method, baseline.status_code)
            for victim_id in victim_ids:
                response = request(client, method, fill(route, victim_id), token)
                assert response.status_code == baseline.status_code, (route, method, victim_id, response.status_code)
                if route.startswith("api/") and response.status_code == 404:
                    assert response.json()["error"] == "No such photo." or "error" in response.json()
                checked.append((route, method))
    assert snapshot(other_user) == before
    assert {route for route, _ in checked} == set(id_patterns())


def test_explicit_photo_endpoints(client, user, other_user, victim_data) -> None:  # noqa: ANN001
    photo, victim_token = victim_data
    client.force_login(user)
    token = ApiToken.issue(user, "attacker")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(reverse("photos:detail", args=[photo.pk])).status_code == 404
    assert client.post(reverse("photos:detail", args=[photo.pk]), {"action": "decorative"}).status_code == 404
    assert client.post(reverse("photos:retry", args=[photo.pk])).status_code == 404
    assert client.post(reverse("photos:delete", args=[photo.pk])).status_code == 404
    assert client.get(reverse("photos:image", args=[photo.pk])).status_code == 404
    assert client.get(reverse("photos:thumb", args=[photo.pk])).status_code == 404
    assert client.post(reverse("accounts:revoke", args=[victim_token.pk])).status_code == 404
    api = f"/api/photos/{photo.pk}/"
    for method in ("get", "delete"):
        response = getattr(client, method)(api, **auth)
        assert response.status_code == 404 and response.json()["error"] == "No such photo."
    response = client.patch(api, b'{"alt_text": "pwned"}', content_type="application/json", **auth)
    assert response.status_code == 404
    # Lists and the status poll only ever show one's own photos.
    assert client.get("/api/photos/", **auth).json()["photos"] == []
    assert client.get(reverse("photos:status"), {"ids": str(photo.pk)}).json()["photos"] == []
    assert photo.original_name not in client.get(reverse("photos:library")).content.decode()
    photo.refresh_from_db()
    assert photo.accepted_alt == "Mallory's own words" and ApiToken.objects.filter(pk=victim_token.pk).exists()


def test_anonymous_gets_login_or_401(client, victim_data) -> None:  # noqa: ANN001
    photo, _ = victim_data
    for route in id_patterns():
        path = fill(route, photo.pk)
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code in {302, 405}, (path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), path


def test_media_is_not_public(client, user, victim_data) -> None:  # noqa: ANN001
    photo, _ = victim_data
    assert not getattr(django_settings, "MEDIA_URL", "").strip("/")
    for prefix in ("/media/", "/static/../media/", "/var/media/"):
        assert client.get(prefix + photo.image).status_code == 404
    # The owner gets it through the checked view, as a JPEG that is never sniffed as anything else.
    client.force_login(photo.owner)
    response = client.get(reverse("photos:image", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
