"""What a bank's staff hit in the mule registry (issue 20, point 15)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.money.conftest import MULE1, MULE2, T0
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import ServiceError, create_agency
from tracebridge.money import holds, mules, registry
from tracebridge.money.models import HoldEvent, HoldRequest


def test_pass_through_reason_never_prints_a_negative_time() -> None:
    early = mules._pass_through(0.94, -8.4)
    assert early == (
        "passes money through: 94% out again, paid out on average 8 h before the credits "
        "arrive (pre-funded)"
    )
    assert "-" not in early.split(":", 1)[1].replace("pre-funded", "")
    assert mules._pass_through(0.9, 3.2) == "passes money through: 90% out within 3 h on average"


@pytest.mark.parametrize("typed", ["001234567890", "0012 3456 7890", "0012-3456-7890"])
def test_a_bare_account_number_finds_the_account_kept_with_its_ifsc(
    supervisor: Any, viewer: Any, home_store: Any, typed: str
) -> None:
    registry.scan(supervisor.agency, supervisor)
    assert [e.account for e in registry.lookup(viewer, typed)] == [MULE1]
    assert registry.lookup(viewer, "99999999999") == []


def test_last_seen_is_the_last_transaction_not_the_scan(
    supervisor: Any, client_for: Callable[..., Any], home_store: Any
) -> None:
    registry.scan(supervisor.agency, supervisor)
    entry = registry.lookup(supervisor, MULE1)[0]
    assert entry.last_activity is not None and entry.last_activity.date() == T0.date()
    page = client_for(supervisor).get(reverse("money-registry"), {"q": MULE1}).content.decode()
    assert f'data-testid="last-activity">{entry.last_activity:%Y-%m-%d %H:%M}<' in page
    assert f"{entry.seen_at:%Y-%m-%d}" != f"{T0:%Y-%m-%d}"


def test_a_bank_filters_its_own_accounts_and_exports_them(
    supervisor: Any,
    make_user: Callable[..., Any],
    client_for: Callable[..., Any],
    home_store: Any,
) -> None:
    registry.scan(supervisor.agency, supervisor)
    create_agency("BANK-SBIN", "IN", "State Bank of India")
    bank = client_for(make_user("analyst", "BANK-SBIN"))
    everything = bank.get(reverse("money-registry")).content.decode()
    assert MULE1 in everything and MULE2 in everything
    mine = bank.get(reverse("money-registry"), {"mine": "1"}).content.decode()
    assert MULE1 in mine and MULE2 not in mine
    export = bank.get(reverse("money-registry-csv"), {"mine": "1"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["account", "level", "score"]
    assert [r[0] for r in rows[1:]] == [MULE1]
    assert AuditEvent.objects.filter(action="money.registry.export").count() == 1


def test_a_non_bank_gets_no_my_bank_filter(
    supervisor: Any, client_for: Callable[..., Any], home_store: Any
) -> None:
    registry.scan(supervisor.agency, supervisor)
    page = client_for(supervisor).get(reverse("money-registry"), {"mine": "1"}).content.decode()
    assert 'data-testid="registry-mine"' not in page
    assert MULE1 in page and MULE2 in page  # the filter is ignored, not an empty page


def test_the_same_held_answer_twice_is_refused(
    analyst: Any,
    make_user: Callable[..., Any],
    home_store: Any,
    make_complaint: Callable[..., Any],
) -> None:
    create_agency("BANK-SBIN", "IN", "State Bank of India")
    bank = make_user("analyst", "BANK-SBIN")
    holds.create_holds(make_complaint("IC3-1"), analyst)
    hold = HoldRequest.objects.get(bank_agency__code="BANK-SBIN")
    assert hold.amount == Decimal("50.00")
    holds.answer(hold, bank, "held", Decimal("30.00"))
    with pytest.raises(ServiceError, match=r"30\.00 is already held"):
        holds.answer(hold, bank, "held", Decimal("30.00"))
    holds.answer(hold, bank, "held", Decimal("50.00"))
    assert list(HoldEvent.objects.filter(hold=hold).values_list("status", flat=True)) == [
        "requested",
        "held",
        "held",
    ]
