"""The transaction store: validated trail batches as Parquet, queried with DuckDB.

Layout under ``root``::

    txns/<batch>.parquet      one file per import, rows sorted by time, accounts as ids
    accounts/<batch>.parquet  account ids first seen in that import (id, key, country, spelling)

Accounts are dictionary-encoded to integer ids at import time so that scans group and join on
integers, not strings. Every file appears atomically (written aside, then renamed) so that a
reader never sees half a batch, and imports take a lock so that ids stay unique.
"""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tracebridge import duck
from tracebridge.identifiers import Identifier
from tracebridge.money.accounts import country_of, normalise
from tracebridge.money.rates import rate_sql

CHANNELS = ("upi", "imps", "neft", "rtgs", "wire", "card", "atm", "crypto")
COLUMNS = (
    "txn_id",
    "time",
    "from_account",
    "to_account",
    "amount",
    "currency",
    "channel",
    "from_bank",
    "to_bank",
    "complaint_ref",
)
REQUIRED = ("txn_id", "time", "from_account", "amount", "currency", "channel")
MAX_LISTED = 200  # problems listed one by one in a report; all of them are counted


class StoreError(Exception):
    """A file that cannot be read as a transaction trail at all (not one bad row)."""


@dataclass
class ImportReport:
    batch: str
    source: str
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    new_accounts: int = 0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "source": self.source,
            "rows": self.rows,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "out_of_order": self.out_of_order,
            "rejected": self.rejected_total,
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "problems": self.problems,
            "new_accounts": self.new_accounts,
        }


def _sql_list(items: tuple[str, ...]) -> str:
    return ", ".join(f"'{item}'" for item in items)


# (reason, SQL condition on the raw row `r`); the first that matches rejects the row.
ROW_CHECKS: tuple[tuple[str, str], ...] = (
    ("missing txn_id", "coalesce(trim(r.txn_id), '') = ''"),
    ("bad time", "TRY_CAST(r.time AS TIMESTAMPTZ) IS NULL"),
    ("missing from_account", "coalesce(trim(r.from_account), '') = ''"),
    ("bad amount", "TRY_CAST(r.amount AS DECIMAL(18,2)) IS NULL"),
    ("amount not positive", "TRY_CAST(r.amount AS DECIMAL(18,2)) <= 0"),
    ("bad currency", "NOT regexp_full_match(upper(trim(coalesce(r.currency, ''))), '[A-Z]{3}')"),
    (
        "unknown channel",
        f"lower(trim(coalesce(r.channel, ''))) NOT IN ({_sql_list(CHANNELS)})",
    ),
    (
        "missing to_account",
        "coalesce(trim(r.to_account), '') = '' AND lower(trim(r.channel)) <> 'atm'",
    ),
)


