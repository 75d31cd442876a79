"""Streaming writers: Parquet in row groups (bounded memory) with byte-stable output."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

TIMESTAMP = pa.timestamp("us", tz="UTC")
MONEY = pa.decimal128(18, 2)

CDR_SCHEMA = pa.schema(
    [
        ("call_id", pa.string()),
        ("start_time", TIMESTAMP),
        ("duration_s", pa.int32()),
        ("answered", pa.bool_()),
        ("sip_code", pa.int16()),
        ("calling_number", pa.string()),
        ("called_number", pa.string()),
        ("orig_carrier", pa.string()),
        ("term_carrier", pa.string()),
        ("reporting_carrier", pa.string()),
        ("attestation", pa.string()),
        ("origid", pa.string()),
        ("identity", pa.string()),
    ]
)
CALL_TRUTH_SCHEMA = pa.schema(
    [
        ("call_id", pa.string()),
        ("campaign_id", pa.string()),
        ("kind", pa.string()),
    ]
)
TXN_SCHEMA = pa.schema(
    [
        ("txn_id", pa.string()),
        ("time", TIMESTAMP),
        ("from_account", pa.string()),
        ("to_account", pa.string()),
        ("amount", MONEY),
        ("currency", pa.string()),
        ("channel", pa.string()),
        ("from_bank", pa.string()),
        ("to_bank", pa.string()),
        ("complaint_ref", pa.string()),
    ]
)


def decimal_from_cents(cents: np.ndarray[Any, Any]) -> pa.Array:
    """decimal(18,2) straight from integer cents: 128-bit two's complement, little endian."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(MONEY, len(cents), [None, pa.py_buffer(words.tobytes())])


def timestamps(seconds: np.ndarray[Any, Any]) -> pa.Array:
    micros = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(micros, type=pa.int64()).cast(TIMESTAMP)


class ParquetSink:
    """Write batches as row groups; the same batches give the same bytes."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self.rows = 0
        self._writer = pq.ParquetWriter(
            str(path),
            schema,
            compression="zstd",
            compression_level=3,
            write_statistics=True,
            use_dictionary=True,
            store_schema=False,
        )

    def write(self, columns: dict[str, Any]) -> None:
        table = pa.table(columns, schema=self.schema)
        if table.num_rows:
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class RowBuffer:
    """Collects rows as Python tuples, flushing them to a ParquetSink every ``size`` rows."""

    def __init__(self, sink: ParquetSink, size: int = 50_000) -> None:
        self.sink = sink
        self.size = size
        self._rows: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        names = self.sink.schema.names
        columns = {
            name: list(values)
            for name, values in zip(names, zip(*self._rows, strict=True), strict=True)
        }
        self._rows = []
        self.sink.write(self._convert(columns))

    def _convert(self, columns: dict[str, list[Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, values in columns.items():
            kind = self.sink.schema.field(name).type
            if kind == MONEY:
                out[name] = decimal_from_cents(np.array(values, dtype=np.int64))
            elif kind == TIMESTAMP:
                out[name] = timestamps(np.array(values, dtype=np.int64))
            else:
                out[name] = values
        return out
