"""Call-level precision and recall of robocall labels against a simulated world's truth, and
how well the flagged calls are grouped into campaigns (B-cubed)."""

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


def b_cubed(labels: Path, truth_file: Path) -> float:
    """B-cubed F1 of the flagged campaigns against the true ones, over flagged robocalls: does
    one true campaign come out as one flagged campaign (recall), and one flagged campaign hold
    one true campaign (precision)? 0 when no robocall is flagged."""
    row = (
        duck.connect()
        .execute(
            """
        WITH x AS (SELECT l.call_id, l.campaign_id AS p, t.campaign_id AS t
                   FROM read_parquet(?) l JOIN read_parquet(?) t USING (call_id)
                   WHERE t.kind = 'robocall'),
             cell AS (SELECT p, t, count(*) AS n FROM x GROUP BY p, t),
             ps AS (SELECT p, sum(n) AS n FROM cell GROUP BY p),
             ts AS (SELECT t, sum(n) AS n FROM cell GROUP BY t)
        SELECT sum(c.n * c.n / ps.n) / sum(c.n), sum(c.n * c.n / ts.n) / sum(c.n)
        FROM cell c JOIN ps USING (p) JOIN ts USING (t)""",
            [str(labels), str(truth_file)],
        )
        .fetchone()
    )
    if row is None or row[0] is None:
        return 0.0
    precision, recall = float(row[0]), float(row[1])
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
