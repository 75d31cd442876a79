"""Routes: the path a call took into the network, from the carriers in its hop records, for
calls that carry no origid (unsigned, or C-attested abroad without one).

Every carrier named in the records (orig_carrier, term_carrier, reporting_carrier) gets a bit
(table ``carriers``; the first 63, those named on a path before those that only report, each by
name; the rest none: their routes lose them). A carrier that reports no record at
all lies outside the node: a foreign carrier, or one that answers no traceback. A call's
**route** is its entry into the node when it has one (the outside carrier that handed the call
over and the carrier it handed it to: the foreign carrier and the US gateway), otherwise the set
of carriers that handed it on (every record's orig_carrier). Both are bit masks folded per call
(``path_e``, ``path_o``). Calls without origid are grouped by route and hour (``route``
groups, scored by the same rules) and, a second way, by the exchange they dial and the day
(``exchange`` groups, see EXCHANGE); the fragments of one campaign are joined later (see
attribution.merge).
"""

from __future__ import annotations

from tracebridge.telecom.numbers import DUCKDB, NANP

# A call's route, its hour and whether it has one, over the per-call columns (both engines).
ROUTE = "CASE WHEN path_e <> 0 THEN path_e ELSE path_o END"
HOUR = "ts0 // 3600"
# Calls grouped by route: no origid, and no foreign caller ID (a country code other than +1):
# ordinary calls from abroad show those; robocalls into the US show US numbers (or invalid or
# no numbers) to be answered. A call showing one stays in its caller group only.
ROUTED = f"signed = 0 AND coalesce(cli // {NANP}, 1) = 1"
MAX_BITS = 63  # carriers beyond these (by name) get no bit: a BIGINT mask, in both engines


# Carriers named in the records, whether each reports any: three DISTINCT scans of one column
# each (DuckDB answers those almost from the Parquet dictionaries; one scan of the three
# columns together costs forty times as much).
CARRIER_NAMES = """
    SELECT DISTINCT reporting_carrier AS name, true AS reports FROM cdr_raw
    UNION ALL SELECT DISTINCT orig_carrier, false FROM cdr_raw
    UNION ALL SELECT DISTINCT term_carrier, false FROM cdr_raw"""
NAME_SCANS = tuple(
    f"SELECT DISTINCT {column} AS name, {reports} AS reports FROM cdr_raw"  # noqa: S608
    for column, reports in (
        ("reporting_carrier", "true"),
        ("orig_carrier", "false"),
        ("term_carrier", "false"),
    )
)


def carriers_sql(names: str = "carrier_names", dialect: dict[str, str] = DUCKDB) -> str:
    """Table ``carriers`` (name, code, bit, outside) from ``names`` (name, reports): a table
    the DuckDB engine fills with NAME_SCANS, or CARRIER_NAMES in parentheses."""
    shift = (
        "CAST(1 AS BIGINT) << code" if dialect is DUCKDB else "shiftleft(CAST(1 AS BIGINT), code)"
    )
    return f"""
        SELECT name, code, CASE WHEN code < {MAX_BITS} THEN {shift} ELSE 0 END AS bit, outside
        FROM (SELECT name, CAST(row_number() OVER (ORDER BY bool_and(reports), name) - 1
                                AS INTEGER) AS code,
                     NOT bool_or(reports) AS outside
              FROM {names} WHERE name IS NOT NULL GROUP BY name)"""  # noqa: S608


def record_bits(orig: str, term: str) -> tuple[str, str]:
    """Per record, the SQL of (obit, ebit) given aliases of ``carriers`` joined on the
    record's orig_carrier (``orig``) and term_carrier (``term``): the bit of the carrier that
    handed the call on, and the entry (both bits) when that carrier lies outside the node."""
    obit = f"coalesce({orig}.bit, 0)"
    ebit = f"CASE WHEN {orig}.outside THEN {obit} | coalesce({term}.bit, 0) ELSE 0 END"
    return obit, ebit


def route_candidates_sql(gate: str) -> str:
    """Route groups worth exact counting: calls without origid (ROUTED), by route and hour,
    that pass ``gate`` (rules.gate over n, answered and dur_sum)."""
    return f"""
        SELECT route AS path, hour FROM (
            SELECT {ROUTE} AS route, {HOUR} AS hour, n, answered, dur_sum FROM calls
            WHERE {ROUTED})
        WHERE route <> 0 GROUP BY route, hour HAVING {gate}"""  # noqa: S608


# Calls without origid are grouped a second way, by the exchange they dial: a robodialer works
# through a list or a block of numbers, so one burst's calls go to one exchange (NPA-NXX) in
# sequence whatever route each takes and whatever caller ID each shows. Ordinary calls into one
# exchange are few a day, and answered. A group is one exchange (the callee's number without
# its last four digits, NANP callees only) on one UTC day.
EXCHANGE = "callee // 10000"
CALL_DAY = "ts0 // 86400"
EXCHANGED = f"{ROUTED} AND callee // {NANP} = 1"


def exchange_candidates_sql(gate: str) -> str:
    """Exchange groups worth exact counting: calls without origid (EXCHANGED), by the
    callee's exchange and the day, that pass ``gate`` (as route_candidates_sql)."""
    return f"""
        SELECT exchange, xday FROM (
            SELECT {EXCHANGE} AS exchange, {CALL_DAY} AS xday, n, answered, dur_sum FROM calls
            WHERE {EXCHANGED})
        GROUP BY exchange, xday HAVING {gate}"""  # noqa: S608


def route_key_sql() -> str:
    """(gid, key) of the flagged route groups: 'from <outside> via <gateway>, <hour>' for an
    entry, 'via <carriers>, <hour>' otherwise; names in byte order."""
    return """
        SELECT gid, CASE WHEN bool_or(c.outside)
                    THEN 'from ' || string_agg(c.name, ' + ' ORDER BY c.name)
                             FILTER (c.outside)
                         || ' via ' || coalesce(string_agg(c.name, ' + ' ORDER BY c.name)
                                                FILTER (NOT c.outside), '?')
                    ELSE 'via ' || string_agg(c.name, ' + ' ORDER BY c.name) END
                    || ', ' || strftime(to_timestamp(any_value(g.hour) * 3600),
                                        '%Y-%m-%d %H:00Z') AS key
        FROM flagged_groups g JOIN carriers c ON (g.path & c.bit) <> 0
        WHERE g.key_kind = 'route' GROUP BY gid"""
