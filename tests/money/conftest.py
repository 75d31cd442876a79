"""Money fixtures: tiny hand-written trails, a store under the test's home, complaints."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tracebridge.money import services
from tracebridge.money.index import TrailIndex, build
from tracebridge.money.store import COLUMNS, Store

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
VICTIM_US = "US:021000021:12345678"
VICTIM_IN = "UPI:ravi.kumar@oksbi"
MULE1 = "IN:SBIN0001234:001234567890"
MULE2 = "UPI:quick.cash77@ybl"
COLLECTOR = "IN:HDFC0000001:99887766554"
EXCHANGE_WALLET = "WALLET:trx:TMSXEvREMKAz7jSqGDhmeDLgvXVT6jzDBx"


def at(hours: float) -> str:
    return datetime.fromtimestamp(T0.timestamp() + hours * 3600, UTC).isoformat()


def txn(
    txn_id: str,
    hours: float,
    src: str,
    dst: str | None,
    amount: str,
    currency: str = "INR",
    channel: str = "imps",
    ref: str = "",
    to_bank: str = "",
) -> dict[str, str]:
    return {
        "txn_id": txn_id,
        "time": at(hours),
        "from_account": src,
        "to_account": dst or "",
        "amount": amount,
        "currency": currency,
        "channel": channel,
        "from_bank": "",
        "to_bank": to_bank,
        "complaint_ref": ref,
    }


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        out.writeheader()
        out.writerows(rows)
    return path


# A US victim wires $1,000 to mule 1, which keeps 5% and splits the rest between the collector
# and mule 2; an Indian victim pays mule 2 by UPI (a merge); mule 2 passes everything on, and
# the collector cashes out part at an ATM (in INR) and part to a crypto exchange.
STORY = [
    txn("P1", 0, VICTIM_US, MULE1, "1000.00", "USD", "wire", ref="IC3-1", to_bank="State Bank of India"),
    txn("P2", 0.5, VICTIM_IN, MULE2, "50000.00", "INR", "upi", ref="NCRP-2", to_bank="Yes Bank"),
    txn("L1", 1, MULE1, COLLECTOR, "600.00", "USD", "wire", to_bank="HDFC Bank"),
    txn("L2", 2, MULE1, MULE2, "350.00", "USD", "wire", to_bank="Yes Bank"),
    txn("L3", 3, MULE2, COLLECTOR, "79050.00", "INR", "imps", to_bank="HDFC Bank"),
    txn("C1", 4, COLLECTOR, None, "20000.00", "INR", "atm"),
    txn("C2", 5, COLLECTOR, EXCHANGE_WALLET, "40000.00", "INR", "crypto", to_bank="Binance"),
]  # fmt: skip


@pytest.fixture
def story_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "story.csv", STORY)


@pytest.fixture
def make_index(tmp_path: Path) -> Callable[[list[dict[str, str]]], TrailIndex]:
    counter = iter(range(1000))

    def make(rows: list[dict[str, str]]) -> TrailIndex:
        store = Store(tmp_path / f"store{next(counter)}")
        report = store.import_file(write_csv(tmp_path / "rows.csv", rows))
        assert report.rejected_total == 0, report.problems
        return build(store)

    return make


@pytest.fixture
def home_store(story_csv: Path) -> Store:
    """The story imported into the store of the test's TRACEBRIDGE_HOME."""
    store = services.store()
    store.import_file(story_csv)
    return store


@pytest.fixture
def make_complaint(agencies: dict[str, Any]) -> Callable[..., Any]:
    from tracebridge.complaints.models import Complaint

    def make(ref: str = "IC3-1", agency: str = "US-FBI", **fields: Any) -> Complaint:
        defaults: dict[str, Any] = {
            "source": "IC3",
            "country": "US",
            "received_at": T0.replace(day=3),
            "loss_amount": Decimal("1000.00"),
            "loss_currency": "USD",
            "payment_method": "wire",
            "suspect": {"bank_accounts": [{"ifsc": "SBIN0001234", "account": "001234567890"}]},
            "content_hash": "0" * 64,
            "tlp": "AMBER",
        }
        defaults.update(fields)
        return Complaint.objects.create(agency=agencies[agency], ref=ref, **defaults)

    return make
