"""Attribution: flagged groups become campaigns (numbered within the analysis), and each call
of a flagged group is labelled with one campaign, its origin group first."""

from __future__ import annotations

import hashlib

import duckdb

from tracebridge.telecom.analytics.core import Params
from tracebridge.telecom.analytics.keys import keys_of


def attribute(con: duckdb.DuckDBPyConnection, p: Params) -> None:
    """Table ``flagged`` (with keys and ids) and view ``labels`` (each call of a flagged
    group, its origin group first, from the per-call rows; a view: write_outputs reads it
    once)."""
    # The origin key shows the origid itself: look it up for the flagged groups only.
    names = keys_of(con).names("SELECT oid FROM f WHERE key_kind = 'origin'")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE flagged AS
        WITH f AS (SELECT * FROM groups WHERE score >= {p.threshold} AND pattern),
        names AS ({names})
        SELECT f.*, CASE WHEN key_kind = 'origin'
                    THEN names.origid || '@' || strftime(to_timestamp(day * 86400), '%Y-%m-%d')
                    ELSE '+' || CAST(cli AS VARCHAR) END AS key
        FROM f LEFT JOIN names USING (oid)""")  # noqa: S608
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE flagged AS
        SELECT *, {CAMPAIGN_INDEX} FROM (
            SELECT *, 'RC-' || substr(md5(key_kind || ':' || key), 1, 12) AS campaign_id
            FROM flagged)""")  # noqa: S608
    con.execute(LABELS_SQL)


# One scan, two hash probes. Pure equi-joins only (an extra non-equality condition turns a
# LEFT JOIN into a nested loop in DuckDB); rows without an origid or with a bad caller ID cannot
# match, because flagged groups never have those keys.
LABELS_SQL = """
    CREATE OR REPLACE TEMP VIEW labels AS
    SELECT c.call_id, c.reps, coalesce(fo.cix, fc.cix) AS cix,
           c.ts0, c.dur_max, c.ans_any, c.callee, c.cli, c.att, c.n
    FROM calls c
    LEFT JOIN (SELECT oid, day, cix FROM flagged WHERE key_kind = 'origin') fo
      ON fo.oid = c.oid AND fo.day = c.day
    LEFT JOIN (SELECT cli, cix FROM flagged WHERE key_kind = 'caller') fc
      ON fc.cli = c.cli
    WHERE fo.cix IS NOT NULL OR fc.cix IS NOT NULL"""
# Campaigns are numbered within one analysis: per-call rows carry the small number, not the
# campaign id (a 15-character string costs more to group and to store), until the files.
CAMPAIGN_INDEX = "CAST(row_number() OVER (ORDER BY campaign_id) AS INTEGER) AS cix"


def campaign_id_for(key_kind: str, key: str) -> str:
    """The id analysis gives a group, computed the same way in Python (for Spark and tests)."""
    return "RC-" + hashlib.md5(f"{key_kind}:{key}".encode(), usedforsecurity=False).hexdigest()[:12]
