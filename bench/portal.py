"""Benchmark the public checker API under load on loopback, on SQLite and on PostgreSQL.

Target (issue 11): GET /api/v1/public/check with 10M identifiers indexed, >= 1,000 req/s and
p99 <= 50 ms on this 2-core machine. The baseline printed beside it is the same server answering
the same route with an empty query (the floor of a request through the same stack):
the ratio says how much the lookup itself costs.

Uses wrk (Debian package) when present, else a Python keep-alive client; the server is gunicorn
with the node's production settings on 127.0.0.1. --smoke: 20k identifiers, a few seconds of load.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from taxii import free_port

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get(
    "TRACEBRIDGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# The same server and options (e.g. ?sslmode=), another database.
PG_BENCH = urlunsplit(urlsplit(PG_ADMIN)._replace(path="/tracebridge_bench"))


def key(i: int) -> str:
    return f"upi:scam{i:08d}@okaxis"


def env_for(home: Path, database_url: str) -> dict[str, str]:
    return dict(
        os.environ,
        TRACEBRIDGE_HOME=str(home),
        DATABASE_URL=database_url,
        TRACEBRIDGE_SECRET_KEY="bench-" + "x" * 40,
        TRACEBRIDGE_DEBUG="0",
        TRACEBRIDGE_PUBLIC_CHECK_PER_MINUTE="100000000",
    )


def tracebridge(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "tracebridge.node.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fill_sqlite(path: str, n: int) -> None:
    db = sqlite3.connect(path)
    db.execute("DELETE FROM portal_publicidentifierstat")
    rows = (
        (key(i), "upi", 1 + i % 7, '{"kyc_update": 1}', "2026-10-01", "2026-11-01", "2026-11-01")
        for i in range(n)
    )
    db.executemany(
        "INSERT INTO portal_publicidentifierstat (key, kind, reports, scam_types, "
        "first_reported, last_reported, updated_at) VALUES (?,?,?,?,?,?,?)",
        rows,
    )
    db.commit()
    db.close()


def fill_postgres(url: str, n: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE portal_publicidentifierstat")
        with cur.copy(
            "COPY portal_publicidentifierstat (key, kind, reports, scam_types, "
            "first_reported, last_reported, updated_at) FROM STDIN"
        ) as copy:
            for i in range(n):
                copy.write_row(
                    (
                        key(i),
                        "upi",
                        1 + i % 7,
                        '{"kyc_update": 1}',
                        "2026-10-01",
                        "2026-11-01",
                        "2026-11-01",
                    )
                )
        cur.execute("ANALYZE portal_publicidentifierstat")


def prepare_postgres() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS tracebridge_bench")
            conn.execute("CREATE DATABASE tracebridge_bench")
        return True
    except Exception as exc:
        print(f"PostgreSQL not available ({exc}); skipping that run")
        return False


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tracebridge.node.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:  # every worker must have booted Django
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/public/check?q=")
            if conn.getresponse().status == 200:
                for _ in range(workers * 4):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    conn.request("GET", "/api/v1/public/check?q=")
                    conn.getresponse().read()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def wrk_run(
    port: int, path_script: Path, seconds: int, connections: int
) -> tuple[float, float, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(path_script),
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rps, pct("50"), pct("99")


def python_run(
    port: int, paths: list[str], seconds: float, threads: int
) -> tuple[float, float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        local = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", rng.choice(paths))
            conn.getresponse().read()
            local.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(local)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    latencies.sort()
    return (
        len(latencies) / seconds,
        statistics.median(latencies),
        latencies[int(len(latencies) * 0.99) - 1],
    )


def load(
    port: int, n: int, seconds: int, lookup: bool, distinct: int = 2000
) -> tuple[float, float, float]:
    """``distinct`` identifiers asked at random: with many, most lookups miss the 60 s cache."""
    rng = random.Random(7)
    if lookup:
        paths = [
            f"/api/v1/public/check?q={key(rng.randrange(n)).split(':')[1]}" for _ in range(distinct)
        ]
    else:
        paths = ["/api/v1/public/check?q="]  # same route and stack, no lookup
    if shutil.which("wrk"):
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        quoted = ",".join(f'"{p}"' for p in paths)
        script.write_text(
            f"paths = {{{quoted}}}\nrequest = function()\n"
            '  return wrk.format("GET", paths[math.random(#paths)])\nend\n'
        )
        return wrk_run(port, script, seconds, 32)
    return python_run(port, paths, seconds, 16)


def run(label: str, database_url: str, home: Path, n: int, seconds: int, distinct: int) -> None:
    env = env_for(home, database_url)
    tracebridge(env, "migrate", "--verbosity", "0")
    tracebridge(env, "collectstatic", "--noinput", "--verbosity", "0")
    started = time.perf_counter()
    if database_url.startswith("sqlite"):
        fill_sqlite(database_url.removeprefix("sqlite:///"), n)
    else:
        fill_postgres(database_url, n)
    print(
        f"[{label}] indexed {n:,} identifiers in {time.perf_counter() - started:.1f}s; "
        f"asking {distinct:,} different ones"
    )
    port = free_port()
    server = serve(env, port, workers=4)
    try:
        load(port, n, 1, True)  # warm up workers and caches' code paths
        floor = load(port, n, seconds, False)
        check = load(port, n, seconds, True, distinct)
    finally:
        server.terminate()
        server.wait()
    print(
        f"[{label}] floor (same route, empty query, no lookup): {floor[0]:,.0f} req/s, "
        f"p50 {floor[1]:.1f} ms, p99 {floor[2]:.1f} ms"
    )
    print(
        f"[{label}] /api/v1/public/check: {check[0]:,.0f} req/s, p50 {check[1]:.1f} ms, "
        f"p99 {check[2]:.1f} ms; {check[0] / floor[0]:.2f}x the floor; target >= 1,000 req/s "
        f"and p99 <= 50 ms: {'met' if check[0] >= 1000 and check[2] <= 50 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--identifiers", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--distinct",
        type=int,
        default=100_000,
        help="different identifiers asked (most then miss the cache)",
    )
    args = parser.parse_args()
    n, seconds = (20_000, 2) if args.smoke else (args.identifiers, args.seconds)
    distinct = 2_000 if args.smoke else args.distinct
    print(f"load generator: {'wrk' if shutil.which('wrk') else 'python threads'}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        run("SQLite", f"sqlite:///{home / 'bench.sqlite3'}", home, n, seconds, distinct)
        if prepare_postgres():
            run("PostgreSQL", PG_BENCH, home, n, seconds, distinct)


if __name__ == "__main__":
    main()
