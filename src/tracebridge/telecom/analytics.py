"""Robocall campaign detection over call detail records with DuckDB SQL (no Python per row).

The analytics the FCC allows carriers to block on (Declaratory Ruling FCC 19-51, ¶¶ 34-35):
bursts, short average duration, low completion, many unique callees, sequential dialing,
invalid or unallocated caller IDs, neighbour spoofing, and C-attested gateway traffic that
presents domestic caller IDs. Calls are grouped two ways: by origin (SHAKEN origid and day:
spoofed calls of one robodialer share it whatever caller ID they show) and by normalised caller
number. Each group is scored; flagged groups become campaigns, each call attributed to at most
one (its origin group first). Every flag carries its reasons.
"""

# SQL here is assembled from constants, typed numbers and quoted paths, never from user text.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tracebridge import duck
from tracebridge.telecom.evaluation import Quality as Quality
from tracebridge.telecom.evaluation import evaluate as evaluate
from tracebridge.telecom.numbers import DUCKDB as DUCKDB
from tracebridge.telecom.numbers import NANP as NANP
from tracebridge.telecom.numbers import SPARK as SPARK
from tracebridge.telecom.numbers import bad_caller_sql as bad_caller_sql
from tracebridge.telecom.numbers import npa_bitmap as npa_bitmap
from tracebridge.telecom.numbers import number_in_range as number_in_range
from tracebridge.telecom.numbers import number_sql as number_sql

COLUMNS: dict[str, str] = {
    "call_id": "VARCHAR",
    "start_time": "TIMESTAMPTZ",
    "duration_s": "INTEGER",
    "answered": "BOOLEAN",
    "sip_code": "INTEGER",
    "calling_number": "VARCHAR",
    "called_number": "VARCHAR",
    "orig_carrier": "VARCHAR",
    "term_carrier": "VARCHAR",
    "reporting_carrier": "VARCHAR",
    "attestation": "VARCHAR",
    "origid": "VARCHAR",
    "identity": "VARCHAR",
}
REQUIRED = ("call_id", "start_time", "calling_number", "called_number")
# Columns ``cdr import`` stores beside the presented ones, for analysis: normalised numbers,
# each record's origin key (ORIGIN_KEY of its origid) and attestation code (ATTESTATION_CODE).
STORED = {
    "calling_e164": "BIGINT",
    "called_e164": "BIGINT",
    "origin_key": "UBIGINT",
    "att": "TINYINT",
}
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
# Hop records (one per carrier on the path) repeat a call under the same call_id with the same
# numbers, times and attestation. Only records of candidate groups are folded per call (see
# fold_sql); the grouping scan over every record uses ratios, which the repetition leaves as
# they are.
EXACT_UNDER = 2_000_000  # rows up to which the summary counts distinct calls


class AnalyticsError(Exception):
    """A file that cannot be used at all (missing, unreadable, required columns absent)."""


@dataclass(frozen=True)
class Params:
    min_calls: int = 20  # smaller groups are never campaigns
    threshold: int = 5  # points needed to flag a group (and one dialer pattern, see PATTERN)
    low_answer: float = 0.3
    short_avg_s: float = 10.0
    baseline_calls: int = 100  # the per-number rule: this many calls from one number


@dataclass
class Summary:
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


def _parquet_target(path: Path) -> str | None:
    """The file or glob DuckDB reads for a Parquet file or a directory of them; None for
    other files."""
    if path.is_dir():
        return f"{path}/**/*.parquet"
    return str(path) if path.suffix.lower() == ".parquet" else None


