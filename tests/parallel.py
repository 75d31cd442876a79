"""What differs between pytest-xdist workers: anything outside the process that two workers
would otherwise share. Databases (pytest-django names PostgreSQL's test database per worker;
SQLite's is in memory), temporary folders (``tmp_path`` lives under the worker's own
``popen-gwN``) and ports (bound to 0) need nothing more."""

from __future__ import annotations

import os

import pytest

REDIS = "redis://127.0.0.1:6379"
FIRST_REDIS_DB = 11  # databases 11-15: a serial run uses 11
LAST_REDIS_DB = 15  # Redis has 16 databases unless configured otherwise


def worker_index() -> int:
    """0 in a serial run or on worker gw0, N on worker gwN."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name.removeprefix("gw"))


def redis_url() -> str:
    """This worker's own Redis database, which its tests may flush without touching another's."""
    db = FIRST_REDIS_DB + worker_index()
    if db > LAST_REDIS_DB:
        raise pytest.UsageError(
            f"worker {worker_index()} would need Redis database {db}: run with at most "
            f"{LAST_REDIS_DB - FIRST_REDIS_DB + 1} workers (-n)"
        )
    return f"{REDIS}/{db}"
