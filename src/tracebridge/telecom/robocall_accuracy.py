"""Call-level precision and recall of robocall labels against a simulated world's truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracebridge import duck


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    flagged: int
    robocalls: int


def evaluate(labelled: Any, truth_file: Path) -> Quality:
    """Call-level precision and recall of ``labelled`` (anything DuckDB reads with a call_id
    column: an Arrow table or a Parquet path) against truth_calls.parquet (kind = robocall)."""
    con = duck.connect()
    source = (
        f"read_parquet({duck.literal(labelled)})"
        if isinstance(labelled, (str, Path))
        else "flagged_ids"
    )
    if source == "flagged_ids":
        con.register("flagged_ids", labelled)
    row = con.execute(
        f"""SELECT count(*) FILTER (f.call_id IS NOT NULL AND t.kind = 'robocall'),
                   count(*) FILTER (f.call_id IS NOT NULL),
                   count(*) FILTER (t.kind = 'robocall')
            FROM read_parquet(?) t
            LEFT JOIN (SELECT DISTINCT call_id FROM {source}) f USING (call_id)""",  # noqa: S608
        [str(truth_file)],
    ).fetchone()
    assert row is not None
    hits, flagged, robocalls = int(row[0]), int(row[1]), int(row[2])
    return Quality(hits / max(flagged, 1), hits / max(robocalls, 1), flagged, robocalls)
