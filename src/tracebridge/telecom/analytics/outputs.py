"""The files an analysis writes: campaigns.csv, call_labels.parquet, campaign_numbers.csv,
campaign_samples.csv and campaign_groups.csv, and the summary's counts of labelled calls."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from tracebridge import duck
from tracebridge.telecom.analytics.keys import attestation_letter

if TYPE_CHECKING:
    from tracebridge.telecom.analytics import AnalysisSummary

CAMPAIGN_COLUMNS = (
    "campaign_id",
    "key_kind",
    "key",
    "calls",
    "unique_called",
    "answer_rate",
    "median_duration_s",
    "first_seen",
    "last_seen",
    "score",
    "reasons",
)


def write_outputs(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    summary: AnalysisSummary,
    dense_reps: bool = False,
) -> None:
    """DIR/campaigns.csv and DIR/call_labels.parquet (one row per labelled call id).

    ``labels``: one row per labelled call, with its campaign's ``cix`` (see CAMPAIGN_INDEX).
    ``dense_reps``: its ``reps`` are bit masks of reporters, otherwise counts of them (see
    fold_sql). ``flagged``: the campaigns, with their distinct callees (``uniq``) when a
    campaign is one origin group: it has every call of its group (origin groups claim calls
    first), so its count of callees is the group's; NULL otherwise (counted here)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    reporters = "bit_count(reps)" if dense_reps else "reps"
    # ``labels`` has one row per call already (see fold_sql).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE labelled AS
        SELECT call_id, cix, ts0 AS ts, dur_max AS dur, ans_any AS ans, callee, cli, att,
               n - {reporters} AS dups
        FROM labels""")  # noqa: S608
    con.execute("""
        CREATE OR REPLACE TEMP TABLE campaigns AS
        WITH callees AS (  -- distinct callees of the campaigns that are not one origin group
            SELECT cix, count(DISTINCT callee) AS n FROM labelled
            WHERE cix IN (SELECT cix FROM flagged WHERE uniq IS NULL)
            GROUP BY cix)
        SELECT s.* EXCLUDE (uniq), coalesce(s.uniq, c.n, 0) AS unique_called
        FROM (SELECT l.cix, any_value(g.campaign_id) AS campaign_id,
                     any_value(g.key_kind) AS key_kind, any_value(g.key) AS key,
                     any_value(g.uniq) AS uniq, count(*) AS calls,
                     round(avg(CAST(l.ans AS DOUBLE)), 4) AS answer_rate,
                     median(l.dur) AS median_duration_s,
                     strftime(to_timestamp(min(l.ts)), '%Y-%m-%dT%H:%M:%SZ') AS first_seen,
                     strftime(to_timestamp(max(l.ts)), '%Y-%m-%dT%H:%M:%SZ') AS last_seen,
                     any_value(g.score) AS score, any_value(g.reasons) AS reasons
              FROM labelled l JOIN flagged g USING (cix) GROUP BY l.cix) s
        LEFT JOIN callees c USING (cix)""")
    columns = ", ".join(CAMPAIGN_COLUMNS)
    target = duck.literal(out_dir / "campaigns.csv")
    con.execute(f"""
        COPY (SELECT {columns} FROM campaigns ORDER BY calls DESC, campaign_id)
        TO {target} (HEADER, DELIMITER ',')""")  # noqa: S608
    labels = duck.literal(out_dir / "call_labels.parquet")
    con.execute(f"""
        COPY (SELECT call_id, campaign_id FROM labelled JOIN flagged USING (cix))
        TO {labels} (FORMAT parquet, COMPRESSION snappy)""")  # noqa: S608
    _write_details(con, out_dir)
    # A duplicate is the same carrier's record of the same call twice (hop records of other
    # carriers are expected); counted among labelled calls, where it could skew the evidence.
    row = con.execute(
        "SELECT (SELECT count(*) FROM campaigns), count(*), coalesce(sum(dups), 0) FROM labelled"
    ).fetchone()
    assert row is not None
    summary.campaigns, summary.labelled_calls = int(row[0]), int(row[1])
    summary.duplicate_call_ids = int(row[2])


def _write_details(con: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    """DIR/campaign_numbers.csv (caller numbers with counts, up to 100 a campaign, to link
    complaints), DIR/campaign_samples.csv (the first 20 calls of each campaign) and
    DIR/campaign_groups.csv (every flagged group, its campaign and its own reasons)."""
    groups = duck.literal(out_dir / "campaign_groups.csv")
    con.execute(f"""
        COPY (SELECT f.campaign_id, g.key_kind, g.gkey AS key, g.calls, g.score, g.reasons
              FROM grouped g JOIN flagged f USING (comp)
              ORDER BY f.campaign_id, g.calls DESC, g.key_kind, g.gkey)
        TO {groups} (HEADER, DELIMITER ',')""")  # noqa: S608
    numbers = duck.literal(out_dir / "campaign_numbers.csv")
    con.execute(f"""
        COPY (SELECT campaign_id, '+' || CAST(t.cli AS VARCHAR) AS number, t.calls AS calls
              -- the top 100 by a streaming top-n aggregate, not a window sorting every number
              FROM (SELECT cix, unnest(max_by({{'cli': cli, 'calls': calls}},
                                              (calls, -cli), 100)) AS t
                    FROM (SELECT cix, cli, count(*) AS calls FROM labelled
                          WHERE cli IS NOT NULL GROUP BY cix, cli)
                    GROUP BY cix) JOIN flagged USING (cix)
              ORDER BY campaign_id, calls DESC, number)
        TO {numbers} (HEADER, DELIMITER ',')""")  # noqa: S608
    samples = duck.literal(out_dir / "campaign_samples.csv")
    con.execute(f"""
        COPY (SELECT campaign_id, s.call_id,
                     strftime(to_timestamp(s.ts), '%Y-%m-%dT%H:%M:%SZ') AS start_time,
                     CASE WHEN s.cli IS NULL THEN NULL ELSE '+' || CAST(s.cli AS VARCHAR) END
                         AS calling_number,
                     '+' || CAST(s.callee AS VARCHAR) AS called_number,
                     s.dur AS duration_s, {attestation_letter("s.att")} AS attestation
              -- the first 20 by a streaming top-n aggregate, not a window sorting every call
              FROM (SELECT cix, unnest(min_by(l, (ts, call_id), 20)) AS s
                    FROM labelled l GROUP BY cix) JOIN flagged USING (cix)
              ORDER BY campaign_id, s.ts, s.call_id)
        TO {samples} (HEADER, DELIMITER ',')""")  # noqa: S608
