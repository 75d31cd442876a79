"""Benchmark robocall detection (tracebridge cdr analyze) against two baselines, in one run.

1. Floor: a bare DuckDB ``GROUP BY calling_number`` scan of the same Parquet file, the least any
   per-number analysis must cost. Target (issue 19, "Telecom speed"): the full analysis of
   stored partitions within 4x the floor, on the 100M-call bench.
2. pandas: the same features and scores with vectorised pandas on a sample (default 1M rows;
   --smoke 100k). Target: DuckDB >= 20x pandas in rows/s.

Both are measured twice: on the simulated file as a carrier exports it (numbers as presented,
parsed by the analysis) and on the same records imported as ``cdr import`` stores them
(normalised numbers, origin keys and attestation codes beside the presented values, partitions
sorted by origin key and start time, in --parts batches), which is what the node analyses; each
against the floor over its own files.

Data: tracebridge.simulate's CDRs (default 100M calls, kept in --data with its store for later
runs; --smoke 300k calls). Wall-clock seconds, both cores, nothing else should run meanwhile.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd
from rich.progress import Progress

from tracebridge.simulate import generate
from tracebridge.telecom import analytics, ingest

NANP = 10_000_000_000


def world(data: Path, calls: int) -> Path:
    cdrs = data / "cdrs.parquet"
    marker = data / f".calls-{calls}"
    if not marker.exists():
        with Progress(transient=True) as progress:
            task = progress.add_task(f"simulating {calls:,} calls", total=calls)
            generate(
                data,
                20261129,
                scale="small",
                calls=calls,
                complaints=100,
                txns=100,
                progress=lambda stage, done, total: (
                    progress.update(task, completed=done) if stage == "calls" else None
                ),
            )
        marker.touch()
    return cdrs


def store(data: Path, cdrs: Path, parts: int) -> Path:
    """The simulated file imported as ``cdr import`` stores it (analysis columns added, sorted by
    origin key and start time), in ``parts`` batches as daily uploads would arrive; kept in
    DATA/store for later runs (imported again when its partitions lack a column that import
    now stores). Prints the import's rate the first time."""
    target = data / "store"
    marker = target / f".parts-{parts}"
    if marker.exists() and _current(target):
        return target
    rows = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(cdrs)]).fetchone()[0]  # type: ignore[index]
    step = -(-rows // parts)
    seconds = 0.0
    with Progress(transient=True) as progress, tempfile.TemporaryDirectory() as tmp:
        task = progress.add_task(f"importing {rows:,} records", total=parts)
        for i in range(parts):
            part = Path(tmp) / f"part-{i}.parquet"
            duckdb.execute(
                f"COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet(?, "  # noqa: S608
                f"file_row_number = true) WHERE file_row_number >= {i * step} AND "
                f"file_row_number < {(i + 1) * step}) TO '{part}' (FORMAT parquet)",
                [str(cdrs)],
            )
            started = time.perf_counter()
            ingest.store_batch(part, target / f"batch-{i}.parquet", None)
            seconds += time.perf_counter() - started
            part.unlink()
            progress.advance(task)
    print(
        f"import: {rows:,} records in {parts} batches, {seconds:.1f}s = {rows / seconds:,.0f} rows/s"
    )
    marker.touch()
    return target


def _current(target: Path) -> bool:
    """Whether analysis reads the store's own columns (every batch has all that import now
    stores), as it decides for any input."""
    con = analytics.connect()
    analytics.open_source(con, [target], analytics.AnalysisSummary())
    return analytics.keys_of(con) is analytics.STORED_KEYS


def floor(files: str) -> float:
    started = time.perf_counter()
    # The groups stay inside DuckDB (counted, not fetched): fetching millions of rows into
    # Python would slow the floor and flatter the ratio.
    duckdb.connect().execute(
        "SELECT count(*), sum(n) FROM (SELECT calling_number, count(*) AS n "
        "FROM read_parquet(?) GROUP BY calling_number)",
        [files],
    ).fetchall()
    return time.perf_counter() - started


def pandas_numbers(s: pd.Series) -> pd.Series:
    text = s.fillna("").str.strip()
    digits = text.str.replace(r"[^0-9]", "", regex=True)
    ok = text.str.fullmatch(r"\+?[0-9 ().\-]+")
    value = pd.to_numeric(digits.where(ok & (digits != "")), errors="coerce")
    national = (~text.str.startswith("+")) & (digits.str.len() == 10)
    value = value.where(~national, value + NANP)
    return value.where((value >= 1e6) & (value <= 999_999_999_999_999))


def pandas_analysis(sample: Path) -> int:
    """The DuckDB features and scores, vectorised in pandas; returns labelled calls."""
    df = pd.read_parquet(sample)
    df["ts"] = df["start_time"].astype("int64") // 10**6
    df["day"] = df["ts"] // 86400
    df["cli"], df["callee"] = (
        pandas_numbers(df["calling_number"]),
        pandas_numbers(df["called_number"]),
    )
    df["ans"] = df["answered"].fillna(df["duration_s"] > 0).astype(float)
    df["dur"] = df["duration_s"].fillna(0)
    df["bad"] = df["cli"].isna().astype(float)
    df["neighbour"] = (
        (df["cli"] // 10000 == df["callee"] // 10000) & (df["cli"] != df["callee"])
    ).astype(float)
    df["c_dom"] = ((df["attestation"] == "C") & (df["cli"] // NANP == 1)).astype(float)
    flagged = []
    for keys in (["origid", "day"], ["cli"]):
        g = (
            df.dropna(subset=keys)
            .groupby(keys)
            .agg(
                calls=("call_id", "nunique"),
                answer_rate=("ans", "mean"),
                avg_dur=("dur", "mean"),
                uniq=("callee", "nunique"),
                lo=("callee", "min"),
                hi=("callee", "max"),
                t0=("ts", "min"),
                t1=("ts", "max"),
                bad=("bad", "mean"),
                neighbour=("neighbour", "mean"),
                c_dom=("c_dom", "mean"),
                clis=("cli", "nunique"),
            )
        )
        g = g[g["calls"] >= 20]
        hours = (g["t1"] - g["t0"]) // 3600 + 1
        seq = (g["uniq"] >= 0.5 * g["calls"]) & (g["hi"] - g["lo"] < 100 * g["uniq"])
        burst = g["calls"] >= 30 * hours
        score = (
            3 * (g["answer_rate"] < 0.3)
            + (g["avg_dur"] < 10)
            + burst
            + (g["uniq"] >= 0.9 * g["calls"])
            + 2 * seq
            + 2 * (g["bad"] >= 0.3)
            + 2 * (g["neighbour"] >= 0.3)
            + (g["c_dom"] >= 0.5)
        )
        pattern = burst | seq | (g["bad"] >= 0.3) | (g["neighbour"] >= 0.3) | (g["c_dom"] >= 0.5)
        flagged.append(g[(score >= 5) & pattern].reset_index()[keys])
    origin = df.merge(flagged[0], on=["origid", "day"])
    caller = df.merge(flagged[1], on=["cli"])
    return int(pd.concat([origin["call_id"], caller["call_id"]]).nunique())


class StageTimer:
    """An on_stage callback: wall-clock seconds of each analysis stage, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stage = ""
        self._since = 0.0

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self._stage:
            self.seconds[self._stage] = now - self._since
        self._stage, self._since = stage, now


def analysed(label: str, source: Path, files: str, out: Path) -> tuple[float, float]:
    """Seconds of the analysis of ``source`` and of the floor over ``files`` (the same
    Parquet files); prints the summary and the stages."""
    # The first scan also reads the files into the page cache: the better of two runs is
    # the floor, so the analysis (which runs on a warm cache) gains nothing from it.
    floor_s = min(floor(files), floor(files))
    stages = StageTimer()
    started = time.perf_counter()
    summary = analytics.analyze([source], out, on_stage=stages)
    ours_s = time.perf_counter() - started
    stages("")  # closes the last stage
    print(f"{label}: {summary.line()}")
    print("  stages: " + ", ".join(f"{name} {secs:.2f}s" for name, secs in stages.seconds.items()))
    return ours_s, floor_s


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--calls", type=int)
    parser.add_argument("--sample", type=int)
    parser.add_argument("--parts", type=int, help="import batches (default 10; smoke 2)")
    parser.add_argument("--data", type=Path, default=Path("var/bench-cdr"))
    args = parser.parse_args()
    calls = args.calls or (300_000 if args.smoke else 100_000_000)
    sample_rows = args.sample or (100_000 if args.smoke else 1_000_000)
    data = args.data / f"{calls}"
    data.mkdir(parents=True, exist_ok=True)
    cdrs = world(data, calls)
    stored = store(data, cdrs, args.parts or (2 if args.smoke else 10))
    rows = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(cdrs)]).fetchone()[0]  # type: ignore[index]
    stored_rows = duckdb.execute(  # import drops carriers' duplicate records
        "SELECT count(*) FROM read_parquet(?)", [f"{stored}/*.parquet"]
    ).fetchone()[0]  # type: ignore[index]
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "the simulated file (presented numbers)": (
                rows,
                *analysed("file", cdrs, str(cdrs), Path(tmp) / "file"),
            ),
            "the imported store (stored numbers)": (
                stored_rows,
                *analysed("store", stored, f"{stored}/*.parquet", Path(tmp) / "store"),
            ),
        }
        sample = Path(tmp) / "sample.parquet"
        duckdb.execute(
            f"COPY (SELECT * FROM read_parquet(?) LIMIT {int(sample_rows)}) "  # noqa: S608 - ours
            f"TO '{sample}' (FORMAT parquet)",
            [str(cdrs)],
        )
        started = time.perf_counter()
        pandas_analysis(sample)
        pandas_rate = min(rows, sample_rows) / (time.perf_counter() - started)
    print(f"pandas on a {min(rows, sample_rows):,}-row sample: {pandas_rate:,.0f} rows/s")
    for label, (n, ours_s, floor_s) in runs.items():
        print(
            f"cdr analyze of {label}: {n:,} rows in {ours_s:.1f}s = {n / ours_s:,.0f} rows/s; "
            f"floor (GROUP BY calling_number) {floor_s:.1f}s: "
            f"{ours_s / floor_s:.2f}x the floor (target <= 4x), "
            f"{n / ours_s / pandas_rate:.1f}x pandas (target >= 20x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
