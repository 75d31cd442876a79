"""An in-memory index of the store for tracing: each account's debits and credits by time.

Tracing follows money hop by hop, so it needs "the debits of account A after time t" thousands
of times a second; a DuckDB query per hop would cost milliseconds each. The index holds the
columns a trace reads as numpy arrays sorted by (from_id, time), with CSR offsets per account
(``debits``), and a second permutation sorted by (to_id, time) for credits. Strings (txn ids,
banks, refs) stay in Arrow arrays and are read only for the hops a trace keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from tracebridge.money.store import Store

Array = np.ndarray[Any, Any]

_COLUMNS = """
SELECT from_id, coalesce(to_id, 0) AS to_id, ts AS t,
       (amount * 100)::BIGINT AS minor, currency, channel, to_bank, txn_id, complaint_ref
FROM txns ORDER BY from_id, ts, txn_id
"""


@dataclass
class TrailIndex:
    """Arrays over every stored transaction, in (from_id, time) order; position = row."""

    version: str
    keys: list[str]  # account id -> identifier key (index 0 unused: "no account", ATM)
    ids: dict[str, int]
    from_id: Array
    to_id: Array  # 0 for a cash withdrawal
    time: Array  # seconds since the epoch, UTC
    minor: Array  # amount in minor units (cents, paise)
    currency: pa.Array
    channel: pa.Array
    to_bank: pa.Array
    txn_id: pa.Array
    debit_start: Array  # account id -> first row of its debits (CSR)
    credit_rows: Array  # rows sorted by (to_id, time)
    credit_start: Array
    by_ref: dict[str, list[int]]

    def debits(self, account: int) -> tuple[int, int]:
        if account <= 0 or account >= len(self.debit_start) - 1:
            return 0, 0
        return int(self.debit_start[account]), int(self.debit_start[account + 1])

    def credits(self, account: int) -> Array:
        if account <= 0 or account >= len(self.credit_start) - 1:
            return self.credit_rows[:0]
        return self.credit_rows[self.credit_start[account] : self.credit_start[account + 1]]

    def first_debit_at_or_after(self, account: int, when: int) -> int:
        lo, hi = self.debits(account)
        return lo + int(np.searchsorted(self.time[lo:hi], when, side="left"))

    def row_of(self, txn_id: str, account: int, when: int) -> int | None:
        hi = self.debits(account)[1]
        row = self.first_debit_at_or_after(account, when)
        while row < hi and int(self.time[row]) == when:
            if self.txn_id[row].as_py() == txn_id:
                return row
            row += 1
        return None

    def text(self, column: pa.Array, row: int) -> str | None:
        value = column[row].as_py()
        return None if value is None else str(value)

    @property
    def rows(self) -> int:
        return len(self.from_id)


def build(store: Store, threads: int | None = None) -> TrailIndex:
    con = store.connect(threads)
    table = con.sql(_COLUMNS).to_arrow_table()
    keys_table = con.sql("SELECT id, key FROM accounts ORDER BY id").to_arrow_table()
    ids_col = keys_table.column("id").to_numpy()
    size = int(ids_col.max()) + 2 if len(ids_col) else 2
    keys = [""] * size
    for i, key in zip(ids_col.tolist(), keys_table.column("key").to_pylist(), strict=True):
        keys[int(i)] = str(key)
    return _index(store.version(), keys, table)


def _index(version: str, keys: list[str], table: pa.Table) -> TrailIndex:
    from_id = _ints(table, "from_id", np.int32)
    to_id = _ints(table, "to_id", np.int32)
    time = _ints(table, "t", np.int64)
    size = len(keys)
    debit_start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(from_id, minlength=size), out=debit_start[1:])
    credit_rows = np.lexsort((time, to_id)).astype(np.int64)
    credit_start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(to_id, minlength=size), out=credit_start[1:])
    return TrailIndex(
        version=version,
        keys=keys,
        ids={key: i for i, key in enumerate(keys) if key},
        from_id=from_id,
        to_id=to_id,
        time=time,
        minor=_ints(table, "minor", np.int64),
        currency=table.column("currency").combine_chunks(),
        channel=table.column("channel").combine_chunks(),
        to_bank=table.column("to_bank").combine_chunks(),
        txn_id=table.column("txn_id").combine_chunks(),
        debit_start=debit_start,
        credit_rows=credit_rows,
        credit_start=credit_start,
        by_ref=_refs(table),
    )


def _ints(table: pa.Table, name: str, dtype: Any) -> Array:
    return np.asarray(table.column(name).to_numpy(), dtype=dtype)


def _refs(table: pa.Table) -> dict[str, list[int]]:
    refs = table.column("complaint_ref").combine_chunks()
    rows = np.flatnonzero(refs.is_valid().to_numpy(zero_copy_only=False))
    by_ref: dict[str, list[int]] = {}
    for row, ref in zip(rows.tolist(), refs.take(pa.array(rows)).to_pylist(), strict=True):
        by_ref.setdefault(str(ref), []).append(int(row))
    return by_ref


def onward(index: TrailIndex, rows: list[int], window_seconds: int) -> set[str]:
    """The accounts that the payees of ``rows`` sent money to within ``window_seconds`` of it
    arriving: one hop of the trail, the mule layer behind a first-layer mule (issue 19.4).
    Cash withdrawals lead to no account."""
    found: set[str] = set()
    for row in rows:
        payee, arrived = int(index.to_id[row]), int(index.time[row])
        first, last = index.first_debit_at_or_after(payee, arrived), index.debits(payee)[1]
        for debit in range(first, last):
            if int(index.time[debit]) > arrived + window_seconds:
                break
            if index.to_id[debit]:
                found.add(index.keys[int(index.to_id[debit])])
    return found
