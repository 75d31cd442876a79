"""Per-client-address rate limits for public pages and routes (no third-party service).

A fixed window counter in Django's cache. Limits are generous enough that a person never meets
them and tight enough that scraping slows to a crawl; the answer says when to try again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from tracebridge.agencies.audit import client_address


@dataclass(frozen=True)
class Limit:
    scope: str
    requests: int
    per_seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def client_key(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def hit(limit: Limit, request: HttpRequest) -> Verdict:
    """Count one request from the caller's address against ``limit``."""
    now = int(time.time())
    window = now // limit.per_seconds
    key = f"rl:{limit.scope}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=limit.per_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.per_seconds + 1)
        count = 1
    retry_after = (window + 1) * limit.per_seconds - now
    return Verdict(allowed=count <= limit.requests, retry_after=max(retry_after, 1))