def _reader(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    target = _parquet_target(path)
    if target is not None:
        return "read_parquet('{}', union_by_name = true)".format(target.replace("'", "''"))
    if path.suffix.lower() in (".csv", ".gz", ".txt"):
        return f"read_csv('{quoted}', header = true, all_varchar = true)"
    raise AnalyticsError(f"{path}: not a Parquet or CSV file (use .parquet or .csv)")


def _columns(con: duckdb.DuckDBPyConnection, source: str, path: Path) -> dict[str, str]:
    """Column name -> DuckDB type of ``source``."""
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as exc:
        raise AnalyticsError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from None
    return {str(r[0]): str(r[1]) for r in rows}


def open_source(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[Path],
    summary: Summary,
    stored_numbers: bool = True,
) -> None:
    """View ``cdr_raw`` with every DESIGN.md column (absent optional ones are NULL), and the
    STORED columns when every file has them and ``stored_numbers`` allows it (import computes
    its own and never takes a file's)."""
    if not files:
        raise AnalyticsError("no input files")
    sources = []
    for path in files:
        if not path.exists():
            raise AnalyticsError(f"{path}: no such file")
        source = _reader(path)
        present = _columns(con, source, path)
        missing = [c for c in REQUIRED if c not in present]
        if missing:
            raise AnalyticsError(f"{path}: cannot be used: missing columns {', '.join(missing)}")
        summary.missing_columns += [c for c in COLUMNS if c not in present]
        summary.extra_columns += [c for c in present if c not in COLUMNS and c not in STORED]
        sources.append((source, present))
    summary.missing_columns = sorted(set(summary.missing_columns))
    summary.extra_columns = sorted(set(summary.extra_columns))
    stored = stored_numbers and all(
        _stored_in_all(con, path, present)
        for path, (_, present) in zip(files, sources, strict=True)
    )
    extra = "".join(f", {c}" for c in STORED) if stored else ""
    selects = [f"SELECT {_projection(present)}{extra} FROM {source}" for source, present in sources]
    con.execute("CREATE OR REPLACE TEMP VIEW cdr_raw AS " + " UNION ALL ".join(selects))
    nulls = any(_may_lack_call_ids(con, path) for path in files)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE source_facts AS "
        f"SELECT {nulls} AS null_call_ids, {stored} AS stored_numbers"
    )


def _stored_in_all(con: duckdb.DuckDBPyConnection, path: Path, present: dict[str, str]) -> bool:
    """Whether every file of ``path`` has every STORED column. A directory reads as the union
    of its files' columns: partitions imported before a column existed would read as NULLs."""
    if not all(present.get(c) == kind for c, kind in STORED.items()):
        return False
    if not path.is_dir():
        return True
    row = con.execute(
        f"""SELECT count(DISTINCT file_name),
                   count(DISTINCT file_name) FILTER (stored = {len(STORED)})
            FROM (SELECT file_name, count(DISTINCT name) FILTER (name IN ?) AS stored
                  FROM parquet_schema(?) GROUP BY file_name)""",
        [list(STORED), _parquet_target(path)],
    ).fetchone()
    return row is not None and int(row[0]) == int(row[1])


