"""Which language a request wants its alt text in (issue 18).

Pages use the account's setting (``Profile.alt_text_language``). The API lets a client ask per
request: ``?lang=`` first (an unsupported one is refused with the list), then the first supported
language of ``Accept-Language``, then the account's setting. The interface's own language
(Django's LocaleMiddleware) is a separate choice: a German editor may publish French alt text.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import Query

from webapp.accounts.models import alt_text_language
from webapp.photos.results import ALT_LANGUAGES

# The API's ``?lang=`` parameter, as each endpoint that renders alt text declares it (the value is
# read by :func:`api_alt_language`).
LANG = Query(
    None,
    description="Language of the suggested alt text: "
    + ", ".join(ALT_LANGUAGES)
    + ". Default: the first of those in Accept-Language, else your account's setting. Another value is a 400.",
)


class UnsupportedLanguage(ValueError):
    """``?lang=`` names a language the captioner does not speak; the message lists those it does."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        super().__init__(f"Alt text is not available in {lang!r}; use one of: {', '.join(ALT_LANGUAGES)}.")


def supported(code: str) -> str | None:
    """``code`` ("de", "de-AT", "DE_ch") as one of ``ALT_LANGUAGES``, or ``None``."""
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in ALT_LANGUAGES else None


def page_alt_language(request: HttpRequest) -> str:
    """The alt text language of a page: the signed-in person's setting (read once per request)."""
    if not hasattr(request, "_alt_text_language"):
        request._alt_text_language = alt_text_language(request.user)
    return request._alt_text_language


def api_alt_language(request: HttpRequest) -> str:
    """The alt text language an API request asks for: ``?lang=``, else ``Accept-Language``, else
    the account's setting.

    Raises:
        UnsupportedLanguage: ``?lang=`` is given and is not one of ``ALT_LANGUAGES``.
    """
    asked = request.GET.get("lang")
    if asked is not None:
        lang = supported(asked)
        if lang is None:
            raise UnsupportedLanguage(asked)
        return lang
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code != "*" and (lang := supported(code)):
            return lang
    return page_alt_language(request)
