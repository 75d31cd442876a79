"""Per-client-address rate limits for public pages and routes (no third-party service).

A fixed window counter in Django's cache. Limits are generous enough that a person never meets
them and tight enough that scraping slows to a crawl; the answer says when to try again.
With ``REDIS_URL`` set the cache is Redis and every worker of the node counts in one place;
otherwise each process counts alone (see docs/operator.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
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


def count(key: str, ttl: int) -> int:
    """Add one to the counter ``key`` and return the new count, atomically.

    The first count starts the counter's life of ``ttl`` seconds; later ones do not extend it.
    """
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return _redis_count(cache, key, ttl)
    while True:
        cache.add(key, 0, timeout=ttl)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr: add it again
            continue


def _redis_count(cache: RedisCache, key: str, ttl: int) -> int:
    # One MULTI/EXEC: create with expiry if absent, then INCR (which keeps the expiry). Django's
    # own incr() checks EXISTS first, and a key expiring between the two comes back from INCR
    # without an expiry; the raw client through Django's _cache is the only way to do better.
    full = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.set(full, 0, ex=ttl, nx=True)
        pipe.incr(full)
        return int(pipe.execute()[1])


def hit(limit: Limit, request: HttpRequest) -> Verdict:
    """Count one request from the caller's address against ``limit``."""
    now = int(time.time())
    window = now // limit.per_seconds
    key = f"rl:{limit.scope}:{client_key(request)}:{window}"
    n = count(key, limit.per_seconds + 1)
    retry_after = (window + 1) * limit.per_seconds - now
    return Verdict(allowed=n <= limit.requests, retry_after=max(retry_after, 1))
