"""Issuing API tokens: the one place a token's name is cleaned."""

from __future__ import annotations

from typing import Any

from webapp.accounts.models import ApiToken

DEFAULT_NAME = "API token"


def clean_token_name(name: str | None) -> str:
    """Whitespace collapsed, at most 100 characters; ``DEFAULT_NAME`` when nothing is left."""
    return " ".join((name or "").split())[:100] or DEFAULT_NAME


def issue_token(user: Any, name: str | None) -> tuple[ApiToken, str]:
    """A new token named ``clean_token_name(name)`` and its raw key (shown once)."""
    return ApiToken.issue(user, clean_token_name(name))