def _may_lack_call_ids(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """False only when Parquet statistics show no null call id (no scan); CSV: True."""
    target = _parquet_target(path)
    if target is None:
        return True
    row = con.execute(
        "SELECT count(*), count(stats_null_count), coalesce(sum(stats_null_count), 0) "
        "FROM parquet_metadata(?) WHERE path_in_schema = 'call_id'",
        [target],
    ).fetchone()
    return row is None or not (int(row[0]) == int(row[1]) and int(row[2]) == 0)


def _projection(present: dict[str, str]) -> str:
    parts = []
    for name, kind in COLUMNS.items():
        if name not in present:
            value = f"NULL::{kind}"
        elif present[name] == kind or (
            kind == "TIMESTAMPTZ" and present[name].startswith("TIMESTAMP")
        ):
            value = f'"{name}"'  # already the right type (Parquet): no per-row cast
        else:
            value = f'TRY_CAST("{name}" AS {kind})'
        if name == "answered" and present.get(name) == "VARCHAR":
            # CSV spells booleans many ways; Parquet gives real ones.
            value = f"TRY_CAST(lower(CAST(\"{name}\" AS VARCHAR)) IN ('true','t','1','y','yes') AS BOOLEAN)"
        parts.append(f"{value} AS {name}")
    return ", ".join(parts)


def _gate(p: Params, n: str, answered: str, dur: str) -> str:
    """The streaming part of a flag: enough records, and poor completion or short calls."""
    return (
        f"{n} >= {p.min_calls} AND ({answered} / {n} < {p.low_answer} "
        f"OR {dur} / {n} < {p.short_avg_s})"
    )


USABLE = "start_time IS NOT NULL AND call_id IS NOT NULL"
# Whole seconds and UTC days from integer microseconds (truncating, as Spark's unix_timestamp).
TS = "epoch_us(start_time) // 1000000"
DAY = "epoch_us(start_time) // 86400000000"


# A record's origin as a stable 64-bit key (NULL without an origid): the MD5 of the trimmed
# origid, so that keys stored by ``cdr import`` match those computed later, whatever DuckDB's
# version (its hash() may change between versions).
ORIGIN_KEY = "md5_number_upper(nullif(trim({x}), ''))"
# Attestation as a small code (A, B, C: 1, 2, 3; anything else NULL, which the summary and
# import count as missing): a string aggregate per call cost about a sixth of the fold.
ATTESTATION_CODE = """CASE {x} WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3
    ELSE CASE upper(trim({x})) WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 END END"""
ATTESTATION_LETTER = "CASE {code} WHEN 1 THEN 'A' WHEN 2 THEN 'B' WHEN 3 THEN 'C' END"


@dataclass(frozen=True)
class Keys:
    """How analysis reads the values it groups by: caller and callee numbers, origins and
    attestation. Parsed from the presented strings, or read from the columns ``cdr import``
    stores beside them (STORED, in every input file). ``{x}`` in a template: SQL of a value."""

    group: str  # what the grouping scan groups caller records by (a raw value)
    key: str  # a record's key, matched against the keys of candidate callers (column ``h``)
    h: str  # a raw value's key
    cli: str  # a raw value's number
    calling: str  # a record's caller number (range-checked, as every number here)
    called: str  # a record's callee number
    origin: str  # what the grouping scan groups records by origin by (a raw value)
    oid: str  # template: a raw origin value's ORIGIN_KEY
    att: str  # what the grouping scan groups records by attestation by (a raw value)
    code: str  # template: a raw attestation value's ATTESTATION_CODE
    names: str  # template: (oid, origid) of the origin keys that subquery {x} gives
    # Whether one number's records may lie under several raw values (spellings, merged by
    # their parsed value): then every raw value's group is kept until the merge.
    spelled: bool = True


PRESENTED = Keys(
    "calling_number",
    "hash(calling_number)",
    "hash(raw)",
    number_in_range(f"({number_sql('raw')})"),
    number_in_range(f"({number_sql('calling_number')})"),
    number_in_range(f"({number_sql('called_number')})"),
    "origid",
    ORIGIN_KEY,
    "attestation",
    ATTESTATION_CODE,
    # the raw groups hold the origids themselves: no scan
    """SELECT DISTINCT oid, trim(raw_oid) AS origid FROM raw_groups
       WHERE by_origin = 1 AND oid IN ({x})""",
)
# Stored values are already normalised and range-checked (by number_sql and number_in_range, at
# import), origins keyed and attestation coded: no parsing, no spelling merge, integer keys.
STORED_KEYS = Keys(
    "calling_e164", "calling_e164", "raw", "raw", "calling_e164", "called_e164",
    "origin_key", "{x}", "att", "{x}",
    # partitions are sorted by origin key: the scan reads only the row groups of these origins
    """SELECT origin_key AS oid, any_value(trim(origid)) AS origid FROM cdr_raw
       WHERE origin_key IN ({x}) GROUP BY origin_key""",
    spelled=False,
)  # fmt: skip


def keys_of(con: duckdb.DuckDBPyConnection) -> Keys:
    row = con.execute("SELECT stored_numbers FROM source_facts").fetchone()
    return STORED_KEYS if row and row[0] else PRESENTED


def prepare(con: duckdb.DuckDBPyConnection, summary: Summary, p: Params | None = None) -> None:
    """Tables ``candidates`` (groups that pass the streaming gate, see candidates_sql) and
    ``calls`` (one row per call of a candidate group, with the features a score needs).

    One cheap scan groups the raw caller numbers and the raw (origin, day, attestation)
    triples; presented values are parsed once per distinct value, not per record. Later scans
    keep only the records of candidate groups: most records never reach the costly steps.
    """
    p = p or Params()
    usable = _count_calls(con, summary)
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
            f"({_gate(p, 'count(*)', 'sum(CAST(ans AS INTEGER))', 'sum(dur)')}) OR "
            f"{bad_caller_sql(num.group)}"
        )
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE raw_groups AS
        SELECT * EXCLUDE (raw, raw_att), {bad_caller_sql("cli")} AS bad
        FROM (SELECT *, CASE WHEN by_origin = 0 THEN {num.h} END AS h,
                     CASE WHEN by_origin = 0 THEN {num.cli} END AS cli,
                     {num.oid.format(x="raw_oid")} AS oid, {num.code.format(x="raw_att")} AS att
              FROM (SELECT {num.group} AS raw, {num.origin} AS raw_oid, day, {num.att} AS raw_att,
                           GROUPING({num.group}) AS by_origin, count(*) AS n,
                           sum(CAST(ans AS INTEGER)) AS answered, sum(dur) AS dur
                    FROM (SELECT {num.group}, {num.origin}, {num.att},
                                 {DAY} AS day, coalesce(answered, duration_s > 0, false) AS ans,
                                 coalesce(duration_s, 0) AS dur
                          FROM cdr_raw WHERE {usable})
                    GROUP BY GROUPING SETS (({num.group}), ({num.origin}, day, {num.att}))
                    {keep}))""")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW raw_numbers AS "
        "SELECT h, n, answered, dur, cli, bad FROM raw_groups WHERE by_origin = 0"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        SELECT 'origin' AS key_kind, oid, day, CAST(NULL AS BIGINT) AS cli
        FROM raw_groups WHERE by_origin = 1 AND oid IS NOT NULL GROUP BY oid, day
        HAVING {_gate(p, "sum(n)", "sum(answered)", "sum(dur)")}
        UNION ALL
        SELECT 'caller', NULL, NULL, cli FROM raw_numbers WHERE NOT bad GROUP BY cli
        HAVING {_gate(p, "sum(n)", "sum(answered)", "sum(dur)")}""")
    _candidate_rows(con, _dense_reporters(con), num)
    _count(con, summary)


