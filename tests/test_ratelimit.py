"""Counting for rate limits: atomic, with an expiry, in one place for all of a node's workers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command

from tracebridge import ratelimit
from tracebridge.config import ConfigError, load
from tracebridge.node import serving
from tracebridge.settings import caches_for

from . import parallel

REDIS_URL = parallel.redis_url()  # the worker's database: tests/node/test_serve.py's too
NOBODY = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[redis.Redis]:
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"Redis does not answer at {REDIS_URL}: .ci/run starts it (see README)")
    node = load({"TRACEBRIDGE_DEBUG": "1", "REDIS_URL": REDIS_URL})
    settings.CACHES = caches_for(node)
    yield store
    store.flushdb()
    store.close()


def test_without_redis_url_each_process_counts_in_its_own_memory() -> None:
    node = load({"TRACEBRIDGE_DEBUG": "1"})
    assert node.redis_url == ""
    assert caches_for(node)["default"]["BACKEND"].endswith("LocMemCache")
    assert [ratelimit.count("t:local", 60) for _ in range(3)] == [1, 2, 3]


def test_redis_url_makes_the_cache_redis_under_the_node_name() -> None:
    node = load({"TRACEBRIDGE_DEBUG": "1", "REDIS_URL": REDIS_URL, "TRACEBRIDGE_NODE_NAME": "n1"})
    assert caches_for(node) == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "n1",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
    with pytest.raises(ConfigError, match="REDIS_URL must be redis://"):
        load({"TRACEBRIDGE_DEBUG": "1", "REDIS_URL": "http://127.0.0.1:6379"})


def test_redis_counts_are_atomic_and_expire(redis_cache: redis.Redis) -> None:
    with ThreadPoolExecutor(8) as pool:
        counts = sorted(pool.map(lambda _: ratelimit.count("t:shared", 60), range(200)))
    assert counts == list(range(1, 201))
    (key,) = redis_cache.keys("*t:shared")
    assert 0 < redis_cache.ttl(key) <= 60
    assert caches["default"].get("t:shared") == 200  # the same key Django's cache API reads


def test_serve_uses_redis_only_where_it_answers() -> None:
    assert serving.node_redis_url("", look=True, default=NOBODY) == ""
    assert serving.node_redis_url("", look=True, default=REDIS_URL) == REDIS_URL
    assert serving.node_redis_url("", look=False, default=REDIS_URL) == ""
    assert serving.node_redis_url(REDIS_URL, look=False) == REDIS_URL
    with pytest.raises(ConfigError, match=f"REDIS_URL is {NOBODY} but no Redis answers"):
        serving.node_redis_url(NOBODY, look=True)


def test_serve_refuses_a_redis_url_that_does_not_answer(settings: Any) -> None:
    settings.CONFIG = dataclasses.replace(settings.CONFIG, redis_url=NOBODY)
    with pytest.raises(ConfigError, match="no Redis answers"):
        call_command("serve", "--no-collectstatic")
