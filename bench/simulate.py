"""Benchmark tracebridge.simulate: the medium world (100k complaints, 10M calls, 1M
transactions) must be written in under 3 minutes on a 2-core machine, in bounded memory.

1. Generate the world (default: medium; --smoke: small) and print the time, rows/s per stage
   and the peak resident memory. Target: medium < 180 s.
2. Baseline, in the same run: a row-at-a-time Python CDR writer (random.Random per field,
   one Python tuple per call, pyarrow from lists: the obvious way to write it) on a sample
   of calls; print the vectorised call stream's calls/s against it. The baseline does less
   per call (no hop records, campaigns or PASSporTs), so the ratio understates the gain;
   it is reported, not gated. At the baseline's rate 10M calls alone would need ~130 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tracebridge.simulate import generate
from tracebridge.simulate.sinks import CDR_SCHEMA

TARGET_SECONDS = 180.0


def naive_cdrs(path: Path, n: int, seed: int) -> float:
    """The baseline: one call at a time in Python; returns seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    rows = []
    for i in range(n):
        answered = rng.random() < 0.7
        rows.append(
            (
                f"C{i:010d}",
                1_735_689_600_000_000 + rng.randrange(365 * 86400) * 1_000_000,
                int(rng.lognormvariate(4.5, 1.0)) if answered else 0,
                answered,
                200 if answered else rng.choice((486, 480, 487, 603)),
                f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}",
                f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}",
                rng.choice(("AT&T", "Verizon")),
                rng.choice(("T-Mobile", "Comcast")),
                "T-Mobile",
                rng.choice(("A", "B", "C", None)),
                None,
                None,
            )
        )
    columns = list(zip(*rows, strict=True))
    arrays = [
        pa.array(list(col), type=field.type if field.name != "start_time" else pa.int64())
        for col, field in zip(columns, CDR_SCHEMA, strict=True)
    ]
    arrays[1] = arrays[1].cast(CDR_SCHEMA.field("start_time").type)
    pq.write_table(pa.Table.from_arrays(arrays, schema=CDR_SCHEMA), str(path), compression="zstd")
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small world, small baseline")
    args = parser.parse_args(argv)
    scale = "small" if args.smoke else "medium"
    stages: dict[str, list[float]] = {}
    last_event = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        # A stage starts when the one before it last reported (streams run one after another).
        now = time.perf_counter()
        stages.setdefault(stage, [last_event[0], now, 0])
        stages[stage][1] = now
        stages[stage][2] += done
        last_event[0] = now

    with tempfile.TemporaryDirectory() as tmp:
        summary = generate(Path(tmp) / "world", 20261129, scale, progress=progress)
        sample = 20_000 if args.smoke else 200_000
        baseline_s = naive_cdrs(Path(tmp) / "naive.parquet", sample, 1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"simulate {scale}: {summary.line()}")
    for stage, (first, last, rows) in stages.items():
        print(f"  {stage:<13} {rows:>12,} rows  ~{rows / max(last - first, 1e-3):>12,.0f} rows/s")
    call_rate = summary.calls / max(stages["calls"][1] - stages["calls"][0], 1e-3)
    base_rate = sample / baseline_s
    ratio = call_rate / base_rate
    print(
        f"  calls: {call_rate:,.0f} calls/s vectorised vs {base_rate:,.0f} calls/s "
        f"row-at-a-time baseline: ratio {ratio:.1f}x"
    )
    print(
        f"  total {summary.seconds:.1f}s (medium target < {TARGET_SECONDS:.0f}s), "
        f"peak memory {peak_mb:,.0f} MB"
    )
    # Smoke sizes are dominated by fixed costs: they check that the bench runs, not targets.
    ok = args.smoke or summary.seconds < TARGET_SECONDS
    print("simulate bench:", "ok" if ok else "MISSED TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