def _candidate_rows(con: duckdb.DuckDBPyConnection, dense: bool, num: Keys) -> None:
    """Table ``calls``: the records of candidate groups folded per call. One scan finds the
    records of candidate origin groups (a filter on the origid column, on stored partitions the
    origin key, which Parquet readers apply before decoding the rest); a second runs only for
    candidate caller numbers that placed calls outside those groups."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE candidate_keys AS
        SELECT DISTINCT 0 AS by_origin, h, NULL AS raw_oid, CAST(NULL AS BIGINT) AS day,
               CAST(NULL AS UBIGINT) AS oid
        FROM raw_numbers WHERE cli IN (SELECT cli FROM candidates WHERE key_kind = 'caller')
        UNION ALL
        SELECT DISTINCT 1, NULL, raw_oid, day, oid FROM raw_groups
        WHERE by_origin = 1 AND (oid, day) IN (
            SELECT (oid, day) FROM candidates WHERE key_kind = 'origin')""")
    origins = f"{num.origin} IN (SELECT raw_oid FROM candidate_keys WHERE by_origin = 1)"
    records = _records_sql(dense, num, origins, "ko.raw_oid IS NOT NULL")
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
    if not _count_of(con, "uncovered"):
        return
    callers = f"{num.key} IN (SELECT h FROM uncovered)"
    if dense:  # per-call aggregates merge: fold the callers' records, then merge both
        records = _records_sql(dense, num, callers, "ko.raw_oid IS NULL")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE caller_calls AS {fold_sql(records, dense, NO_DAY)}"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE calls AS {_merge_sql()}")
        return
    # A count of distinct reporters does not merge: one scan for both kinds of group.
    match = f"ko.raw_oid IS NOT NULL OR {callers}"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE calls AS
        {fold_sql(_records_sql(dense, num, f"{origins} OR {callers}", match), dense)}""")


def _count_of(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _records_sql(dense: bool, num: Keys, scan: str, match: str) -> str:
    """Usable records passing ``scan`` (SQL over cdr_raw) and ``match`` (over the joined
    candidate origin ``ko``), with the columns fold_sql reads; strings parsed or hashed on the
    way. ``day`` and ``oid`` are set only on records of candidate origin groups."""
    return f"""
        SELECT call_id, {"k.bit" if dense else "r.rep"} AS rep, r.ts, ko.day,
               coalesce(duration_s, 0) AS dur,
               coalesce(answered, duration_s > 0, false) AS ans,
               {num.calling} AS cli, {num.called} AS callee,
               {num.code.format(x=num.att)} AS att, ko.oid
        FROM (SELECT *, {TS} AS ts, {DAY} AS day, coalesce(reporting_carrier, '') AS rep
              FROM cdr_raw WHERE {USABLE} AND ({scan})) r
        {"JOIN reporters k ON k.rep = r.rep" if dense else ""}
        LEFT JOIN (SELECT raw_oid, day, oid FROM candidate_keys WHERE by_origin = 1) ko
          ON ko.raw_oid = r.{num.origin} AND ko.day = r.day
        WHERE {match}"""


def _merge_sql() -> str:
    """``calls`` and ``caller_calls`` (dense reporters) merged into one row per call."""
    rows = " UNION ALL BY NAME ".join(
        f"SELECT * EXCLUDE (ans_any, cli_bad) FROM {t}" for t in ("calls", "caller_calls")
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
        FROM (SELECT call_id, {columns} FROM ({rows}) GROUP BY call_id)"""


