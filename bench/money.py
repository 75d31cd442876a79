"""Money trails: trace complaints over a large store, and the full mule scan against the floor.

    .venv/bin/python bench/money.py [--smoke] [--txns N] [--complaints N] [--keep DIR]

The world comes from tracebridge.simulate (victim payments, layering, cash-out, and legitimate
traffic filling the file up to N transactions); it is imported through the real store. Then, in
the same run:

- floor: a bare DuckDB scan of the same stored transactions, reading every column the mule scan
  reads (the least any full scan can cost);
- mule scan: the full scoring (features, victims, layers), reported as a ratio to the floor
  (target <= 5x);
- traces: every complaint with a tagged first hop, one after another, traces/s and the latency
  of one trace (target: max and p99 <= 200 ms), after building the in-memory index once.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tracebridge.money import mules
from tracebridge.money.index import build
from tracebridge.money.store import Store
from tracebridge.money.trace import Tracer
from tracebridge.simulate import generate

T = TypeVar("T")

FLOOR = """
SELECT count(*), sum(amount), max(time), sum(from_id), sum(to_id), count(complaint_ref),
       count(channel), count(to_bank), count(currency)
FROM txns
"""


def timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--txns", type=int)
    parser.add_argument("--complaints", type=int)
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="reuse or keep the world and store here")
    args = parser.parse_args(argv)
    txns = args.txns or (100_000 if args.smoke else 10_000_000)
    complaints = args.complaints or (2_000 if args.smoke else 14_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-money-"))
    try:
        return run(work, txns, complaints, 1_000 if args.smoke else args.traces, args.smoke)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, txns: int, complaints: int, traces: int, smoke: bool = False) -> int:
    world, store = work / "world", Store(work / "store")
    if not (world / "transactions.parquet").exists():
        seconds, _ = timed(lambda: generate(world, 7, scale="small", complaints=complaints,
                                            calls=1_000, txns=txns))  # fmt: skip
        print(f"world: {txns:,} transactions, {complaints:,} complaints in {seconds:.1f}s")
    if not store.batches():
        seconds, report = timed(store.import_file, world / "transactions.parquet")
        print(
            f"import: {report.stored:,} stored, {report.rejected_total} rejected in {seconds:.1f}s"
        )
    con = store.connect()
    con.execute(FLOOR).fetchall()  # warm the file cache for both sides alike
    floor = min(timed(lambda: con.execute(FLOOR).fetchall())[0] for _ in range(3))
    scan_s, found = timed(lambda: mules.scan(store.connect()))
    ratio = scan_s / floor
    print(f"floor (bare DuckDB scan): {floor:.3f}s; mule scan: {scan_s:.3f}s "
          f"({len(found):,} accounts) = {ratio:.1f}x the floor (target <= 5x)")  # fmt: skip
    # At smoke sizes a scan takes milliseconds and fixed per-query costs dominate the ratio:
    # the 5x target is checked at full size only.
    ok = ratio <= 5.0 or smoke
    return 0 if _traces(store, traces) and ok else 1


def _traces(store: Store, count: int) -> bool:
    build_s, index = timed(build, store)
    print(f"trace index: {index.rows:,} rows in {build_s:.1f}s")
    tracer = Tracer(index)
    refs = sorted(index.by_ref)[:count]
    latencies = []
    hops = 0
    started = time.perf_counter()
    for ref in refs:
        t0 = time.perf_counter()
        hops += len(tracer.trace_complaint(ref).hops)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
    worst = latencies[-1] if latencies else 0.0
    print(f"traces: {len(refs):,} complaints ({hops:,} hops) in {total:.2f}s = "
          f"{len(refs) / total:,.0f} traces/s; one trace: median "
          f"{statistics.median(latencies) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, "
          f"max {worst * 1000:.1f} ms (target <= 200 ms)")  # fmt: skip
    return worst <= 0.2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
