"""Helpers every app's API router uses: the error type and shape, the caller, pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import AuthenticationError
from pydantic import ConfigDict

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import has_role
from tracebridge.errors import Forbidden, Invalid, TracebridgeError

MAX_PAGE = 1000
# Far beyond any list a node holds, and inside every database's integer (a larger OFFSET
# overflows SQLite's and PostgreSQL's 64-bit integers and answered 500).
MAX_OFFSET = 2**31 - 1
_LIMIT = f"How many items to return (1-{MAX_PAGE})."
_OFFSET = f"How many items to skip (0-{MAX_OFFSET})."


class Paging(Schema):
    """``limit`` and ``offset`` of a paged list route; the bounds appear in the OpenAPI."""

    limit: int = Field(100, ge=1, le=MAX_PAGE, description=_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=_OFFSET)


class ShortPaging(Paging):
    """The same bounds with a default page of 50 (campaigns, CDRs, robocalls, tracebacks)."""

    limit: int = Field(50, ge=1, le=MAX_PAGE, description=_LIMIT)


T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list route, as ``page_of`` answers it: ``Page[CampaignOut]``..."""

    total: int = Field(description="How many items the whole list holds.")
    limit: int
    offset: int
    items: list[T]


class ErrorBody(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(examples=["not_found"], description="Stable, for programs (docs/api.md).")
    message: str = Field(description="What went wrong and what to do, for people.")
    details: list[Any] = Field(description="Per field or record, when there are several.")


class Error(Schema):
    """Every error answer of the API has this one shape (``error_body``)."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


def answers(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """A route's ``response=``: its ``status`` answer's schema and the error statuses its own
    code and its services raise, each in the one error shape (``api_schema`` adds those every
    route can answer: 400, 401/403, 422, 500...)."""
    return {status: ok, **dict.fromkeys(errors, Error)}


class ApiError(TracebridgeError):
    """An HTTP-only error with its own status (413 too large...): services raise the kinds of
    ``tracebridge.errors`` instead, and the API's one handler answers both."""

    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None):
        super().__init__(message, details, code=code)
        self.status = status


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def auth_user(request: HttpRequest) -> User:
    """The authenticated caller (token or session), set by the API's auth classes."""
    user = getattr(request, "auth_user", None) or request.user
    if not isinstance(user, User):  # a public route (auth=None) has no caller to ask for
        raise AuthenticationError()
    return user


def require_role(request: HttpRequest, minimum: str) -> User:
    user = auth_user(request)
    if not has_role(user, minimum):
        audit.record(
            "api.forbidden", request=request, outcome="denied", path=request.path, needed=minimum
        )
        raise Forbidden(f"This needs the {minimum} role or above.")
    return user


def page_of(
    queryset: QuerySet[Any] | Sequence[Any],
    row: Callable[[Any], dict[str, Any]],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """One page with the total, as every list route answers (of a query, or of a list already
    computed for the reader, such as campaigns ranked by the figures the reader may see)."""
    if limit < 1 or limit > MAX_PAGE:
        raise Invalid(
            f"limit must be between 1 and {MAX_PAGE}",
            [{"field": "limit", "message": f"1..{MAX_PAGE}"}],
        )
    if offset < 0 or offset > MAX_OFFSET:
        raise Invalid(
            f"offset must be between 0 and {MAX_OFFSET}",
            [{"field": "offset", "message": f"0..{MAX_OFFSET}"}],
        )
    total = len(queryset) if isinstance(queryset, Sequence) else queryset.count()
    items = [row(obj) for obj in queryset[offset : offset + limit]]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
