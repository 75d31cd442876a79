"""Bank routing of hold requests, registry refresh and decay, the tree layout limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.money.conftest import MULE1, txn, write_csv
from tracebridge.agencies.services import ServiceError
from tracebridge.money import holds, registry, services
from tracebridge.money.models import MuleEntry
from tracebridge.money.trace import Tracer, Trail
from tracebridge.money.tree import MAX_PER_LAYER, layout


@pytest.mark.parametrize(
    ("key", "bank", "code"),
    [
        ("bank:IN:SBIN0001234:001234567890", "State Bank of India", "BANK-SBIN"),
        ("upi:quick.cash77@ybl", "Yes Bank", "BANK-YESB"),
        ("bank:US:021000021:12345678", "JPMorgan Chase Bank", "BANK-JPMORGAN-CHASE-BANK"),
        ("wallet:trx:T", "Binance", "BANK-BINANCE"),
        ("upi:someone@ybl", None, ""),
        ("upi:someone@ybl", "  ", ""),
    ],
)
def test_bank_code(key: str, bank: str | None, code: str) -> None:
    assert holds.bank_code(key, bank) == code


def test_holds_need_an_analyst_and_answers_need_the_bank(
    viewer: Any, analyst: Any, home_store: Any, make_complaint: Callable[..., Any]
) -> None:
    complaint = make_complaint("IC3-1")
    with pytest.raises(ServiceError, match="analyst"):
        holds.create_holds(complaint, viewer)
    hold = holds.create_holds(complaint, analyst)[0]
    assert hold.bank_agency is None  # no bank agency on this node: still requested
    with pytest.raises(ServiceError, match="only the bank"):
        holds.answer(hold, analyst, "acknowledged")
    with pytest.raises(ServiceError, match="supervisor"):
        holds.answer(hold, analyst, "released")
    assert list(holds.holds_for(None)) == []


def test_rescan_refreshes_only_accounts_seen_again(
    supervisor: Any, home_store: Any, tmp_path: Path
) -> None:
    first = registry.scan(supervisor.agency, supervisor)
    assert first.created == first.found > 0
    entry = MuleEntry.objects.get(account=MULE1)
    old = entry.seen_at - timedelta(days=200)
    MuleEntry.objects.filter(pk=entry.pk).update(seen_at=old)
    again = registry.scan(supervisor.agency, supervisor)
    assert (again.created, again.refreshed) == (0, 0)
    assert MuleEntry.objects.get(pk=entry.pk).seen_at == old  # no new activity: keeps decaying
    later = [txn("NEW", 500, "UPI:victim77@oksbi", MULE1, "10.00", channel="upi", ref="LATER")]
    home_store.import_file(write_csv(tmp_path / "later.csv", later))
    third = registry.scan(supervisor.agency, supervisor)
    assert third.refreshed >= 1
    assert MuleEntry.objects.get(pk=entry.pk).seen_at > old


def test_report_raises_an_existing_entry(supervisor: Any, home_store: Any) -> None:
    registry.scan(supervisor.agency, supervisor)
    entry = registry.report(supervisor, MULE1, "very_high", "confirmed by the bank")
    assert entry.current_level() == "very_high"
    assert entry.reasons[-1].startswith("reported by US-FBI")
    with pytest.raises(ServiceError):
        registry.report(supervisor, "IN:bad:1", "high", "x")


def test_wide_layers_are_summarised(make_index: Callable[..., Any]) -> None:
    fan = [f"UPI:fan{i:02d}@ybl" for i in range(MAX_PER_LAYER + 5)]
    rows = [txn("PAY", 0, "UPI:victim11@oksbi", MULE1, "1700.00", channel="upi", ref="R")]
    rows += [txn(f"F{i}", 1 + i / 100, MULE1, acct, "100.00") for i, acct in enumerate(fan)]
    trail = Tracer(make_index(rows)).trace_complaint("R")
    tree = layout(trail)
    assert tree.hidden == 5
    assert len(tree.nodes) == 1 + 1 + MAX_PER_LAYER
    assert all(e.x2 > e.x1 for e in tree.edges)


def test_empty_trail_layout() -> None:
    tree = layout(Trail(currency="INR"))
    assert (tree.nodes, tree.edges, tree.hidden) == ([], [], 0)


def test_reported_accounts_reads_every_kind() -> None:
    suspect = {
        "bank_accounts": [{"ifsc": "SBIN0001234", "account": "001234567890"}, "junk", {}],
        "upi_ids": ["Quick.Cash77@YBL", "not a vpa"],
        "crypto_wallets": ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"],
    }
    assert services.reported_accounts(suspect) == [
        "bank:IN:SBIN0001234:001234567890",
        "upi:quick.cash77@ybl",
        "wallet:btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    ]
