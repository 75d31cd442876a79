"""DuckDB as TraceBridge opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from tracebridge import duck


def test_duckdb_draws_no_progress_bar_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside tests DuckDB's default draws a bar on standard output for long queries, into
    commands' output (under pytest it starts off): TraceBridge's connections turn it off."""
    real = duckdb.connect

    def as_outside_tests(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        con = real(*args, **kwargs)
        con.execute("SET enable_progress_bar = true")
        return con

    monkeypatch.setattr(duckdb, "connect", as_outside_tests)
    con = duck.connect()
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
    assert con.execute("SELECT 6 * 7").fetchone() == (42,)


def test_a_path_with_quotes_goes_into_sql_as_one_literal(tmp_path: Path) -> None:
    """Paths are quoted into COPY ... TO and table functions (no parameters there)."""
    target = tmp_path / "it's a 'test'.parquet"
    con = duck.connect()
    con.execute(f"COPY (SELECT 42 AS answer) TO {duck.literal(target)} (FORMAT parquet)")
    assert target.exists()
    back = con.execute(f"SELECT answer FROM {duck.reader(target)}").fetchall()  # noqa: S608
    assert back == [(42,)]
    assert duck.literal_list([target, "b"]) == "['" + str(target).replace("'", "''") + "', 'b']"


def test_reader_picks_parquet_for_files_and_directories_and_csv_as_text(tmp_path: Path) -> None:
    con = duck.connect()
    parts = tmp_path / "store" / "agency=X"
    parts.mkdir(parents=True)
    con.execute(f"COPY (SELECT 1 AS a) TO {duck.literal(parts / 'one.parquet')} (FORMAT parquet)")
    con.execute(
        f"COPY (SELECT 2 AS a, 'x' AS b) TO {duck.literal(parts / 'two.parquet')} (FORMAT parquet)"
    )
    whole = duck.reader(tmp_path / "store", union_by_name=True)
    rows = con.execute(f"SELECT a, b FROM {whole} ORDER BY a").fetchall()  # noqa: S608
    assert rows == [(1, None), (2, "x")]
    csv = tmp_path / "calls.txt"
    csv.write_text("a,b\n7,yes\n")
    text = con.execute(f"SELECT a, b FROM {duck.reader(csv)}").fetchall()  # noqa: S608
    assert text == [("7", "yes")]
    assert duck.reader(tmp_path / "calls.json") is None
