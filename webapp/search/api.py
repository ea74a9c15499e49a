"""``GET /api/search?q=…[&page=N]``: the search page's answer as JSON (Bearer token auth)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from webapp.photos.api import error, token_required
from webapp.search import services
from webapp.search.views import page_number


@token_required
def search(request: HttpRequest) -> JsonResponse:
    if request.method != "GET":
        return error("Use GET.", 405)
    query = request.GET.get("q", "")
    if not query.strip():
        return error("Send a search in the 'q' parameter, for example ?q=two+dogs.", 400)
    result = services.search(request.user, query, page=page_number(request.GET.get("page")))
    if result.error:
        return error(result.error, 400)
    return JsonResponse(
        {
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
                    "alt_text": hit.photo.current_alt,
                    "alt_source": hit.photo.alt_source or None,
                }
                for hit in result.hits
            ],
            "notes": result.notes,
            "did_you_mean": result.suggestions,
        }
    )