class Store:
    """Trail batches under ``root``; ``connect()`` gives DuckDB views ``txns`` and ``accounts``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.txn_dir = self.root / "txns"
        self.account_dir = self.root / "accounts"

    # ---------------------------------------------------------------- reading
    def batches(self) -> list[Path]:
        return sorted(self.txn_dir.glob("*.parquet")) if self.txn_dir.exists() else []

    def version(self) -> str:
        """Changes whenever a batch is added: the cache key of derived indexes."""
        return "|".join(f"{p.name}:{p.stat().st_size}" for p in self.batches())

    def connect(self, threads: int | None = None) -> duckdb.DuckDBPyConnection:
        con = duck.connect()
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        self._views(con)
        return con

    def _views(self, con: duckdb.DuckDBPyConnection) -> None:
        txns, accounts = self.batches(), sorted(self.account_dir.glob("*.parquet"))
        if txns:
            con.execute(
                f"CREATE OR REPLACE VIEW txns AS SELECT * FROM read_parquet({duck.literal_list(txns)})"  # noqa: S608
            )
        else:
            con.execute(f"CREATE OR REPLACE VIEW txns AS SELECT * FROM ({EMPTY_TXNS})")  # noqa: S608
        if accounts:
            con.execute(
                f"CREATE OR REPLACE VIEW accounts AS SELECT * FROM read_parquet({duck.literal_list(accounts)})"  # noqa: S608
            )
        else:
            con.execute(
                "CREATE OR REPLACE VIEW accounts AS "
                "SELECT NULL::INTEGER AS id, NULL::VARCHAR AS key, NULL::VARCHAR AS country, "
                "NULL::VARCHAR AS spelling "
                "WHERE false"
            )

    def account_ids(self, keys: list[str]) -> dict[str, int]:
        if not keys:
            return {}
        con = self.connect()
        con.register("wanted", pa.table({"key": keys}))
        rows = con.execute("SELECT a.key, a.id FROM accounts a JOIN wanted USING (key)").fetchall()
        return {str(k): int(i) for k, i in rows}

    # ---------------------------------------------------------------- writing
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def import_file(self, path: Path, source: str | None = None) -> ImportReport:
        path = Path(path)
        if not path.exists():
            raise StoreError(f"{path}: no such file")
        reader = None if path.is_dir() else duck.reader(path)
        if reader is None:
            raise StoreError(f"{path.name}: a trail is a .parquet or .csv file")
        first_line = 1 if reader.startswith("read_parquet") else 2  # CSV: line 1 is the header
        return self.import_relation(reader, source or path.name, first_line=first_line)

    def import_table(self, table: pa.Table, source: str) -> ImportReport:
        return self.import_relation("_incoming", source, first_line=1, table=table)

    def import_relation(
        self, reader: str, source: str, first_line: int = 1, table: pa.Table | None = None
    ) -> ImportReport:
        report = ImportReport(batch=_batch_id(), source=source)
        with self._locked():
            con = self.connect()
            if table is not None:
                con.register("_incoming", table)
            _stage_raw(con, reader, first_line)
            report.rows = _scalar(con, "SELECT count(*) FROM raw")
            _check_rows(con, report)
            _map_accounts(con, report)
            _drop_duplicates(con, report)
            report.out_of_order = _scalar(con, "SELECT count(*) FROM good WHERE late")
            report.stored = _scalar(con, "SELECT count(*) FROM good")
            self._write(con, report)
        return report

    def _write(self, con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        base = _scalar(con, "SELECT coalesce(max(id), 0) FROM accounts")
        con.execute(
            "CREATE TEMP TABLE new_accounts AS SELECT "  # noqa: S608
            f"(row_number() OVER (ORDER BY key) + {base})::INTEGER AS id, key, country, "
            "min(raw) AS spelling "
            "FROM keymap WHERE key IS NOT NULL AND id IS NULL GROUP BY key, country"
        )
        report.new_accounts = _scalar(con, "SELECT count(*) FROM new_accounts")
        if report.stored == 0:
            return
        con.execute(
            "CREATE TEMP TABLE ids AS SELECT key, id FROM keymap WHERE id IS NOT NULL "
            "UNION ALL SELECT key, id FROM new_accounts"
        )
        self.account_dir.mkdir(parents=True, exist_ok=True)
        self.txn_dir.mkdir(parents=True, exist_ok=True)
        if report.new_accounts:
            _copy(con, "SELECT * FROM new_accounts ORDER BY id", self.account_dir, report.batch)
        _copy(
            con,
            _STORED_ROWS.format(batch=report.batch, inr=rate_sql(column="g.currency")),
            self.txn_dir,
            report.batch,
        )


EMPTY_TXNS = (
    "SELECT NULL::VARCHAR AS txn_id, NULL::TIMESTAMPTZ AS time, NULL::INTEGER AS from_id, "
    "NULL::INTEGER AS to_id, NULL::DECIMAL(18,2) AS amount, NULL::VARCHAR AS currency, "
    "NULL::VARCHAR AS channel, NULL::VARCHAR AS from_bank, NULL::VARCHAR AS to_bank, "
    "NULL::VARCHAR AS complaint_ref, NULL::VARCHAR AS batch, NULL::BIGINT AS ts, "
    "NULL::DOUBLE AS inr, NULL::BOOLEAN AS cash WHERE false"
)

# Besides the trail's columns, three derived ones that scans read instead of decoding strings:
# ts (epoch seconds), inr (the amount at the reference rate) and cash (ATM or exchange).
_STORED_ROWS = """
SELECT g.txn_id, g.time, f.id::INTEGER AS from_id, t.id::INTEGER AS to_id, g.amount,
       g.currency, g.channel, g.from_bank, g.to_bank, g.complaint_ref, '{batch}' AS batch,
       epoch(g.time)::BIGINT AS ts, (g.amount * {inr})::DOUBLE AS inr,
       (t.id IS NULL OR (g.channel = 'crypto' AND g.to_bank IS NOT NULL)) AS cash
