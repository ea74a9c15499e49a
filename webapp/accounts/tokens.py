"""Issuing API tokens (the one place a token's name is cleaned) and checking them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from webapp.accounts.models import ApiToken, hash_token
from webapp.text import check_plain_text

DEFAULT_NAME = "API token"


def clean_token_name(name: str | None) -> str:
    """Whitespace collapsed, at most 100 characters; ``DEFAULT_NAME`` when nothing is left.

    Raises:
        ValueError: the name holds a control character (``webapp.text.check_plain_text``).
    """
    return " ".join(check_plain_text(name or "", "The token name").split())[:100] or DEFAULT_NAME


def issue_token(user: Any, name: str | None) -> tuple[ApiToken, str]:
    """A new token named ``clean_token_name(name)`` and its raw key (shown once).

    Raises:
        ValueError: a name ``clean_token_name`` refuses.
    """
    return ApiToken.issue(user, clean_token_name(name))


def authenticate(raw: str) -> ApiToken | None:
    """The active user's token whose key is ``raw``, or ``None``.

    A read must not write: ``last_used_at`` (shown to say whether a token is still in use) is
    touched at most once per ``TOKEN_TOUCH_INTERVAL`` seconds, so nearly every call is one
    SELECT. The touch is a conditional UPDATE, so concurrent calls write it once, and a busy
    database (SQLite's one writer) never turns a GET into a wait for the write lock."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    stale = now - timedelta(seconds=settings.TOKEN_TOUCH_INTERVAL)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk).update(
            last_used_at=now
        )
        token.last_used_at = now
    return token
