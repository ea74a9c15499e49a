from __future__ import annotations

import time

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

_cache: tuple[float, str | None] = (0.0, None)


def model_status(request: HttpRequest) -> dict:
    """``model_problem``: why no alt text can be written (no weights), for a banner on every
    page. Checked at most once a minute: it looks at files, it does not load the model."""
    global _cache
    now = time.monotonic()
    if now - _cache[0] > 60:
        from webapp.photos.pipeline import model_problem

        _cache = (now, model_problem())
    return {"model_problem": _cache[1]}


def alt_language(request: HttpRequest) -> dict:
    """``alt_language``: the language suggestions are shown in on this page (the signed-in
    person's setting). Lazy: pages that show no alt text never look it up."""
    from webapp.accounts.languages import page_alt_language

    return {"alt_language": SimpleLazyObject(lambda: page_alt_language(request))}
