"""Robocall campaign detection over call detail records with DuckDB SQL (no Python per row).

The analytics the FCC allows carriers to block on (Declaratory Ruling FCC 19-51, ¶¶ 34-35):
bursts, short average duration, low completion, many unique callees, sequential dialing,
invalid or unallocated caller IDs, neighbour spoofing, and C-attested gateway traffic that
presents domestic caller IDs. Calls are grouped by origin (SHAKEN origid and day: spoofed calls
of one robodialer share it whatever caller ID they show), by normalised caller number, and,
calls without origid, by route into the network and hour and by exchange dialled and day
(``routes``). Each group is scored; flagged groups of one robodialer become one campaign, each
call attributed to at most one (its origin group first). Every flag carries its reasons.

The package, one job a module: ``sources`` (the input view), ``keys`` (how values are read:
SQL templates), ``groups`` (the grouping scan and candidates), ``fold`` (one row per call),
``rules`` (features and scores), ``attribution`` (campaigns and labels), ``outputs`` (the
files); ``core`` holds what they share. This module runs them in order, keeps the summary
and names the public API. SQL is assembled from constants, typed numbers and quoted paths,
never from user text; each such statement carries its own ``noqa: S608``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tracebridge import duck
from tracebridge.telecom.analytics.attribution import attribute as attribute
from tracebridge.telecom.analytics.attribution import campaign_id_for as campaign_id_for
from tracebridge.telecom.analytics.attribution import members_sql as members_sql
from tracebridge.telecom.analytics.attribution import merge as merge
from tracebridge.telecom.analytics.core import USABLE as USABLE
from tracebridge.telecom.analytics.core import AnalyticsError as AnalyticsError
from tracebridge.telecom.analytics.core import Params as Params
from tracebridge.telecom.analytics.core import count_of
from tracebridge.telecom.analytics.fold import ORIGIN_DAY as ORIGIN_DAY
from tracebridge.telecom.analytics.fold import fold_sql as fold_sql
from tracebridge.telecom.analytics.groups import prepare as prepare
from tracebridge.telecom.analytics.keys import PRESENTED as PRESENTED
from tracebridge.telecom.analytics.keys import STORED_KEYS as STORED_KEYS
from tracebridge.telecom.analytics.keys import attestation_code as attestation_code
from tracebridge.telecom.analytics.keys import keys_of as keys_of
from tracebridge.telecom.analytics.keys import origin_key as origin_key
from tracebridge.telecom.analytics.outputs import CAMPAIGN_COLUMNS as CAMPAIGN_COLUMNS
from tracebridge.telecom.analytics.outputs import write_outputs as write_outputs
from tracebridge.telecom.analytics.routes import CARRIER_NAMES as CARRIER_NAMES
from tracebridge.telecom.analytics.routes import carriers_sql as carriers_sql
from tracebridge.telecom.analytics.routes import record_bits as record_bits
from tracebridge.telecom.analytics.rules import PATTERN as PATTERN
from tracebridge.telecom.analytics.rules import candidates_sql as candidates_sql
from tracebridge.telecom.analytics.rules import exchange_candidates as exchange_candidates
from tracebridge.telecom.analytics.rules import features_sql as features_sql
from tracebridge.telecom.analytics.rules import reasons_sql as reasons_sql
from tracebridge.telecom.analytics.rules import route_candidates as route_candidates
from tracebridge.telecom.analytics.rules import rules as rules
from tracebridge.telecom.analytics.rules import score_groups as score_groups
from tracebridge.telecom.analytics.rules import score_sql as score_sql
from tracebridge.telecom.analytics.sources import COLUMNS as COLUMNS
from tracebridge.telecom.analytics.sources import STORED as STORED
from tracebridge.telecom.analytics.sources import open_source as open_source
from tracebridge.telecom.numbers import SPARK as SPARK
from tracebridge.telecom.numbers import bad_caller_sql as bad_caller_sql
from tracebridge.telecom.numbers import npa_bitmap as npa_bitmap
from tracebridge.telecom.numbers import number_in_range as number_in_range
from tracebridge.telecom.numbers import number_sql as number_sql
from tracebridge.telecom.robocall_accuracy import evaluate as evaluate

# Hop records (one per carrier on the path) repeat a call under the same call_id with the same
# numbers, times and attestation. Only records of candidate groups are folded per call (see
# fold_sql); the grouping scan over every record uses ratios, which the repetition leaves as
# they are.
EXACT_UNDER = 2_000_000  # rows up to which the summary counts distinct calls


@dataclass
class AnalysisSummary:
    rows: int = 0
    calls: int | None = 0  # None: not counted (more than EXACT_UNDER records)
    hop_records: int | None = 0
    campaigns: int = 0
    labelled_calls: int = 0
    duplicate_call_ids: int = 0
    invalid_caller_ids: int = 0
    missing_attestation: int = 0
    null_origid: int = 0
    unusable_rows: int = 0  # no call id or no start time
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def _calls(self) -> str:
        if self.calls is None:
            return f"calls not counted above {EXACT_UNDER:,} records"
        return f"{self.calls:,} calls"

    def line(self) -> str:
        return (
            f"{self.rows:,} records ({self._calls()}) -> {self.campaigns:,} campaigns, "
            f"{self.labelled_calls:,} calls labelled; {self.invalid_caller_ids:,} invalid "
            f"caller IDs, {self.missing_attestation:,} without attestation, "
            f"{self.null_origid:,} without origid, {self.duplicate_call_ids:,} duplicate call "
            f"ids; {self.seconds:.1f}s"
        )


def connect(threads: int | None = None, memory_limit: str | None = None) -> Any:
    """An in-memory DuckDB for analysis; its own progress bar stays off (commands draw one)."""
    con = duck.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET preserve_insertion_order = false")
    return con


STAGES = ("read", "score", "attribute", "write")


def analyze(
    files: Sequence[Path],
    out_dir: Path,
    params: Params | None = None,
    con: Any = None,
    on_stage: Callable[[str], None] | None = None,
) -> AnalysisSummary:
    """Detect campaigns in ``files`` and write DIR/campaigns.csv and DIR/call_labels.parquet."""
    started = time.perf_counter()
    p = params or Params()
    con = con or connect()
    summary = AnalysisSummary()
    open_source(con, [Path(f) for f in files], summary)
    step = on_stage or (lambda stage: None)
    try:
        step("read")
        prepare(con, summary, p, count_calls(con, summary))
        step("score")
        score_groups(con, p)
        step("attribute")
        attribute(con, p)
        step("write")
        dense = con.execute("SELECT count(*) <= 64 FROM reporters").fetchone()
        write_outputs(con, out_dir, summary, bool(dense and dense[0]))
    except duckdb.Error as exc:
        raise AnalyticsError(f"the files cannot be analysed: {str(exc).splitlines()[0]}") from None
    summary.seconds = time.perf_counter() - started
    return summary


def count_calls(con: duckdb.DuckDBPyConnection, summary: AnalysisSummary) -> str:
    """Records and calls (distinct call ids, counted up to EXACT_UNDER records) into
    ``summary``; returns the filter for usable records. Files rarely lack call ids; when none
    does, the grouping scan need not read the call id column at all."""
    rows = int(con.execute("SELECT count(*) FROM cdr_raw").fetchone()[0])  # type: ignore[index]
    # Counting distinct call ids means hashing every one of them: a tenth of the whole
    # analysis at 100M records, for one figure of the summary. Beyond EXACT_UNDER the calls
    # that matter (labelled ones, with their hop records and duplicates) are still counted.
    summary.rows, summary.calls = rows, None
    if rows <= EXACT_UNDER:
        row = con.execute("""
            SELECT count(DISTINCT call_id), count(*) FILTER (call_id IS NULL)
            FROM cdr_raw WHERE start_time IS NOT NULL""").fetchone()
        assert row is not None
        summary.calls, nulls = int(row[0]), int(row[1]) > 0
    else:  # Parquet statistics usually answer this without a scan
        facts = con.execute("SELECT null_call_ids FROM source_facts").fetchone()
        nulls = bool(facts and facts[0]) and bool(
            count_of(con, "(SELECT 1 FROM cdr_raw WHERE call_id IS NULL LIMIT 1)")
        )
    return USABLE if nulls else "start_time IS NOT NULL"


def baseline_labels(con: duckdb.DuckDBPyConnection, p: Params) -> Any:
    """The simple rule to beat: every call from a number that placed >= N calls."""
    calling = keys_of(con).calling
    con.complete()  # a one-row result read with fetchone() stays open until completed
    query = f"""
        WITH c AS (SELECT call_id, cli FROM (SELECT call_id, {calling} AS cli FROM cdr_raw
                                             WHERE {USABLE})
                   WHERE cli IS NOT NULL)
        SELECT DISTINCT call_id FROM c WHERE cli IN (
            SELECT cli FROM c GROUP BY cli
            HAVING approx_count_distinct(call_id) >= {p.baseline_calls})"""  # noqa: S608
    return con.sql(query).to_arrow_table()
