"""What every stage of the analysis shares: its parameters, its one error, and the SQL of a
usable record and its time. (The summary is the package's own: ``analytics.AnalysisSummary``.)"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


class AnalyticsError(Exception):
    """A file that cannot be used at all (missing, unreadable, required columns absent)."""


@dataclass(frozen=True)
class Params:
    min_calls: int = 20  # smaller groups are never campaigns
    threshold: int = 5  # points needed to flag a group (and one dialer pattern, see PATTERN)
    low_answer: float = 0.3
    short_avg_s: float = 10.0
    baseline_calls: int = 100  # the per-number rule: this many calls from one number


USABLE = "start_time IS NOT NULL AND call_id IS NOT NULL"
# Whole seconds and UTC days from integer microseconds (truncating, as Spark's unix_timestamp).
TS = "epoch_us(start_time) // 1000000"
DAY = "epoch_us(start_time) // 86400000000"


def count_of(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """Rows of ``relation`` (a table name or a parenthesised query of ours)."""
    row = con.execute(f"SELECT count(*) FROM {relation}").fetchone()  # noqa: S608 - ours
    return int(row[0]) if row else 0