def fold_sql(
    records: str, dense: bool, day: str | None = None, dialect: dict[str, str] = DUCKDB
) -> str:
    """The ``calls`` relation from ``records`` (columns call_id, rep, ts, day, dur, ans, cli,
    callee, att, oid): one row per call, its records counted in ``n``.

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


def _count_calls(con: duckdb.DuckDBPyConnection, summary: Summary) -> str:
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
            _count_of(con, "(SELECT 1 FROM cdr_raw WHERE call_id IS NULL LIMIT 1)")
        )
    return USABLE if nulls else "start_time IS NOT NULL"


def _count(con: duckdb.DuckDBPyConnection, summary: Summary) -> None:
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
    gate = _gate(p, "sum(n)", "sum(answered)", "sum(dur_sum)")
    return f"""
        SELECT 'origin' AS key_kind, oid, day, CAST(NULL AS BIGINT) AS cli
        FROM calls WHERE oid IS NOT NULL GROUP BY oid, day HAVING {gate}
        UNION ALL
        SELECT 'caller', NULL, NULL, cli FROM calls WHERE NOT cli_bad GROUP BY cli HAVING {gate}"""


def features_sql(p: Params) -> str:
    """Exact features of the candidate groups."""
    return f"""
        SELECT 'origin' AS key_kind, oid, day, CAST(NULL AS BIGINT) AS cli, {_FEATURES},
               count(DISTINCT cli) AS clis
        FROM calls c JOIN (SELECT oid AS koid, day AS kday FROM candidates
                           WHERE key_kind = 'origin') k ON c.oid = k.koid AND c.day = k.kday
        GROUP BY oid, day HAVING count(*) >= {p.min_calls}
        UNION ALL
        SELECT 'caller', NULL, NULL, cli, {_FEATURES}, 1
        FROM calls c JOIN (SELECT cli AS kcli FROM candidates WHERE key_kind = 'caller') k
          ON c.cli = k.kcli
        GROUP BY cli HAVING count(*) >= {p.min_calls}"""


def score_groups(con: duckdb.DuckDBPyConnection, p: Params) -> None:
    """Table ``groups``: every candidate origin and caller group with its score and reasons."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE features AS {features_sql(p)}")
    score = " + ".join(f"(CASE WHEN {cond} THEN {pts} ELSE 0 END)" for cond, pts, _ in rules(p))
    reasons = ", ".join(f"CASE WHEN {cond} THEN {text} END" for cond, _, text in rules(p))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE groups AS
        SELECT key_kind, oid, day, cli, uniq, {score} AS score, {PATTERN} AS pattern,
               array_to_string(list_filter([{reasons}], lambda r: r IS NOT NULL), '; ') AS reasons
        FROM features""")


def attribute(con: duckdb.DuckDBPyConnection, p: Params) -> None:
    """Table ``flagged`` (with keys and ids) and view ``labels`` (each call of a flagged
    group, its origin group first, from the per-call rows; a view: write_outputs reads it
    once)."""
    # The origin key shows the origid itself: look it up for the flagged groups only.
    names = keys_of(con).names.format(x="SELECT oid FROM f WHERE key_kind = 'origin'")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE flagged AS
        WITH f AS (SELECT * FROM groups WHERE score >= {p.threshold} AND pattern),
        names AS ({names})
        SELECT f.*, CASE WHEN key_kind = 'origin'
                    THEN names.origid || '@' || strftime(to_timestamp(day * 86400), '%Y-%m-%d')
                    ELSE '+' || CAST(cli AS VARCHAR) END AS key
        FROM f LEFT JOIN names USING (oid)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE flagged AS
        SELECT *, {CAMPAIGN_INDEX} FROM (
            SELECT *, 'RC-' || substr(md5(key_kind || ':' || key), 1, 12) AS campaign_id
            FROM flagged)""")
    con.execute(LABELS_SQL)


