"""The trail store: validation, normalisation, duplicates, atomic batches."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.money.conftest import MULE1, STORY, txn, write_csv
from tracebridge.identifiers import Identifier
from tracebridge.money.accounts import normalise
from tracebridge.money.store import Store, StoreError


def test_import_normalises_accounts_and_keeps_every_row(tmp_path: Path, story_csv: Path) -> None:
    store = Store(tmp_path / "s")
    report = store.import_file(story_csv)
    assert (report.rows, report.stored, report.rejected_total, report.duplicates) == (7, 7, 0, 0)
    con = store.connect()
    keys = {k for (k,) in con.execute("SELECT key FROM accounts").fetchall()}
    assert "bank:IN:SBIN0001234:001234567890" in keys
    assert "upi:quick.cash77@ybl" in keys
    assert con.execute("SELECT count(*) FROM txns WHERE to_id IS NULL").fetchone() == (1,)


def test_bad_rows_are_counted_with_line_and_reason(tmp_path: Path) -> None:
    rows = [
        txn("OK", 0, MULE1, "UPI:someone@ybl", "10.00"),
        txn("NEG", 0, MULE1, "UPI:someone@ybl", "-5.00"),
        txn("ZERO", 0, MULE1, "UPI:someone@ybl", "0"),
        txn("CUR", 0, MULE1, "UPI:someone@ybl", "10.00", currency="rupees"),
        txn("KEY", 0, MULE1, "XX:12", "10.00"),
        txn("FROM", 0, "IN:NOTANIFSC:1", "UPI:someone@ybl", "10.00"),
        txn("CH", 0, MULE1, "UPI:someone@ybl", "10.00", channel="pigeon"),
        txn("NOTO", 0, MULE1, None, "10.00", channel="imps"),
        {**txn("TIME", 0, MULE1, "UPI:someone@ybl", "10.00"), "time": "yesterday"},
        {**txn("", 0, MULE1, "UPI:someone@ybl", "10.00")},
    ]
    report = Store(tmp_path / "s").import_file(write_csv(tmp_path / "bad.csv", rows))
    assert report.stored == 1
    assert dict(report.rejected) == {
        "amount not positive": 2,
        "bad currency": 1,
        "malformed to_account": 1,
        "malformed from_account": 1,
        "unknown channel": 1,
        "missing to_account": 1,
        "bad time": 1,
        "missing txn_id": 1,
    }
    lines = {p["txn_id"]: p["line"] for p in report.problems}
    assert lines["NEG"] == 3  # line 1 is the header


def test_duplicates_within_and_across_imports(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    rows = [txn("D1", 0, MULE1, "UPI:someone@ybl", "10.00")] * 3
    first = store.import_file(write_csv(tmp_path / "a.csv", rows))
    assert (first.stored, first.duplicates) == (1, 2)
    again = store.import_file(write_csv(tmp_path / "b.csv", rows[:1]))
    assert (again.stored, again.duplicates) == (0, 1)
    assert store.connect().execute("SELECT count(*) FROM txns").fetchone() == (1,)


def test_out_of_order_rows_are_counted_and_stored_sorted(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    rows = [txn("B", 5, MULE1, "UPI:someone@ybl", "1.00"), txn("A", 1, MULE1, "UPI:a1@ybl", "1.00")]
    report = store.import_file(write_csv(tmp_path / "o.csv", rows))
    assert report.out_of_order == 1
    order = store.connect().execute("SELECT txn_id FROM txns").fetchall()
    assert order == [("A",), ("B",)]


def test_account_ids_are_stable_across_batches(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.import_file(write_csv(tmp_path / "a.csv", [txn("X1", 0, MULE1, "UPI:aa11@ybl", "1")]))
    store.import_file(
        write_csv(
            tmp_path / "b.csv", [txn("X2", 1, "in:sbin0001234:001234567890", "UPI:bb22@ybl", "1")]
        )
    )
    con = store.connect()
    assert con.execute("SELECT count(DISTINCT from_id) FROM txns").fetchone() == (1,)
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM accounts").fetchone() == (3, 3)


def test_parquet_with_decimal_and_timestamp(tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    table = pa.table(
        {
            "txn_id": ["Q1"],
            "time": pa.array([datetime(2025, 1, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
            "from_account": [MULE1],
            "to_account": [None],
            "amount": pa.array([Decimal("20000.00")], pa.decimal128(18, 2)),
            "currency": ["INR"],
            "channel": ["atm"],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    report = Store(tmp_path / "s").import_file(tmp_path / "t.parquet")
    assert (report.stored, report.rejected_total) == (1, 0)


def test_unreadable_files_raise_one_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    with pytest.raises(StoreError, match="no such file"):
        store.import_file(tmp_path / "missing.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(StoreError, match=r"\.parquet or \.csv"):
        store.import_file(tmp_path / "x.json")
    (tmp_path / "cols.csv").write_text("txn_id,time\nA,2025-01-01\n")
    with pytest.raises(StoreError, match="lacks the column"):
        store.import_file(tmp_path / "cols.csv")
    assert store.batches() == []


def test_empty_store_has_empty_views(tmp_path: Path) -> None:
    con = Store(tmp_path / "none").connect()
    assert con.execute("SELECT count(*) FROM txns").fetchone() == (0,)
    assert Store(tmp_path / "none").version() == ""


def test_story_rows_are_valid() -> None:
    """The fixture story other tests rely on: unique ids, six accounts that all normalise."""
    assert len({row["txn_id"] for row in STORY}) == len(STORY) == 7
    accounts = {row[k] for row in STORY for k in ("from_account", "to_account") if row[k]}
    found = [normalise(account) for account in accounts]
    assert all(isinstance(f, Identifier) for f in found), found
    assert {f.kind for f in found} == {"bank", "upi", "wallet"} and len(found) == 6
