"""API tokens through the JSON API (``/api/tokens/…``)."""

from __future__ import annotations

import pytest

from tests.webapp.stored import bearer
from webapp.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_management(client, user, other_user, token) -> None:  # noqa: ANN001
    assert client.post("/api/tokens/", {"name": "x"}, content_type="application/json").status_code == 401
    created = client.post(
        "/api/tokens/", {"name": "  CMS   plug-in "}, content_type="application/json", **bearer(token)
    )
    assert created.status_code == 201
    new = created.json()
    assert new["name"] == "CMS plug-in" and new["token"].startswith(new["prefix"])
    # The new token works on its own, and is listed (without its secret).
    listed = client.get("/api/tokens/", **bearer(new["token"])).json()["tokens"]
    assert {t["name"] for t in listed} == {"tests", "CMS plug-in"} and all("token" not in t for t in listed)
    assert client.get(f"/api/tokens/{new['id']}/", **bearer(token)).json()["name"] == "CMS plug-in"
    # Another user's token is a 404 and stays.
    theirs, _ = ApiToken.issue(other_user, "theirs")
    assert client.get(f"/api/tokens/{theirs.pk}/", **bearer(token)).status_code == 404
    assert client.delete(f"/api/tokens/{theirs.pk}/", **bearer(token)).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    # Revoked: it stops working at once.
    assert client.delete(f"/api/tokens/{new['id']}/", **bearer(token)).status_code == 204
    assert client.get("/api/tokens/", **bearer(new["token"])).status_code == 401
    too_long = client.post("/api/tokens/", {"name": "x" * 101}, content_type="application/json", **bearer(token))
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid"
