"""API tokens in the JSON API (``/api/tokens/…``): tokens belong to the account.
Mounted by ``webapp.api.urls``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import DEFAULT_NAME, issue_token
from webapp.api.shapes import MAX_ID, errors, fail

router = Router()


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None


class TokenListOut(Schema):
    tokens: list[TokenOut]


class TokenIn(Schema):
    name: str = Field(DEFAULT_NAME, max_length=100)


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself: shown only in this answer")


# -- tokens (answered as ``ApiToken`` rows: ninja reads the schema's fields from them) ---------------
@router.get("/tokens/", response={200: TokenListOut, **errors()}, summary="List your API tokens", tags=["tokens"])
def list_tokens(request: HttpRequest) -> Any:
    return {"tokens": list(ApiToken.objects.filter(user=request.user))}


@router.post("/tokens/", response={201: TokenCreatedOut, **errors(400)}, summary="Create a token", tags=["tokens"])
def create_token(request: HttpRequest, body: TokenIn) -> Any:
    """The answer holds the token itself, shown only once: keep it in your secret store."""
    token, raw = issue_token(request.user, body.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


TokenId = Path(..., ge=1, le=MAX_ID)


@router.get("/tokens/{int:token_id}/", response={200: TokenOut, **errors(400, 404)}, summary="A token", tags=["tokens"])
def get_token(request: HttpRequest, token_id: int = TokenId) -> Any:
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        return fail(404, "No such token.", "not_found")
    return token


@router.delete(
    "/tokens/{int:token_id}/", response={204: None, **errors(400, 404)}, summary="Revoke a token", tags=["tokens"]
)
def revoke_token(request: HttpRequest, token_id: int = TokenId) -> Any:
    """Revoking the token that signs this request is allowed: it stops working at once."""
    deleted, _ = ApiToken.objects.filter(user=request.user, pk=token_id).delete()
    if not deleted:
        return fail(404, "No such token.", "not_found")
    return Status(204, None)
