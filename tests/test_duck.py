"""DuckDB as TraceBridge opens it."""

from __future__ import annotations

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
