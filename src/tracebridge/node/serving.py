"""What `tracebridge serve` decides before it becomes gunicorn: cache, workers, leftovers."""

from __future__ import annotations

import sys

import redis

from tracebridge.config import ConfigError

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers(url: str) -> bool:
    """True when a Redis server at ``url`` answers PING within a second."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def node_redis_url(configured: str, look: bool, default: str = DEFAULT_REDIS_URL) -> str:
    """The Redis the node's workers share, or "" for none (each worker counts alone).

    A configured REDIS_URL must answer (a node that silently counted per worker would break
    its limits); without one, Redis at ``default`` is used when ``look`` and it answers.
    """
    if configured:
        if not redis_answers(configured):
            raise ConfigError(
                f"REDIS_URL is {configured} but no Redis answers there: start Redis, or unset "
                "REDIS_URL to count rate limits and keep caches per worker process"
            )
        return configured
    return default if look and redis_answers(default) else ""


def gunicorn_argv(bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    """gunicorn run by this interpreter (no PATH needed), with threaded workers.

    A sync worker reading a slow upload sends the arbiter no heartbeat and is killed after
    ``timeout``; a gthread worker's main loop keeps beating while a thread reads the body, so
    ``timeout`` only catches a worker that hangs as a whole. The application is loaded once,
    before the workers fork (``--preload``): a worker that loaded Django itself would count
    its loading against ``timeout``, and a short one killed workers before they ever served.
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "tracebridge.node.wsgi:application",
        "--config",
        "python:tracebridge.node.gunicorn_conf",
        "--preload",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
    ]
