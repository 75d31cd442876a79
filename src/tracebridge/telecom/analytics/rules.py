"""The scoring rules (FCC 19-51 ¶ 35 analytics) in SQL over group features: the streaming gate
that picks candidate groups, their exact features, the points and reasons, and the dialer
pattern a flag needs. The DuckDB and Spark engines share them."""

from __future__ import annotations

import duckdb

from tracebridge.telecom.analytics.core import Params
from tracebridge.telecom.analytics.routes import (
    CALL_DAY,
    EXCHANGE,
    EXCHANGED,
    HOUR,
    ROUTE,
    ROUTED,
    exchange_candidates_sql,
    route_candidates_sql,
)
from tracebridge.telecom.numbers import NANP


def gate(p: Params, n: str, answered: str, dur: str) -> str:
    """The streaming part of a flag: enough records, and poor completion or short calls."""
    return (
        f"{n} >= {p.min_calls} AND ({answered} / {n} < {p.low_answer} "
        f"OR {dur} / {n} < {p.short_avg_s})"
    )


# Aggregates shared by both groupings. Counts are exact: they appear in the explanations
# (HyperLogLog misstates small groups by 10%), and both engines must agree on them.
_FEATURES = f"""
    count(*) AS calls,
    sum(answered) / sum(n) AS answer_rate,
    sum(dur_sum) / sum(n) AS avg_dur,
    count(DISTINCT callee) AS uniq,
    max(callee) - min(callee) AS callee_span,
    (max(ts1) - min(ts0)) // 3600 + 1 AS hours,
    sum(CASE WHEN cli_bad THEN n ELSE 0 END) / sum(n) AS bad,
    sum(CASE WHEN cli // 10000 = callee // 10000 AND cli <> callee THEN n ELSE 0 END) / sum(n)
        AS neighbour,
    sum(CASE WHEN att = 3 AND cli // {NANP} = 1 THEN n ELSE 0 END) / sum(n) AS c_domestic,
    sum(CASE WHEN att = 1 THEN n ELSE 0 END) / sum(n) AS a_share"""


def rules(p: Params) -> list[tuple[str, int, str]]:
    """(condition, points, reason) in SQL over the group features; FCC 19-51 ¶ 35 analytics."""
    return [
        (
            f"answer_rate < {p.low_answer}",
            3,
            "printf('low completion: %.0f%% answered', answer_rate * 100)",
        ),
        (f"avg_dur < {p.short_avg_s}", 1, "printf('short calls: %.1f s on average', avg_dur)"),
        ("calls >= 30 * hours", 1, "printf('burst: %d calls within %d hour(s)', calls, hours)"),
        ("uniq >= 0.9 * calls", 1, "printf('many unique callees: %d of %d calls', uniq, calls)"),
        (
            "uniq >= 0.5 * calls AND callee_span < 100 * uniq",
            2,
            "printf('sequential dialing: %d callees within %d numbers', uniq, callee_span + 1)",
        ),
        ("bad >= 0.3", 2, "printf('invalid or unallocated caller IDs: %.0f%%', bad * 100)"),
        (
            "neighbour >= 0.3",
            2,
            "printf('neighbour spoofing: %.0f%% share the NPA-NXX of the callee', neighbour * 100)",
        ),
        (
            "c_domestic >= 0.5",
            1,
            "printf('C-attested gateway traffic with domestic caller IDs: %.0f%%', c_domestic * 100)",
        ),
        (
            "key_kind = 'origin' AND clis >= 0.5 * calls",
            1,
            "printf('rotating caller IDs: %d numbers', clis)",
        ),
        (
            "key_kind = 'route'",
            0,
            "'no origid: grouped by the route into the network and the hour'",
        ),
        (
            "key_kind = 'exchange'",
            0,
            "'no origid: grouped by the exchange dialled (NPA-NXX) and the day'",
        ),
        (
            "a_share >= 0.9 AND answer_rate >= 0.4",
            -4,
            "'A-attested and usually answered (legitimate high volume)'",
        ),
    ]


# Poor completion and short calls alone also describe a reminder line on a bad day; a flag
# needs one sign of a robodialer as well: a burst, sequential dialing, invalid, spoofed or
# rotating caller IDs, or C-attested gateway traffic with domestic numbers.
PATTERN = " OR ".join(
    f"({cond})"
    for cond in (
        "calls >= 30 * hours",
        "uniq >= 0.5 * calls AND callee_span < 100 * uniq",
        "bad >= 0.3",
        "neighbour >= 0.3",
        "c_domestic >= 0.5",
        "key_kind = 'origin' AND clis >= 0.5 * calls",
    )
)


