"""Write a whole simulated world to a directory: the entry point of ``tracebridge simulate``."""

from __future__ import annotations

import csv
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tracebridge.simulate import cdr, ftc, money, ordinary, world
from tracebridge.simulate.complaints import ComplaintStats, ComplaintWriter
from tracebridge.simulate.knobs import DEFAULT, Knobs
from tracebridge.simulate.passport import load_signer
from tracebridge.simulate.sinks import TXN_SCHEMA, ParquetSink, RowBuffer

# name -> (complaints, calls, transactions)
SCALES = {
    "small": (600, 20_000, 5_000),
    "medium": (100_000, 10_000_000, 1_000_000),
    "large": (1_000_000, 100_000_000, 10_000_000),
}
LEGIT_BATCH = 200_000
INLINE_TRUTH_LIMIT = 50_000  # above this, complaint truth lives only in truth_complaints.csv
FILES = (
    "complaints.jsonl",
    "ftc_dnc.csv",
    "cdrs.parquet",
    "transactions.parquet",
    "truth.json",
    "truth_complaints.csv",
    "truth_calls.parquet",
)

Progress = Callable[[str, int, int], None]
"""progress(stage, rows just written, rows the stage will write)"""


@dataclass
class WorldSummary:
    out_dir: Path
    seed: int
    scale: str
    campaigns: int
    complaints: int
    calls: int
    cdr_rows: int
    transactions: int
    dnc_rows: int
    seconds: float
    files: list[str] = field(default_factory=lambda: list(FILES))

    def line(self) -> str:
        return (
            f"{self.campaigns} campaigns, {self.complaints:,} complaints, "
            f"{self.calls:,} calls ({self.cdr_rows:,} CDR rows), "
            f"{self.transactions:,} transactions, {self.dnc_rows:,} DNC rows "
            f"in {self.seconds:.1f}s -> {self.out_dir}"
        )


def sizes(
    scale: str, complaints: int | None, calls: int | None, txns: int | None
) -> tuple[int, int, int]:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    base = SCALES[scale]
    chosen = (
        base[0] if complaints is None else complaints,
        base[1] if calls is None else calls,
        base[2] if txns is None else txns,
    )
    if min(chosen) < 0:
        raise ValueError("sizes must not be negative")
    return chosen


def generate(
    out_dir: Path | str,
    seed: int,
    scale: str = "small",
    complaints: int | None = None,
    calls: int | None = None,
    txns: int | None = None,
    progress: Progress | None = None,
    shaken_key: Path | None = None,
    knobs: Knobs = DEFAULT,
) -> WorldSummary:
    """Write the world for ``seed`` into ``out_dir``; the same arguments give the same bytes.

    ``knobs`` picks a world of the family (``simulate.knobs``); the default is the usual one.
    """
    started = time.perf_counter()
    n_complaints, n_calls, n_txns = sizes(scale, complaints, calls, txns)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, done, total: None)
    the_world = world.build(seed, n_complaints, knobs)
    stats, legit, n_written = _write_complaints_and_money(
        out, seed, the_world, n_complaints, n_txns, report
    )
    with open(out / "ftc_dnc.csv", "w", encoding="utf-8", newline="") as dnc:
        dnc_rows = ftc.write(the_world, seed, dnc, n_complaints)
    report("ftc_dnc", dnc_rows, dnc_rows)
    _, cdr_rows = cdr.write_calls(
        the_world,
        seed,
        n_calls,
        out / "cdrs.parquet",
        out / "truth_calls.parquet",
        load_signer(shaken_key),
        lambda k: report("calls", k, n_calls),
    )
    mules = set(the_world.mule_accounts()) | stats.one_off_accounts
    _write_truth(
        out,
        seed,
        scale,
        the_world,
        stats.no_identifier_refs,
        sorted(mules),
        legit,
        n_complaints,
    )
    return WorldSummary(
        out,
        seed,
        scale,
        len(the_world.campaigns),
        n_complaints,
        n_calls,
        cdr_rows,
        n_written,
        dnc_rows,
        time.perf_counter() - started,
    )