def _dense_reporters(con: duckdb.DuckDBPyConnection) -> bool:
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
    return count is not None and int(count[0]) <= 64


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


def write_outputs(
    con: duckdb.DuckDBPyConnection, out_dir: Path, summary: Summary, dense_reps: bool = False
) -> None:
    """DIR/campaigns.csv and DIR/call_labels.parquet (one row per labelled call id).

    ``labels``: one row per labelled call, with its campaign's ``cix`` (see CAMPAIGN_INDEX).
    ``dense_reps``: its ``reps`` are bit masks of reporters, otherwise counts of them (see
    fold_sql). ``flagged``: the flagged groups with their distinct callees (``uniq``); an
    origin campaign has every call of its group (origin groups claim calls first), so its
    count of callees is the group's."""
    out_dir.mkdir(parents=True, exist_ok=True)
    reporters = "bit_count(reps)" if dense_reps else "reps"
    # ``labels`` has one row per call already (see fold_sql).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE labelled AS
        SELECT call_id, cix, ts0 AS ts, dur_max AS dur, ans_any AS ans, callee, cli, att,
               n - {reporters} AS dups
        FROM labels""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE campaigns AS
        WITH callees AS (  -- distinct callees of the campaigns that are not origin groups
            SELECT cix, count(DISTINCT callee) AS n FROM labelled
            WHERE cix IN (SELECT cix FROM flagged WHERE key_kind <> 'origin')
            GROUP BY cix)
        SELECT s.* EXCLUDE (uniq),
               CASE WHEN key_kind = 'origin' THEN uniq ELSE coalesce(c.n, 0) END AS unique_called
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
    target = str(out_dir / "campaigns.csv").replace("'", "''")
    con.execute(f"""
        COPY (SELECT {columns} FROM campaigns ORDER BY calls DESC, campaign_id)
        TO '{target}' (HEADER, DELIMITER ',')""")
    labels = str(out_dir / "call_labels.parquet").replace("'", "''")
    con.execute(f"""
        COPY (SELECT call_id, campaign_id FROM labelled JOIN flagged USING (cix))
        TO '{labels}' (FORMAT parquet, COMPRESSION snappy)""")
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
    complaints) and DIR/campaign_samples.csv (the first 20 calls of each campaign)."""
    numbers = str(out_dir / "campaign_numbers.csv").replace("'", "''")
    con.execute(f"""
        COPY (SELECT campaign_id, '+' || CAST(t.cli AS VARCHAR) AS number, t.calls AS calls
              -- the top 100 by a streaming top-n aggregate, not a window sorting every number
              FROM (SELECT cix, unnest(max_by({{'cli': cli, 'calls': calls}},
                                              (calls, -cli), 100)) AS t
                    FROM (SELECT cix, cli, count(*) AS calls FROM labelled
                          WHERE cli IS NOT NULL GROUP BY cix, cli)
                    GROUP BY cix) JOIN flagged USING (cix)
              ORDER BY campaign_id, calls DESC, number)
        TO '{numbers}' (HEADER, DELIMITER ',')""")
    samples = str(out_dir / "campaign_samples.csv").replace("'", "''")
    con.execute(f"""
        COPY (SELECT campaign_id, s.call_id,
                     strftime(to_timestamp(s.ts), '%Y-%m-%dT%H:%M:%SZ') AS start_time,
                     CASE WHEN s.cli IS NULL THEN NULL ELSE '+' || CAST(s.cli AS VARCHAR) END
                         AS calling_number,
                     '+' || CAST(s.callee AS VARCHAR) AS called_number,
                     s.dur AS duration_s, {ATTESTATION_LETTER.format(code="s.att")} AS attestation
              -- the first 20 by a streaming top-n aggregate, not a window sorting every call
              FROM (SELECT cix, unnest(min_by(l, (ts, call_id), 20)) AS s
                    FROM labelled l GROUP BY cix) JOIN flagged USING (cix)
              ORDER BY campaign_id, s.ts, s.call_id)
        TO '{samples}' (HEADER, DELIMITER ',')""")


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
) -> Summary:
    """Detect campaigns in ``files`` and write DIR/campaigns.csv and DIR/call_labels.parquet."""
    started = time.perf_counter()
    p = params or Params()
    con = con or connect()
    summary = Summary()
    open_source(con, [Path(f) for f in files], summary)
    step = on_stage or (lambda stage: None)
    try:
        step("read")
        prepare(con, summary, p)
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


def baseline_labels(con: duckdb.DuckDBPyConnection, p: Params) -> Any:
    """The simple rule to beat: every call from a number that placed >= N calls."""
    calling = keys_of(con).calling
    con.complete()  # a one-row result read with fetchone() stays open until completed
    return con.sql(f"""
        WITH c AS (SELECT call_id, cli FROM (SELECT call_id, {calling} AS cli FROM cdr_raw
                                             WHERE {USABLE})
                   WHERE cli IS NOT NULL)
        SELECT DISTINCT call_id FROM c WHERE cli IN (
            SELECT cli FROM c GROUP BY cli
            HAVING approx_count_distinct(call_id) >= {p.baseline_calls})""").to_arrow_table()


def campaign_id_for(key_kind: str, key: str) -> str:
    """The id analysis gives a group, computed the same way in Python (for Spark and tests)."""
    return "RC-" + hashlib.md5(f"{key_kind}:{key}".encode(), usedforsecurity=False).hexdigest()[:12]
