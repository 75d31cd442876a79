"""The one way TraceBridge opens DuckDB: in memory, with DuckDB's own progress bar off.

DuckDB draws its bar on standard output for any query longer than two seconds, whether or not
that is a terminal; commands draw their own (rich) and pages have none, so DuckDB's would
print into their output.
"""

from __future__ import annotations

import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    return con
