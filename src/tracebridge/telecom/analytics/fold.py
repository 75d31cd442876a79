"""The per-call fold: the records of candidate groups folded into one row per call (table
``calls``), from which every feature is counted. The Spark engine folds with the same SQL."""

from __future__ import annotations

import duckdb

from tracebridge.telecom.analytics.core import DAY, TS, USABLE, count_of
from tracebridge.telecom.analytics.keys import Keys
from tracebridge.telecom.analytics.routes import NAME_SCANS, carriers_sql, record_bits
from tracebridge.telecom.numbers import DUCKDB, bad_caller_sql


def dense_reporters(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the reporting carriers fit 64 dense codes (table ``reporters``); then the
    second scan folds each call's records into one row and counts its distinct reporters with
    a bit mask instead of a DISTINCT aggregate. (DuckDB answers a DISTINCT over one
    dictionary-encoded Parquet column almost from the dictionaries.)"""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE reporters AS
        SELECT rep, CASE WHEN code < 64 THEN CAST(1 AS UBIGINT) << code END AS bit
        FROM (SELECT rep, CAST(row_number() OVER (ORDER BY rep) - 1 AS INTEGER) AS code
              FROM (SELECT DISTINCT coalesce(reporting_carrier, '') AS rep FROM cdr_raw))""")
    count = con.execute("SELECT count(*) FROM reporters").fetchone()
    con.execute(f"CREATE OR REPLACE TEMP TABLE carrier_names AS {NAME_SCANS[0]}")
    for scan in NAME_SCANS[1:]:
        con.execute(f"INSERT INTO carrier_names {scan}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE carriers AS {carriers_sql()}")
    return count is not None and int(count[0]) <= 64


def candidate_rows(con: duckdb.DuckDBPyConnection, dense: bool, num: Keys) -> None:
    """Table ``calls``: the records of candidate groups folded per call. One scan finds the
    records of candidate origin groups and every record without origid (a filter on the origid
    column, on stored partitions the origin key, which Parquet readers apply before decoding
    the rest; stored partitions keep records without one together); a second runs only for
    candidate caller numbers that placed signed calls outside those groups."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE candidate_keys AS
        SELECT DISTINCT 0 AS by_origin, h, NULL AS raw_oid, CAST(NULL AS BIGINT) AS day,
               CAST(NULL AS UBIGINT) AS oid
        FROM raw_numbers WHERE cli IN (SELECT cli FROM candidates WHERE key_kind = 'caller')
        UNION ALL
        SELECT DISTINCT 1, NULL, raw_oid, day, oid FROM raw_groups
        WHERE by_origin = 1 AND (oid, day) IN (
            SELECT (oid, day) FROM candidates WHERE key_kind = 'origin')""")
    candidates = "SELECT raw_oid FROM candidate_keys WHERE by_origin = 1"
    # Two scans, each filter pushed into the Parquet reader (an OR of the two is not: every
    # row group of every column would be decoded first).
    origins = (f"{num.origin} IN ({candidates})", f"NOT {num.signed(num.origin)}")
    taken = f"(ko.raw_oid IS NOT NULL OR NOT {num.signed('r.' + num.origin)})"
    records = _records_sql(dense, num, origins, taken)
    con.execute(f"CREATE OR REPLACE TEMP TABLE calls AS {fold_sql(records, dense, ORIGIN_DAY)}")
    # Callers' records outside candidate origin groups need a scan of their own: only for
    # candidate numbers that the origin scan did not already see whole.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE uncovered AS
        WITH wanted AS (SELECT cli FROM candidates WHERE key_kind = 'caller')
        SELECT h FROM raw_numbers WHERE cli IN (
            SELECT t.cli FROM (SELECT cli, sum(n) AS total FROM raw_numbers
                               WHERE cli IN (SELECT cli FROM wanted) GROUP BY cli) t
            LEFT JOIN (SELECT cli, sum(n) AS seen FROM calls
                       WHERE cli IN (SELECT cli FROM wanted) GROUP BY cli) s USING (cli)
            WHERE coalesce(s.seen, 0) <> t.total)""")
    if not count_of(con, "uncovered"):
        return
    callers = f"{num.key} IN (SELECT h FROM uncovered)"  # noqa: S608
    if dense:  # per-call aggregates merge: fold the callers' records, then merge both
        left = f"ko.raw_oid IS NULL AND {num.signed('r.' + num.origin)}"
        records = _records_sql(dense, num, callers, left)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE caller_calls AS {fold_sql(records, dense, NO_DAY)}"
        )
        _merge(con)
        return
    # A count of distinct reporters does not merge: one scan for both kinds of group.
    match = f"{taken} OR {callers}"
    scan = " OR ".join(f"({x})" for x in (*origins, callers))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE calls AS
        {fold_sql(_records_sql(dense, num, scan, match), dense)}""")


