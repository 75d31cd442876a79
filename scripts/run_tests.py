"""Run the whole suite on SQLite, then again on PostgreSQL.

Each run is spread over one pytest-xdist worker per core (``-n auto``), a test file to a
worker (``--dist loadfile``: a module's expensive fixtures, such as the federation test's
second node, are built once). Arguments are passed on to pytest, so ``-n 0`` runs serially.

PostgreSQL is required when CI is set or TRACEBRIDGE_REQUIRE_POSTGRES=1; otherwise the second
run is skipped with a clear message when no server answers on TRACEBRIDGE_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlparse

PG_URL = os.environ.get(
    "TRACEBRIDGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

PARALLEL = ["-n", "auto", "--dist", "loadfile"]


def reachable(url: str) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2
        ):
            return True
    except OSError:
        return False


def pytest(label: str, env: dict[str, str], extra: list[str]) -> int:
    print(f"\n=== test suite on {label} ===", flush=True)
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *PARALLEL, *extra]
    return subprocess.call([*args, *sys.argv[1:]], env=env)


def main() -> int:
    base = dict(os.environ, TRACEBRIDGE_DEBUG="1")
    base.pop("DATABASE_URL", None)
    code = pytest("SQLite", base, ["--cov", "--cov-report=term", "--cov-fail-under=85"])
    if code:
        return code
    required = (
        os.environ.get("CI") == "true" or os.environ.get("TRACEBRIDGE_REQUIRE_POSTGRES") == "1"
    )
    if not reachable(PG_URL):
        if required:
            print(f"PostgreSQL is required but nothing answers at {PG_URL}", file=sys.stderr)
            return 1
        print(
            f"\n*** SKIPPING the PostgreSQL run: nothing answers at {PG_URL}. "
            "Start PostgreSQL or set TRACEBRIDGE_TEST_POSTGRES_URL. ***",
            flush=True,
        )
        return 0
    return pytest("PostgreSQL", dict(base, DATABASE_URL=PG_URL), [])


if __name__ == "__main__":
    raise SystemExit(main())
