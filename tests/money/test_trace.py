"""Tracing: splits, merges, partial onward transfers, cash-out, loops, windows, currencies."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.money.conftest import (
    COLLECTOR,
    EXCHANGE_WALLET,
    MULE1,
    MULE2,
    STORY,
    txn,
)
from tracebridge.money.accounts import normalise
from tracebridge.money.index import TrailIndex, _index
from tracebridge.money.trace import ATM, LOOP, OFF_RAMP, PAYMENT, Options, Tracer


def key(account: str) -> str:
    found = normalise(account)
    assert not hasattr(found, "reason"), found
    return found.key  # type: ignore[union-attr]


def test_story_us_victim_split_merge_and_cash_out(make_index: Callable[..., TrailIndex]) -> None:
    trail = Tracer(make_index(STORY)).trace_complaint("IC3-1")
    assert trail.currency == "USD"
    assert trail.paid == 100000
    acct = trail.accounts
    assert acct[key(MULE1)].layer == 1
    assert acct[key(MULE1)].holdable == 5000  # the mule's 5% cut is still there
    assert acct[key(MULE2)].forwarded == 35000  # a merge: only the victim's share of L3
    assert acct[key(COLLECTOR)].received == 95000  # reached twice: directly and via mule 2
    assert acct[key(COLLECTOR)].cashed_out == 24096  # ₹20,000 at the ATM, in USD cents
    assert acct[key(EXCHANGE_WALLET)].holdable == 48193
    assert trail.holdable + trail.cashed_out == trail.paid
    kinds = [h.kind for h in trail.hops]
    assert kinds.count(PAYMENT) == 1 and ATM in kinds and OFF_RAMP in kinds
    assert [lay.layer for lay in trail.layers()] == [1, 2, 3]  # first layer an account is seen
    assert not trail.truncated


def test_story_indian_victim_follows_only_later_debits(
    make_index: Callable[..., TrailIndex],
) -> None:
    trail = Tracer(make_index(STORY)).trace_complaint("NCRP-2")
    assert (trail.currency, trail.paid) == ("INR", 5000000)
    assert trail.accounts[key(MULE2)].holdable == 0
    assert trail.accounts[key(COLLECTOR)].cashed_out == 2000000
    assert trail.accounts[key(EXCHANGE_WALLET)].received == 3000000
    assert key(MULE1) not in trail.accounts  # upstream of the victim's payee


def test_debits_before_the_money_arrived_are_never_followed(
    make_index: Callable[..., TrailIndex],
) -> None:
    rows = [
        txn("EARLY", 0, MULE1, "UPI:someone@ybl", "900.00"),
        txn("PAY", 1, "UPI:victim11@oksbi", MULE1, "1000.00", channel="upi", ref="R"),
    ]
    trail = Tracer(make_index(rows)).trace_complaint("R")
    assert [h.txn_id for h in trail.hops] == ["PAY"]
    assert trail.holdable == 100000


def test_money_at_rest_past_the_window_stays_holdable(
    make_index: Callable[..., TrailIndex],
) -> None:
    rows = [
        txn("PAY", 0, "UPI:victim11@oksbi", MULE1, "1000.00", channel="upi", ref="R"),
        txn("LATE", 100, MULE1, "UPI:someone@ybl", "1000.00"),
    ]
    trail = Tracer(make_index(rows), Options(window_hours=72)).trace_complaint("R")
    assert trail.accounts[key(MULE1)].holdable == 100000
    assert trail.notes["money at rest past the window"] == 1
    wide = Tracer(make_index(rows), Options(window_hours=200)).trace_complaint("R")
    assert wide.accounts[key(MULE1)].holdable == 0


def test_loops_are_recorded_not_followed_forever(make_index: Callable[..., TrailIndex]) -> None:
    rows = [txn("PAY", 0, "UPI:victim11@oksbi", MULE1, "100.00", channel="upi", ref="R")]
    for i in range(1, 40):  # money bouncing between two mules
        a, b = (MULE1, MULE2) if i % 2 else (MULE2, MULE1)
        rows.append(txn(f"B{i}", i * 0.1, a, b, "100.00"))
    trail = Tracer(make_index(rows)).trace_complaint("R")
    assert trail.notes["loops"] == 1
    assert [h.kind for h in trail.hops][-1] == LOOP
    assert trail.holdable + trail.cashed_out == trail.paid


def test_currency_without_a_rate_is_counted_and_not_followed(
    make_index: Callable[..., TrailIndex],
) -> None:
    rows = [
        txn("PAY", 0, "UPI:victim11@oksbi", MULE1, "100.00", channel="upi", ref="R"),
        txn("GOLD", 1, MULE1, "UPI:someone@ybl", "1.00", currency="XAU"),
    ]
    trail = Tracer(make_index(rows)).trace_complaint("R")
    assert trail.notes["currency without a rate"] == 1
    assert trail.accounts[key(MULE1)].holdable == 10000


def test_limits_truncate_long_chains(make_index: Callable[..., TrailIndex]) -> None:
    chain = [f"UPI:hop{i:02d}@ybl" for i in range(12)]
    rows = [txn("PAY", 0, "UPI:victim11@oksbi", chain[0], "100.00", channel="upi", ref="R")]
    rows += [txn(f"H{i}", i + 1, chain[i], chain[i + 1], "100.00") for i in range(11)]
    trail = Tracer(make_index(rows), Options(max_layers=4)).trace_complaint("R")
    assert trail.truncated
    assert max(h.layer for h in trail.hops) == 5
    assert trail.holdable == trail.paid
    few = Tracer(make_index(rows), Options(max_hops=3)).trace_complaint("R")
    assert few.truncated and len(few.hops) == 3


def test_unknown_complaint_gives_an_empty_trail(make_index: Callable[..., TrailIndex]) -> None:
    trail = Tracer(make_index(STORY)).trace_complaint("nobody")
    assert (trail.hops, trail.paid, trail.layers()) == ([], 0, [])


def test_payment_rows_match_a_reported_account_and_amount(
    make_index: Callable[..., TrailIndex],
) -> None:
    index = make_index(STORY)
    tracer = Tracer(index)
    t0 = int(index.time.min())
    assert len(tracer.payment_rows(key(MULE1), 100000, "USD", t0 - 10, t0 + 10)) == 1
    assert tracer.payment_rows(key(MULE1), 100000, "USD", t0 + 10, t0 + 20) == []
    assert tracer.payment_rows(key(MULE1), 50000, "USD", t0 - 10, t0 + 10) == []
    assert len(tracer.payment_rows(key(MULE1), 8300000, "INR", t0 - 10, t0 + 10)) == 1
    assert tracer.payment_rows("upi:nobody@ybl", 1, "INR", 0, t0) == []


# --- property: any small graph traces in finite time and conserves the money -----------------
_edge = st.tuples(
    st.integers(1, 6), st.integers(0, 6), st.integers(0, 50), st.integers(1, 10_000),
    st.sampled_from(["INR", "USD", "XAU"]),
)  # fmt: skip


def _graph(edges: list[tuple[int, int, int, int, str]]) -> TrailIndex:
    keys = [""] + [f"upi:acct{i}@ybl" for i in range(1, 7)]
    rows = sorted(enumerate(edges), key=lambda e: (e[1][0], e[1][2], e[0]))
    return _index(
        "v",
        keys,
        pa.table(
            {
                "from_id": [e[0] for _, e in rows],
                "to_id": [e[1] for _, e in rows],
                "t": [e[2] * 600 for _, e in rows],
                "minor": [e[3] for _, e in rows],
                "currency": [e[4] for _, e in rows],
                "channel": ["atm" if e[1] == 0 else "imps" for _, e in rows],
                "to_bank": [None for _ in rows],
                "txn_id": [f"T{i}" for i, _ in rows],
                "complaint_ref": ["R" if i == 0 else None for i, _ in rows],
            }
        ),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(_edge, min_size=1, max_size=40))
def test_any_graph_terminates_and_conserves(edges: list[tuple[int, int, int, int, str]]) -> None:
    trail = Tracer(_graph(edges), Options(max_hops=200)).trace_complaint("R")
    assert len(trail.hops) <= 200
    assert trail.holdable + trail.cashed_out == trail.paid
    assert all(h.traced >= 0 for h in trail.hops)
    for holding in trail.accounts.values():
        assert holding.forwarded <= holding.received
