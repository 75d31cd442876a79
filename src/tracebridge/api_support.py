"""Helpers every app's API router uses: the error type, the caller, pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from tracebridge.agencies import audit
from tracebridge.agencies.permissions import has_role

MAX_PAGE = 1000


class ApiError(Exception):
    """An error a handler raises on purpose: status, stable code, message, optional details."""

    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def auth_user(request: HttpRequest) -> Any:
    """The authenticated caller (token or session), set by the API's auth classes."""
    return getattr(request, "auth_user", None) or request.user


def require_role(request: HttpRequest, minimum: str) -> Any:
    user = auth_user(request)
    if not has_role(user, minimum):
        audit.record(
            "api.forbidden", request=request, outcome="denied", path=request.path, needed=minimum
        )
        raise ApiError(403, "forbidden", f"This needs the {minimum} role or above.")
    return user


def page_of(
    queryset: QuerySet[Any], row: Callable[[Any], dict[str, Any]], limit: int, offset: int
) -> dict[str, Any]:
    """One page with the total, as every list route answers."""
    if limit < 1 or limit > MAX_PAGE:
        raise ApiError(
            422,
            "invalid",
            f"limit must be between 1 and {MAX_PAGE}",
            [{"field": "limit", "message": f"1..{MAX_PAGE}"}],
        )
    if offset < 0:
        raise ApiError(
            422, "invalid", "offset must not be negative", [{"field": "offset", "message": ">= 0"}]
        )
    total = queryset.count()
    items = [row(obj) for obj in queryset[offset : offset + limit]]
    return {"total": total, "limit": limit, "offset": offset, "items": items}
