"""Issuing API tokens: the one place a token's name is cleaned."""

from __future__ import annotations

from typing import Any

from webapp.accounts.models import ApiToken
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
