"""Which alt text language a request gets (webapp/accounts/languages.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from webapp.accounts.languages import UnsupportedLanguage, api_alt_language, page_alt_language, supported
from webapp.accounts.models import Profile

pytestmark = pytest.mark.django_db


def request(user, query: str = "", accept: str | None = None):  # noqa: ANN001, ANN201
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept is not None else {}
    req = RequestFactory().get("/api/photos/" + query, **headers)
    req.user = user
    return req


@pytest.mark.parametrize(
    ("code", "expected"), [("de", "de"), ("de-AT", "de"), ("FR_ca", "fr"), ("es", "es"), ("pt", None)]
)
def test_supported(code: str, expected: str | None) -> None:
    assert supported(code) == expected


def test_query_then_accept_language_then_the_account(user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="fr")
    assert api_alt_language(request(user, "?lang=es", accept="de")) == "es"
    assert api_alt_language(request(user, accept="ja, de-CH;q=0.8, en;q=0.5")) == "de"
    assert api_alt_language(request(user, accept="ja")) == "fr"
    assert api_alt_language(request(user)) == "fr"
    assert page_alt_language(request(user, accept="de")) == "fr"  # pages: the setting only
    assert page_alt_language(request(AnonymousUser())) == "en"


@pytest.mark.parametrize("query", ["?lang=pt", "?lang=", "?lang=english"])
def test_an_unsupported_query_is_refused_with_the_list(user, query: str) -> None:  # noqa: ANN001
    with pytest.raises(UnsupportedLanguage) as refused:
        api_alt_language(request(user, query))
    assert "en, de, fr, es" in str(refused.value)
