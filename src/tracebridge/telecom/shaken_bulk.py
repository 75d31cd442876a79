"""Bulk SHAKEN verification of a CDR file's ``identity`` column (pure: no Django).

Each Identity header is verified as of its call's start time (the PASSporT's iat is the moment
the call was signed), and its orig number is compared with the CDR's calling number: a valid
signature over a different number means the caller ID was changed after signing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tracebridge import csvsafe, duck
from tracebridge.telecom import analytics, shaken
from tracebridge.telecom.traceback import digits

BATCH = 10_000


@dataclass
class BulkSummary:
    records: int = 0
    with_identity: int = 0
    valid: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    attest: Counter[str] = field(default_factory=Counter)
    orig_mismatch: int = 0

    def line(self) -> str:
        failed = ", ".join(f"{k} {v:,}" for k, v in sorted(self.failed.items())) or "none"
        return (
            f"{self.records:,} records, {self.with_identity:,} with an Identity header: "
            f"{self.valid:,} valid, failed by step: {failed}; "
            f"{self.orig_mismatch:,} signed for another calling number"
        )


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    con = duck.connect()
    analytics.open_source(con, [path], analytics.AnalysisSummary())
    return con


def identities(con: duckdb.DuckDBPyConnection) -> Iterator[list[tuple[Any, ...]]]:
    """(call_id, identity, calling_number, epoch start) in batches, for rows with an identity."""
    cursor = con.execute("""
        SELECT call_id, identity, calling_number, epoch(start_time) FROM cdr_raw
        WHERE identity IS NOT NULL AND trim(identity) <> ''""")
    while rows := cursor.fetchmany(BATCH):
        yield rows


def count_records(path: Path) -> tuple[int, int]:
    """(records, records with an identity): the second is a progress bar's total."""
    row = (
        _open(path)
        .execute(
            "SELECT count(*), count(*) FILTER (identity IS NOT NULL AND trim(identity) <> '') "
            "FROM cdr_raw"
        )
        .fetchone()
    )
    assert row is not None
    return int(row[0]), int(row[1])


def verify_file(
    path: Path,
    verifier: shaken.Verifier,
    cert: Any = None,
    max_age: float = shaken.DEFAULT_MAX_AGE,
    strict: bool = False,
    out: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> BulkSummary:
    summary = BulkSummary()
    con = _open(path)
    counted = con.execute("SELECT count(*) FROM cdr_raw").fetchone()
    summary.records = int(counted[0]) if counted else 0
    with open(out, "w", newline="", encoding="utf-8") if out else nullcontext() as fh:
        writer = csvsafe.writer(fh) if fh is not None else None
        if writer is not None:
            writer.writerow(["call_id", "valid", "step", "attest", "orig_matches", "detail"])
        for rows in identities(con):
            summary.with_identity += len(rows)
            for call_id, identity, calling, start in rows:
                result = _one(verifier, identity, calling, start, cert, max_age, strict, summary)
                if writer is not None:
                    writer.writerow([call_id, *result])
            if progress:
                progress(len(rows))
    return summary


def _one(
    verifier: shaken.Verifier,
    identity: str,
    calling: str | None,
    start: float | None,
    cert: Any,
    max_age: float,
    strict: bool,
    summary: BulkSummary,
) -> list[Any]:
    try:
        ok = verifier.verify(identity, cert=cert, now=start, max_age=max_age, strict=strict)
    except shaken.ShakenError as exc:
        summary.failed[exc.step] += 1
        return [False, exc.step, "", "", "; ".join([str(exc), *exc.warnings])]
    summary.valid += 1
    summary.attest[ok.attest] += 1
    matches = digits(ok.orig) == digits(calling or "")
    summary.orig_mismatch += not matches
    return [True, "", ok.attest, matches, "; ".join(ok.warnings)]