def candidates_sql(p: Params) -> str:
    """Groups worth exact counting: enough records, and poor completion or short calls.

    Exact distinct counts are the costly part of the analysis; streaming aggregates first keep
    them to the few groups that can be flagged (a flag needs one of these two signs anyway).
    """
    passes = gate(p, "sum(n)", "sum(answered)", "sum(dur_sum)")
    return f"""
        SELECT 'origin' AS key_kind, oid, day, CAST(NULL AS BIGINT) AS cli
        FROM calls WHERE oid IS NOT NULL GROUP BY oid, day HAVING {passes}
        UNION ALL
        SELECT 'caller', NULL, NULL, cli FROM calls WHERE NOT cli_bad GROUP BY cli
        HAVING {passes}"""  # noqa: S608


def route_candidates(p: Params) -> str:
    """Route groups (calls without origid by route and hour) that pass the gate, from the
    per-call rows (table ``route_candidates``; both engines)."""
    return route_candidates_sql(gate(p, "sum(n)", "sum(answered)", "sum(dur_sum)"))


def exchange_candidates(p: Params) -> str:
    """Exchange groups (calls without origid by the exchange dialled and the day) that pass
    the gate, from the per-call rows (table ``exchange_candidates``; both engines)."""
    return exchange_candidates_sql(gate(p, "sum(n)", "sum(answered)", "sum(dur_sum)"))


def features_sql(p: Params) -> str:
    """Exact features of the candidate groups (``candidates``, ``route_candidates`` and
    ``exchange_candidates``)."""
    none = "CAST(NULL AS BIGINT)"
    return f"""
        SELECT 'origin' AS key_kind, oid, day, {none} AS cli, {none} AS path, {none} AS hour,
               {none} AS exchange, {_FEATURES}, count(DISTINCT cli) AS clis
        FROM calls c JOIN (SELECT oid AS koid, day AS kday FROM candidates
                           WHERE key_kind = 'origin') k ON c.oid = k.koid AND c.day = k.kday
        GROUP BY oid, day HAVING count(*) >= {p.min_calls}
        UNION ALL
        SELECT 'caller', NULL, NULL, cli, {none}, {none}, {none}, {_FEATURES}, 1
        FROM calls c JOIN (SELECT cli AS kcli FROM candidates WHERE key_kind = 'caller') k
          ON c.cli = k.kcli
        GROUP BY cli HAVING count(*) >= {p.min_calls}
        UNION ALL
        SELECT 'route', NULL, NULL, {none}, path, hour, {none}, {_FEATURES},
               count(DISTINCT cli)
        FROM (SELECT *, {ROUTE} AS path, {HOUR} AS hour FROM calls WHERE {ROUTED}) c
        JOIN route_candidates k USING (path, hour)
        GROUP BY path, hour HAVING count(*) >= {p.min_calls}
        UNION ALL
        SELECT 'exchange', NULL, xday, {none}, {none}, {none}, exchange, {_FEATURES},
               count(DISTINCT cli)
        FROM (SELECT *, {EXCHANGE} AS exchange, {CALL_DAY} AS xday FROM calls
              WHERE {EXCHANGED}) c
        JOIN exchange_candidates k USING (exchange, xday)
        GROUP BY exchange, xday HAVING count(*) >= {p.min_calls}"""  # noqa: S608


def score_sql(p: Params) -> str:
    """A group's points: the sum over the rules it meets."""
    return " + ".join(f"(CASE WHEN {cond} THEN {pts} ELSE 0 END)" for cond, pts, _ in rules(p))


def reasons_sql(p: Params) -> str:
    """A group's reasons, one list item per rule: the rule's text when met, otherwise NULL."""
    return ", ".join(f"CASE WHEN {cond} THEN {text} END" for cond, _, text in rules(p))


def score_groups(con: duckdb.DuckDBPyConnection, p: Params) -> None:
    """Table ``groups``: every candidate origin, caller and route group with its score and
    reasons."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE route_candidates AS {route_candidates(p)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE exchange_candidates AS {exchange_candidates(p)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE features AS {features_sql(p)}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE groups AS
        SELECT key_kind, oid, day, cli, path, hour, exchange, uniq, calls,
               {score_sql(p)} AS score,
               {PATTERN} AS pattern,
               array_to_string(list_filter([{reasons_sql(p)}], lambda r: r IS NOT NULL), '; ')
                   AS reasons
        FROM features""")  # noqa: S608
