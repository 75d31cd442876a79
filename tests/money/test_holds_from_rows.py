"""Hold requests start from the victim's transaction rows (issue 23, point 8)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tracebridge.money import holds

pytestmark = pytest.mark.django_db
ROWS = [
    {"rail": "upi", "reference": "412356789012", "amount": "20000.00", "currency": "INR",
     "to_upi": "fraud.kyc@okaxis", "institution": "Axis Bank", "at": "2026-11-26T21:40:00+05:30"},
    {"rail": "imps", "reference": "612345678901", "amount": "9999.50", "currency": "INR",
     "to_account": "001234567890", "to_ifsc": "SBIN0001234"},
    {"rail": "imps", "reference": "612345678902", "amount": "500.00", "currency": "INR",
     "to_account": "001234567890", "to_ifsc": "SBIN0001234"},
    {"rail": "card", "reference": "AB12", "amount": "10.00", "currency": "INR"},
]  # fmt: skip


def test_rows_become_one_request_per_receiving_account(
    make_user: Callable[..., Any], make_complaint: Callable[..., Any]
) -> None:
    analyst = make_user("analyst", "IN-I4C")
    complaint = make_complaint(
        "NC-9", agency="IN-I4C", country="IN", suspect={}, loss_currency="INR", transactions=ROWS
    )
    made = {h.account_key: h for h in holds.create_holds(complaint, analyst)}
    assert set(made) == {"upi:fraud.kyc@okaxis", "bank:IN:SBIN0001234:001234567890"}
    upi, bank = made["upi:fraud.kyc@okaxis"], made["bank:IN:SBIN0001234:001234567890"]
    assert (upi.amount, upi.bank, upi.currency) == (Decimal("20000.00"), "Axis Bank", "INR")
    assert upi.transactions[0]["txn_id"] == "412356789012"
    assert bank.amount == Decimal("10499.50")
    assert [t["txn_id"] for t in bank.transactions] == ["612345678901", "612345678902"]
    assert holds.create_holds(complaint, analyst)[0].pk in {upi.pk, bank.pk}  # no duplicates
    assert complaint.hold_requests.count() == 2


def test_no_rows_no_reported_requests(
    make_user: Callable[..., Any], make_complaint: Callable[..., Any]
) -> None:
    complaint = make_complaint("NC-10", agency="IN-I4C", country="IN", suspect={})
    assert holds.reported_payments(complaint) == {}
