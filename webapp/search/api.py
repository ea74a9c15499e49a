"""The search part of the JSON API (``/api/search/``). Mounted by ``webapp.api.urls``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from webapp.accounts.languages import LANG, UnsupportedLanguage, api_alt_language
from webapp.api.shapes import errors, fail
from webapp.ids import MAX_ID
from webapp.photos.results import publishable
from webapp.search import services

router = Router()


class SearchHitOut(Schema):
    id: int
    score: float
    file: str
    alt_text: str = Field(..., description="What to publish: your reviewed text, else the suggestion in `lang`")
    alt_lang: str = Field(..., description='The language alt_text is in ("" when decorative)')
    alt_source: str | None


class SearchOut(Schema):
    query: str
    explanation: str
    total: int
    page: int
    pages: int
    results: list[SearchHitOut]
    notes: list[str]
    did_you_mean: list[str]


# -- search ----------------------------------------------------------------------------------------
@router.get("/search/", response={200: SearchOut, **errors(400)}, summary="Search your photos", tags=["search"])
def search(
    request: HttpRequest,
    q: str = Query("", max_length=1000, description="For example `two dogs`, `bus or truck`, `person not car`"),
    page: int = Query(1, ge=1, le=MAX_ID),
    per_page: int = Query(services.PER_PAGE, ge=1, le=settings.PAGE_SIZE_MAX),
    lang: str | None = LANG,
) -> Any:
    """The search page's answer as JSON, newest first; `did_you_mean` suggests a spelling when
    nothing matched. The query may be in English, German, French or Spanish (`zwei Hunde`,
    `deux chiens`, `dos perros`); `lang` is the reader's language: of the suggested alt texts, of
    `explanation` and `notes`, and the tie-breaker when a query's words fit two languages."""
    if not q.strip():
        return fail(400, "Send a search in the 'q' parameter, for example ?q=two+dogs.", "invalid")
    try:
        alt_lang = api_alt_language(request)  # the reader's language: suggestions, explanation, notes
    except UnsupportedLanguage as exc:
        return fail(400, str(exc), "unsupported_language")
    result = services.search(request.user, q, page=min(page, services.MAX_PAGE), per_page=per_page, lang=alt_lang)
    if result.error:
        return fail(400, result.error, "bad_search")
    return {
        "query": result.query,
        "explanation": result.explanation,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "results": [
            {
                "id": hit.photo.pk,
                "score": hit.score,
                "file": hit.photo.original_name,
                "alt_text": (alt := publishable(hit.photo, alt_lang)).text,
                "alt_lang": alt.lang,
                "alt_source": hit.photo.alt_source or None,
            }
            for hit in result.hits
        ],
        "notes": result.notes,
        "did_you_mean": result.suggestions,
    }


# Without the trailing slash too: a redirect would drop the Authorization header in some clients.
router.get("/search", response={200: SearchOut, **errors(400)}, include_in_schema=False, url_name="search_no_slash")(
    search
)
