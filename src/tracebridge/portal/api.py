"""Public API: check an identifier (no sign-in; rate-limited per client address; cached)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from tracebridge import ratelimit
from tracebridge.api_support import ApiError, answers
from tracebridge.portal import services

router = Router(tags=["public"])
CHECK_API_LIMIT = ratelimit.Limit(
    "check-api", requests=settings.PUBLIC_CHECK_PER_MINUTE, per_seconds=60
)


class CheckOut(Schema):
    query: str
    status: str
    kind: str
    value: str
    reports: int
    risk: str
    scam_types: list[str]
    owner: str
    last_reported: str | None
    other_readings: list[str]


@router.get(
    "/public/check",
    auth=None,
    response=answers(CheckOut, 429),
    summary="Public: how often an identifier was reported (counts under publication policies)",
)
def public_check(request: HttpRequest, q: str = "", region: str = "") -> dict[str, Any]:
    verdict = ratelimit.hit(CHECK_API_LIMIT, request)
    if not verdict.allowed:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many checks from your address; try again in {verdict.retry_after} s.",
            [{"retry_after": verdict.retry_after}],
        )
    return services.check(q, region.upper() or None).as_json()
