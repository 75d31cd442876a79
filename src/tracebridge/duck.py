"""The one way TraceBridge opens DuckDB, quotes paths into its SQL and picks a file's reader.

DuckDB draws its bar on standard output for any query longer than two seconds, whether or not
that is a terminal; commands draw their own (rich) and pages have none, so DuckDB's would
print into their output.

Paths go into SQL as literals where DuckDB takes no parameter (``COPY ... TO``, and table
functions whose argument decides the plan): ``literal`` is the one quoting of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

CSV_SUFFIXES = (".csv", ".gz", ".txt")  # .gz: DuckDB reads gzip-compressed CSV as is


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    return con


def literal(value: str | Path) -> str:
    """``value`` as an SQL string literal: in single quotes, its own quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def literal_list(values: Iterable[str | Path]) -> str:
    """An SQL list of string literals, e.g. the files of one ``read_parquet``."""
    return "[" + ", ".join(literal(v) for v in values) + "]"


def parquet_target(path: Path) -> str | None:
    """The file or glob DuckDB reads for a Parquet file or a directory of them; None for
    other files."""
    if path.is_dir():
        return f"{path}/**/*.parquet"
    return str(path) if path.suffix.lower() == ".parquet" else None


def reader(path: Path, union_by_name: bool = False) -> str | None:
    """The table function reading ``path``: Parquet (a file, or every file under a directory),
    or CSV with a header and every column as text; None for other files. ``union_by_name``:
    Parquet files with different columns read as their union (absent ones NULL)."""
    target = parquet_target(path)
    if target is not None:
        union = ", union_by_name = true" if union_by_name else ""
        return f"read_parquet({literal(target)}{union})"
    if path.suffix.lower() in CSV_SUFFIXES:
        return f"read_csv({literal(path)}, header = true, all_varchar = true)"
    return None
