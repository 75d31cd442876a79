"""The grouping scan: one cheap pass over every record groups raw caller numbers and raw
(origin, day, attestation) triples, the candidate groups pass the streaming gate, and the
summary's counts come from the groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from tracebridge.telecom.analytics.core import DAY, Params
from tracebridge.telecom.analytics.fold import candidate_rows, dense_reporters
from tracebridge.telecom.analytics.keys import keys_of
from tracebridge.telecom.analytics.rules import gate
from tracebridge.telecom.numbers import bad_caller_sql

if TYPE_CHECKING:
    from tracebridge.telecom.analytics import AnalysisSummary


def prepare(
    con: duckdb.DuckDBPyConnection, summary: AnalysisSummary, p: Params, usable: str
) -> None:
    """Tables ``candidates`` (groups that pass the streaming gate, see candidates_sql) and
    ``calls`` (one row per call of a candidate group, with the features a score needs).

    One cheap scan groups the raw caller numbers and the raw (origin, day, attestation)
    triples; presented values are parsed once per distinct value, not per record. Later scans
    keep only the records of candidate groups: most records never reach the costly steps.
    ``usable``: the filter for usable records (see analytics.count_calls).
    """
    num = keys_of(con)
    # Caller strings are normalised per group, inside the query: the table keeps their hash
    # (a second scan finds their records by it), not the strings, which cost more to store
    # than to group. A hash collision can only add records, never lose one: later steps key
    # on the parsed number. Stored numbers need no merge: of their groups, only those that
    # pass the gate (candidates) or are invalid (counted) are kept.
    keep = (
        ""
        if num.spelled
        else (
            f"HAVING GROUPING({num.group}) = 1 OR "
            f"({gate(p, 'count(*)', 'sum(CAST(ans AS INTEGER))', 'sum(dur)')}) OR "
            f"{bad_caller_sql(num.group)}"
        )
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE raw_groups AS
        SELECT * EXCLUDE (raw, raw_att), {bad_caller_sql("cli")} AS bad
        FROM (SELECT *, CASE WHEN by_origin = 0 THEN {num.h} END AS h,
                     CASE WHEN by_origin = 0 THEN {num.cli} END AS cli,
                     {num.oid("raw_oid")} AS oid, {num.code("raw_att")} AS att
              FROM (SELECT {num.group} AS raw, {num.origin} AS raw_oid, day, {num.att} AS raw_att,
                           GROUPING({num.group}) AS by_origin, count(*) AS n,
                           sum(CAST(ans AS INTEGER)) AS answered, sum(dur) AS dur
                    FROM (SELECT {num.group}, {num.origin}, {num.att},
                                 {DAY} AS day, coalesce(answered, duration_s > 0, false) AS ans,
                                 coalesce(duration_s, 0) AS dur
                          FROM cdr_raw WHERE {usable})
                    GROUP BY GROUPING SETS (({num.group}), ({num.origin}, day, {num.att}))
                    {keep}))""")  # noqa: S608
    con.execute(
        "CREATE OR REPLACE TEMP VIEW raw_numbers AS "
        "SELECT h, n, answered, dur, cli, bad FROM raw_groups WHERE by_origin = 0"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        SELECT 'origin' AS key_kind, oid, day, CAST(NULL AS BIGINT) AS cli
        FROM raw_groups WHERE by_origin = 1 AND oid IS NOT NULL GROUP BY oid, day
        HAVING {gate(p, "sum(n)", "sum(answered)", "sum(dur)")}
        UNION ALL
        SELECT 'caller', NULL, NULL, cli FROM raw_numbers WHERE NOT bad GROUP BY cli
        HAVING {gate(p, "sum(n)", "sum(answered)", "sum(dur)")}""")  # noqa: S608
    candidate_rows(con, dense_reporters(con), num)
    _count(con, summary)


def _count(con: duckdb.DuckDBPyConnection, summary: AnalysisSummary) -> None:
    """The summary's other counts, from the raw groups (per distinct key, not per record)."""
    row = con.execute("""
        SELECT sum(n) FILTER (by_origin = 1),
               sum(n) FILTER (by_origin = 1 AND att IS NULL),
               sum(n) FILTER (by_origin = 1 AND oid IS NULL),
               (SELECT sum(n) FROM raw_numbers WHERE bad)
        FROM raw_groups""").fetchone()
    assert row is not None
    usable = int(row[0] or 0)
    summary.unusable_rows = summary.rows - usable
    summary.hop_records = None if summary.calls is None else usable - summary.calls
    summary.missing_attestation, summary.null_origid = int(row[1] or 0), int(row[2] or 0)
    summary.invalid_caller_ids = int(row[3] or 0)