def _records_sql(dense: bool, num: Keys, scan: str | tuple[str, ...], match: str) -> str:
    """Usable records passing ``scan`` (SQL over cdr_raw; several: one scan each, disjoint)
    and ``match`` (over the joined
    candidate origin ``ko``), with the columns fold_sql reads; strings parsed or hashed on the
    way. ``day`` and ``oid`` are set only on records of candidate origin groups; ``obit``,
    ``ebit`` are the record's route bits (routes.record_bits), ``signed`` whether it has an
    origid."""
    obit, ebit = record_bits("co", "ct")
    select = f"SELECT *, {TS} AS ts, {DAY} AS day, coalesce(reporting_carrier, '') AS rep"
    rows = " UNION ALL ".join(
        f"{select} FROM cdr_raw WHERE {USABLE} AND ({x})"
        for x in ((scan,) if isinstance(scan, str) else scan)
    )
    return f"""
        SELECT call_id, {"k.bit" if dense else "r.rep"} AS rep, r.ts, ko.day,
               coalesce(duration_s, 0) AS dur,
               coalesce(answered, duration_s > 0, false) AS ans,
               {num.calling} AS cli, {num.called} AS callee,
               {num.code(num.att)} AS att, ko.oid, {obit} AS obit, {ebit} AS ebit,
               CAST({num.signed("r." + num.origin)} AS INTEGER) AS signed
        FROM ({rows}) r
        {"JOIN reporters k ON k.rep = r.rep" if dense else ""}
        LEFT JOIN carriers co ON co.name = r.orig_carrier
        LEFT JOIN carriers ct ON ct.name = r.term_carrier
        LEFT JOIN (SELECT raw_oid, day, oid FROM candidate_keys WHERE by_origin = 1) ko
          ON ko.raw_oid = r.{num.origin} AND ko.day = r.day
        WHERE {match}"""  # noqa: S608


def _merge(con: duckdb.DuckDBPyConnection) -> None:
    """``caller_calls`` merged into ``calls`` (dense reporters): one row per call. Only the
    calls both scans saw are aggregated again (usually a handful: regrouping every call cost
    as much as the fold of the unsigned calls); the rest are moved or kept as they are."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE both_calls AS
        SELECT * FROM calls WHERE call_id IN (SELECT call_id FROM caller_calls)""")
    con.execute("DELETE FROM calls WHERE call_id IN (SELECT call_id FROM both_calls)")
    con.execute(f"INSERT INTO calls BY NAME {_merge_sql()}")


def _merge_sql() -> str:
    """The rows of ``both_calls`` and ``caller_calls`` merged into one row per call."""
    rows = " UNION ALL BY NAME ".join(
        f"SELECT * EXCLUDE (ans_any, cli_bad) FROM {t}"  # noqa: S608
        for t in ("both_calls", "caller_calls")
    )
    aggregates = {name: merge for name, (_, merge) in _PER_CALL.items()}
    return _per_call_sql(rows, aggregates | {"reps": "bit_or(reps)"})


# Per-call columns: (aggregate over records, aggregate merging per-call rows). ``reps`` is added
# by fold_sql and _merge_sql (it depends on how reporters are counted).
_PER_CALL = {
    "day": ("min(day)", "min(day)"),
    "oid": ("min(oid)", "min(oid)"),
    "cli": ("min(cli)", "min(cli)"),
    "callee": ("min(callee)", "min(callee)"),
    "att": ("min(att)", "min(att)"),
    "n": ("count(*)", "sum(n)"),
    "answered": ("sum(CASE WHEN ans THEN 1 ELSE 0 END)", "sum(answered)"),
    "dur_sum": ("sum(dur)", "sum(dur_sum)"),
    "ts0": ("min(ts)", "min(ts0)"),
    "ts1": ("max(ts)", "max(ts1)"),
    "dur_max": ("max(dur)", "max(dur_max)"),
    "path_o": ("bit_or(obit)", "bit_or(path_o)"),
    "path_e": ("bit_or(ebit)", "bit_or(path_e)"),
    "signed": ("max(signed)", "max(signed)"),
}


def _per_call_sql(
    rows: str, aggregates: dict[str, str], day: str | None = None, dialect: dict[str, str] = DUCKDB
) -> str:
    """``rows`` grouped per call id into ``aggregates``; ``day`` (SQL over the per-call
    columns), when given, replaces the aggregate of the records' days."""
    if day is not None:
        aggregates = {name: agg for name, agg in aggregates.items() if name != "day"}
    columns = ", ".join(f"{agg} AS {name}" for name, agg in aggregates.items())
    # Whether any record says answered follows from the count of those that do: one aggregate
    # less per call, as a derived day is.
    derived = "" if day is None else f"{day} AS day, "
    return f"""
        SELECT *, {derived}answered > 0 AS ans_any,
               {bad_caller_sql("cli", dialect)} AS cli_bad
        FROM (SELECT call_id, {columns} FROM ({rows}) GROUP BY call_id)"""  # noqa: S608


def fold_sql(
    records: str, dense: bool, day: str | None = None, dialect: dict[str, str] = DUCKDB
) -> str:
    """The ``calls`` relation from ``records`` (columns call_id, rep, ts, day, dur, ans, cli,
    callee, att, oid, obit, ebit, signed): one row per call, its records counted in ``n``.

    Hop records repeat a call with the same numbers, times and attestation; one row per call
    makes every later count a plain count of rows, while sums weighted by ``n`` keep each
    feature exactly what it is over records. Where carriers' records of a call disagree, the
    smallest non-empty value of each column is kept (both engines keep the same one).
    ``day`` and ``oid`` are set only on records of a candidate origin group. ``reps`` is a bit
    mask of reporters when ``rep`` is each record's bit (``dense``: at most 64 reporters),
    otherwise the number of distinct reporters. ``day``: see ORIGIN_DAY and NO_DAY.
    """
    aggregates = {name: agg for name, (agg, _) in _PER_CALL.items()}
    aggregates["reps"] = "bit_or(rep)" if dense else "count(DISTINCT rep)"
    return _per_call_sql(records, aggregates, day, dialect)


# A call's day when every record folded has a day (the earliest record's, as min(day) gives:
# days follow times, both truncated from the same microseconds), and when none has.
ORIGIN_DAY = "ts0 // 86400"
NO_DAY = "CAST(NULL AS BIGINT)"