FROM good g JOIN ids f ON f.key = g.from_key LEFT JOIN ids t ON t.key = g.to_key
ORDER BY g.time, g.txn_id
"""


def _stage_raw(con: duckdb.DuckDBPyConnection, reader: str, first_line: int) -> None:
    try:
        names = {d[0] for d in con.execute(f"SELECT * FROM {reader} LIMIT 0").description}  # noqa: S608
    except duckdb.Error as exc:
        raise StoreError(f"cannot read the trail: {str(exc).splitlines()[0]}") from None
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise StoreError(f"the trail lacks the column(s) {', '.join(missing)}")
    cols = ", ".join(_raw_column(c, names) for c in COLUMNS)
    con.execute(
        f"CREATE TEMP TABLE raw AS SELECT (row_number() OVER () - 1 + {first_line})::BIGINT "  # noqa: S608
        f"AS line, {cols} FROM {reader}"
    )


def _raw_column(name: str, present: set[str]) -> str:
    if name not in present:
        return f"NULL::VARCHAR AS {name}"
    if name in ("time", "amount"):
        return name  # typed in Parquet; the checks TRY_CAST them, whatever their type
    return f"CAST({name} AS VARCHAR) AS {name}"


def _check_rows(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    reason = "CASE " + " ".join(f"WHEN {cond} THEN '{why}'" for why, cond in ROW_CHECKS) + " END"
    con.execute(f"CREATE TEMP TABLE checked AS SELECT r.*, {reason} AS reason FROM raw r")  # noqa: S608
    _count_rejects(con, report, "SELECT line, txn_id, reason FROM checked WHERE reason IS NOT NULL")


def _count_rejects(con: duckdb.DuckDBPyConnection, report: ImportReport, query: str) -> None:
    for reason, count in con.execute(
        f"SELECT reason, count(*) FROM ({query}) GROUP BY 1"  # noqa: S608
    ).fetchall():
        report.rejected[str(reason)] += int(count)
    room = MAX_LISTED - len(report.problems)
    if room > 0:
        for line, txn_id, reason in con.execute(
            f"SELECT * FROM ({query}) ORDER BY line LIMIT {room}"  # noqa: S608
        ).fetchall():
            report.problems.append({"line": int(line), "txn_id": txn_id, "reason": str(reason)})


def _map_accounts(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Normalise each distinct account spelling once, in Python, then join back in SQL."""
    spellings = con.execute(
        "SELECT DISTINCT a FROM (SELECT trim(from_account) a FROM checked WHERE reason IS NULL "
        "UNION SELECT trim(to_account) FROM checked WHERE reason IS NULL) WHERE coalesce(a, '') <> ''"
    ).fetchall()
    raw, keys, countries, why = [], [], [], []
    for (text,) in spellings:
        found = normalise(str(text))
        raw.append(text)
        ok = isinstance(found, Identifier)
        keys.append(found.key if isinstance(found, Identifier) else None)
        countries.append(country_of(found.key) if isinstance(found, Identifier) else None)
        why.append(None if ok else "malformed account key")
    con.register(
        "_spellings", pa.table({"raw": raw, "key": keys, "country": countries, "why": why})
    )
    con.execute(
        "CREATE TEMP TABLE keymap AS SELECT s.raw, s.key, s.country, s.why, a.id "
        "FROM _spellings s LEFT JOIN accounts a ON a.key = s.key"
    )
    con.execute(
        """CREATE TEMP TABLE mapped AS
        SELECT c.line, c.txn_id, CAST(c.time AS TIMESTAMPTZ) AS time,
               f.key AS from_key, t.key AS to_key, f.why AS from_why, t.why AS to_why,
               CAST(c.amount AS DECIMAL(18,2)) AS amount, upper(trim(c.currency)) AS currency,
               lower(trim(c.channel)) AS channel, nullif(trim(c.from_bank), '') AS from_bank,
               nullif(trim(c.to_bank), '') AS to_bank,
               nullif(trim(c.complaint_ref), '') AS complaint_ref
        FROM checked c
        LEFT JOIN keymap f ON f.raw = trim(c.from_account)
        LEFT JOIN keymap t ON t.raw = trim(c.to_account)
        WHERE c.reason IS NULL"""
    )
    _count_rejects(
        con,
        report,
        "SELECT line, txn_id, CASE WHEN from_why IS NOT NULL THEN 'malformed from_account' "
        "ELSE 'malformed to_account' END AS reason FROM mapped "
        "WHERE from_why IS NOT NULL OR to_why IS NOT NULL",
    )


def _drop_duplicates(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """A txn_id already stored, or repeated in the file, is counted and kept once."""
    con.execute(
        """CREATE TEMP TABLE good AS
        SELECT * EXCLUDE (from_why, to_why, seen, copy),
               time < max(time) OVER (ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING
                                       AND 1 PRECEDING) AS late
        FROM (SELECT m.*, row_number() OVER (PARTITION BY m.txn_id ORDER BY m.line) AS copy,
                     s.txn_id IS NOT NULL AS seen
              FROM mapped m LEFT JOIN (SELECT DISTINCT txn_id FROM txns) s USING (txn_id)
              WHERE m.from_why IS NULL AND m.to_why IS NULL)
        WHERE copy = 1 AND NOT seen"""
    )
    kept = _scalar(con, "SELECT count(*) FROM good")
    candidates = _scalar(
        con, "SELECT count(*) FROM mapped WHERE from_why IS NULL AND to_why IS NULL"
    )
    report.duplicates = candidates - kept
    con.execute("UPDATE good SET late = coalesce(late, false)")


def _copy(con: duckdb.DuckDBPyConnection, query: str, directory: Path, batch: str) -> None:
    final = directory / f"{batch}.parquet"
    partial = directory / f".{batch}.parquet.part"
    con.execute(f"COPY ({query}) TO {duck.literal(partial)} (FORMAT parquet, COMPRESSION zstd)")
    os.replace(partial, final)


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(query).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _batch_id() -> str:
    # Sortable by time of import so that readers see batches in import order.
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
