"""``GET /api/search/?q=`` with a Bearer token."""

from __future__ import annotations

import pytest

from webapp.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'tests')[1]}"}


def test_needs_a_token(client) -> None:  # noqa: ANN001
    response = client.get("/api/search/?q=dog")
    assert response.status_code == 401 and "Bearer" in response.json()["error"]


def test_returns_ids_scores_and_alt_text_with_and_without_slash(client, imported, other_user) -> None:  # noqa: ANN001
    for path in ("/api/search/", "/api/search"):
        body = client.get(path, {"q": "dog or elephant"}, **bearer(imported)).json()
        assert body["total"] == 3 and body["explanation"] == "at least one dog or at least one elephant"
        names = {r["file"] for r in body["results"]}
        assert names == {"000000442450.jpg", "000000069468.jpg", "000000054718.jpg"}
        assert all(r["score"] == 0.5 for r in body["results"])
        assert all(r["alt_text"] for r in body["results"])
    theirs = client.get("/api/search/", {"q": "dog or elephant"}, **bearer(other_user)).json()
    assert not {r["id"] for r in body["results"]} & {r["id"] for r in theirs["results"]}


@pytest.mark.parametrize(("query", "message"), [("", "Send a search"), ("more than dogs", "needs a number")])
def test_bad_queries_are_400(client, imported, query: str, message: str) -> None:  # noqa: ANN001
    response = client.get("/api/search/", {"q": query}, **bearer(imported))
    assert response.status_code == 400 and message in response.json()["error"]


def test_post_is_405(client, imported) -> None:  # noqa: ANN001
    assert client.post("/api/search/?q=dog", **bearer(imported)).status_code == 405


def test_unknown_word_gets_did_you_mean(client, imported) -> None:  # noqa: ANN001
    body = client.get("/api/search/", {"q": "dgo"}, **bearer(imported)).json()
    assert body["total"] == 0 and body["did_you_mean"] == ["dog"] and body["notes"]


def test_any_language_in_and_the_readers_language_out(client, imported) -> None:  # noqa: ANN001
    english = client.get("/api/search/", {"q": "two people"}, **bearer(imported)).json()
    for query in ("zwei Personen", "deux personnes", "dos personas"):
        body = client.get("/api/search/", {"q": query}, **bearer(imported)).json()
        assert body["results"] == english["results"] and body["explanation"] == "exactly 2 people"
    german = client.get("/api/search/", {"q": "deux personnes", "lang": "de"}, **bearer(imported)).json()
    # The same photos; the reader's language also renders their suggested alt texts.
    assert german["explanation"] == "genau 2 Personen"
    assert [(h["id"], h["score"]) for h in german["results"]] == [(h["id"], h["score"]) for h in english["results"]]
    assert {h["alt_lang"] for h in german["results"]} == {"de"}
    # Without ?lang=, the Accept-Language header says the reader's language.
    body = client.get("/api/search/", {"q": "two people"}, HTTP_ACCEPT_LANGUAGE="es", **bearer(imported)).json()
    assert body["explanation"] == "exactamente 2 personas"
    error = client.get("/api/search/", {"q": "mindestens Hunde", "lang": "fr"}, **bearer(imported)).json()
    assert error["error"] == "« mindestens » demande un nombre, par exemple « mindestens 2 Hunde »."
