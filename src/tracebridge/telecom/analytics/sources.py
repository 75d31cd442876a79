"""The input: view ``cdr_raw`` over Parquet or CSV files (or directories of partitions), with
every DESIGN.md column, and the facts about the files later stages choose by."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from tracebridge import duck
from tracebridge.telecom.analytics.core import AnalyticsError

if TYPE_CHECKING:
    from tracebridge.telecom.analytics import AnalysisSummary

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
# each record's origin key (keys.origin_key of its origid) and attestation code
# (keys.attestation_code).
STORED = {
    "calling_e164": "BIGINT",
    "called_e164": "BIGINT",
    "origin_key": "UBIGINT",
    "att": "TINYINT",
}


def _reader(path: Path) -> str:
    source = duck.reader(path, union_by_name=True)
    if source is None:
        raise AnalyticsError(f"{path}: not a Parquet or CSV file (use .parquet or .csv)")
    return source


def _columns(con: duckdb.DuckDBPyConnection, source: str, path: Path) -> dict[str, str]:
    """Column name -> DuckDB type of ``source``."""
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608
    except duckdb.Error as exc:
        raise AnalyticsError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from None
    return {str(r[0]): str(r[1]) for r in rows}


def open_source(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[Path],
    summary: AnalysisSummary,
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
    selects = [
        f"SELECT {_projection(present)}{extra} FROM {source}"  # noqa: S608
        for source, present in sources
    ]
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
                  FROM parquet_schema(?) GROUP BY file_name)""",  # noqa: S608
        [list(STORED), duck.parquet_target(path)],
    ).fetchone()
    return row is not None and int(row[0]) == int(row[1])


def _may_lack_call_ids(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """False only when Parquet statistics show no null call id (no scan); CSV: True."""
    target = duck.parquet_target(path)
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
