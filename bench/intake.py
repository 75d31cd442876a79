"""Complaint intake: `tracebridge import complaints` and the API batch endpoint, end to end.

Target: import N canonical complaints (from the simulator) into SQLite and into PostgreSQL, with
identifier extraction and sightings, and POST them to /api/v1/complaints in batches of 10,000.
Baseline, measured in the same run on the same file: merely parsing and validating every line
(json + pydantic), the floor any importer pays. Prints complaints/s and the ratio to the baseline.

    .venv/bin/python bench/intake.py            # 1,000,000 complaints (long: run on an idle machine)
    .venv/bin/python bench/intake.py --smoke    # 3,000 complaints, well under 30 s
    .venv/bin/python bench/intake.py --n 50000

Campaign linking and other receivers of ``complaints_saved`` are disconnected: this measures
intake alone (bench/ of the campaigns app measures linking).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PG_URL = os.environ.get(
    "TRACEBRIDGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TARGETS = {"sqlite": 5000.0, "api": 2000.0}  # complaints/s the issue asks for (SQLite)


def make_file(out: Path, n: int) -> Path:
    from tracebridge.simulate import generate

    generate(out, 20261129, complaints=n, calls=10, txns=10)
    return out / "complaints.jsonl"


def baseline(path: Path) -> tuple[int, float]:
    """Parse and validate every line: json + pydantic, nothing else."""
    from tracebridge.complaints.schema import CanonicalComplaint

    started = time.perf_counter()
    count = 0
    with path.open("rb") as f:
        for line in f:
            CanonicalComplaint.model_validate_json(line)
            count += 1
    return count, time.perf_counter() - started


def _setup_django(database_url: str, home: Path) -> None:
    os.environ.update(
        TRACEBRIDGE_DEBUG="1",
        TRACEBRIDGE_HOME=str(home),
        DATABASE_URL=database_url,
        TRACEBRIDGE_ALLOWED_HOSTS="testserver,localhost",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracebridge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tracebridge.complaints.signals import complaints_saved

    complaints_saved.receivers.clear()  # intake alone; see the module docstring


def run_target(database_url: str, path: Path, home: Path, with_api: bool) -> dict[str, float]:
    """In a child process: a fresh database, the import, then (optionally) the API."""
    _setup_django(database_url, home)
    from tracebridge.agencies.services import create_agency
    from tracebridge.complaints.importers import import_file

    agency = create_agency("IN-I4C", "IN", "Indian Cyber Crime Coordination Centre")
    cpu = time.process_time()
    summary = import_file(path, agency, "canonical", batch=2000)
    result = {
        "rows": summary.created,
        "seconds": summary.seconds,
        "cpu": time.process_time() - cpu,
        "sightings": summary.sightings,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if with_api:
        result.update(run_api(path))
    return result


def run_api(path: Path) -> dict[str, float]:
    """POST the same complaints (under another source) in batches of 10,000."""
    from django.test import Client

    from tracebridge.agencies.services import create_user, issue_token

    user, _ = create_user("bench", "IN-I4C", "analyst", password="bench-password-not-secret")
    headers = {"Authorization": f"Bearer {issue_token(user, 'bench').secret}"}
    client, total, seconds, cpu_seconds = Client(), 0, 0.0, 0.0
    with path.open("rb") as f:
        while True:
            lines = [line for _, line in zip(range(10_000), f, strict=False)]
            if not lines:
                break
            body = (
                b"["
                + b",".join(ln.strip().replace(b'"source":"', b'"source":"API', 1) for ln in lines)
                + b"]"
            )
            started = time.perf_counter()
            cpu = time.process_time()
            response = client.post(
                "/api/v1/complaints", body, content_type="application/json", headers=headers
            )
            seconds += time.perf_counter() - started
            cpu_seconds += time.process_time() - cpu
            if response.status_code not in (200, 201):
                raise SystemExit(f"API answered {response.status_code}: {response.content[:500]!r}")
            total += response.json()["created"]
    return {"api_rows": total, "api_seconds": seconds, "api_cpu": cpu_seconds}


def fresh_postgres() -> str | None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(PG_URL)
    try:
        socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2
        ).close()
    except OSError:
        return None
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS tb_bench_intake")
        conn.execute("CREATE DATABASE tb_bench_intake")
    return PG_URL.rsplit("/", 1)[0] + "/tb_bench_intake"


def child(
    target: str, database_url: str, path: Path, home: Path, with_api: bool
) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", database_url, str(path), str(home)]
    out = subprocess.run(
        args + (["--api"] if with_api else []), capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"{target} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--n", type=int)
    parser.add_argument("--child", nargs=3, metavar=("URL", "FILE", "HOME"))
    parser.add_argument("--api", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        url, file, home = args.child
        print(json.dumps(run_target(url, Path(file), Path(home), args.api)))
        return 0
    n = args.n or (3_000 if args.smoke else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="tb-bench-intake-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        path = make_file(work / "world", n)
        print(
            f"generated {n:,} complaints ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f}s"
        )
        count, base_s = baseline(path)
        base_rate = count / base_s
        load = os.getloadavg()[0]
        print(f"baseline  parse+validate (json + pydantic): {base_rate:>10,.0f} complaints/s")
        rates, cpu_rates = {}, {}
        sqlite = child(
            "sqlite", f"sqlite:///{work}/bench.sqlite3", path, work / "home-sqlite", True
        )
        rates["sqlite"] = sqlite["rows"] / sqlite["seconds"]
        cpu_rates["sqlite"] = sqlite["rows"] / sqlite["cpu"]
        rates["api"] = sqlite["api_rows"] / sqlite["api_seconds"]
        cpu_rates["api"] = sqlite["api_rows"] / sqlite["api_cpu"]
        pg_url = fresh_postgres()
        if pg_url:
            pg = child("postgres", pg_url, path, work / "home-pg", False)
            rates["postgres"] = pg["rows"] / pg["seconds"]
            cpu_rates["postgres"] = pg["rows"] / pg["cpu"]
        else:
            print("postgres  skipped: nothing answers at", PG_URL)
        for name, rate in rates.items():
            goal = (
                f"  (target >= {TARGETS[name]:,.0f}: {'met' if rate >= TARGETS[name] else 'NOT met'})"
                if name in TARGETS
                else ""
            )
            label = {
                "sqlite": "import -> SQLite",
                "postgres": "import -> PostgreSQL",
                "api": "API batches -> SQLite",
            }[name]
            print(
                f"{label:<22} {rate:>10,.0f} complaints/s = {rate / base_rate:.3f} x baseline{goal}"
            )
            print(f"{'':<22} {cpu_rates[name]:>10,.0f} per CPU-second of this process")
        print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")
        print(f"peak memory of the SQLite import process: {sqlite['rss_mb']:.0f} MB (streaming)")
        print(f"sightings per complaint: {sqlite['sightings'] / max(sqlite['rows'], 1):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