def _write_complaints_and_money(
    out: Path,
    seed: int,
    the_world: world.World,
    n_complaints: int,
    n_txns: int,
    report: Progress,
) -> tuple[ComplaintStats, list[str], int]:
    """Complaints and the trails of their payments, then legitimate payments to fill up."""
    with ParquetSink(out / "transactions.parquet", TXN_SCHEMA) as txn_sink:
        buffer = RowBuffer(txn_sink)
        trail = money.TrailWriter(buffer, random.Random(f"{seed}:money"))
        writer = ComplaintWriter(the_world, seed, trail)
        with (
            open(out / "complaints.jsonl", "w", encoding="utf-8") as jsonl,
            open(out / "truth_complaints.csv", "w", encoding="utf-8") as truth_csv,
        ):
            stats = writer.write(
                jsonl, truth_csv, n_complaints, lambda k: report("complaints", k, n_complaints)
            )
        pool = money.legit_pool(seed, int(np.clip((n_txns - trail.rows) // 8, 100, 200_000)))
        lookalikes = _write_ordinary(trail, the_world, stats, pool, seed)
        buffer.flush()
        n_legit = n_txns - trail.rows
        _write_legit(txn_sink, seed, pool, n_legit, trail.rows, report)
    legit = pool.keys() if n_legit > 0 else []
    return stats, legit + lookalikes, txn_sink.rows


def _write_ordinary(
    trail: money.TrailWriter,
    the_world: world.World,
    stats: ComplaintStats,
    pool: money.LegitPool,
    seed: int,
) -> list[str]:
    """Mules' ordinary lives and mule-like honest accounts, when the knobs ask for them (no
    random draws otherwise); returns the look-alike accounts."""
    knobs = the_world.knobs
    if knobs.ordinary_mule_share == 0 and knobs.lookalike_share == 0:
        return []
    mules = sorted(set(the_world.mule_accounts()) | stats.one_off_accounts)
    return ordinary.write(trail, mules, knobs, pool, seed)


def _write_legit(
    sink: ParquetSink, seed: int, pool: money.LegitPool, n: int, first_id: int, report: Progress
) -> None:
    """Legitimate payments filling the file up to the requested size."""
    for k, start in enumerate(range(0, n, LEGIT_BATCH)):
        size = min(LEGIT_BATCH, n - start)
        rng = np.random.default_rng([seed, 90, k])
        sink.write(money.legit_batch(pool, rng, first_id + start + 1, size))
        report("transactions", size, n)


def _write_truth(
    out: Path,
    seed: int,
    scale: str,
    the_world: world.World,
    no_identifier_refs: list[str],
    mules: list[str],
    legit_accounts: list[str],
    n_complaints: int,
) -> None:
    truth: dict[str, object] = {
        "seed": seed,
        "scale": scale,
        "campaigns": [
            {
                "id": c.id,
                "operation": c.operation.id,
                "playbook": c.playbook,
                "scam_types": sorted({t for types in c.scam_types.values() for t in types}),
                "countries": c.countries,
                "identifiers": c.identifier_keys(),
                "active": [world.day_iso(c.start_day), world.day_iso(c.end_day)],
            }
            for c in the_world.campaigns
        ],
        "operations": [
            {
                "id": op.id,
                "country": op.country,
                "city": op.city,
                "accounts": sorted(op.collectors + op.consolidation_wallets),
            }
            for op in the_world.operations
        ],
        "complaints_file": "truth_complaints.csv",
        "calls_file": "truth_calls.parquet",
        "mule_accounts": mules,
        "hub_identifiers": world.hub_identifiers(),
        "legit_accounts": sorted(legit_accounts),
        "no_identifier_refs": no_identifier_refs,
    }
    if n_complaints <= INLINE_TRUTH_LIMIT:
        truth["complaints"] = load_complaint_truth(out)
    text = json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True)
    (out / "truth.json").write_text(text + "\n", encoding="utf-8")


def load_complaint_truth(out_dir: Path | str) -> dict[str, str | None]:
    """ref -> campaign id (None for one-off complaints), at any scale."""
    with open(Path(out_dir) / "truth_complaints.csv", encoding="utf-8", newline="") as f:
        return {row["ref"]: row["campaign_id"] or None for row in csv.DictReader(f)}
