"""Mule scoring: on a simulated world (precision, recall, traced amount) and on small cases."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.money.conftest import COLLECTOR, MULE1, MULE2, STORY, txn, write_csv
from tracebridge.money import mules
from tracebridge.money.accounts import normalise
from tracebridge.money.index import build
from tracebridge.money.rates import RATES_INR
from tracebridge.money.store import Store
from tracebridge.money.trace import Tracer
from tracebridge.simulate import Knobs, generate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Store]:
    out = tmp_path_factory.mktemp("world")
    generate(out, 20261129, scale="small", complaints=3000, txns=40_000)
    store = Store(out / "store")
    report = store.import_file(out / "transactions.parquet")
    assert report.rejected_total == 0 and report.duplicates == 0
    return out, store


def _truth(out: Path) -> set[str]:
    keys = set()
    for account in json.loads((out / "truth.json").read_text())["mule_accounts"]:
        found = normalise(account)
        keys.add(getattr(found, "key", account))
    return keys


def test_mule_scan_precision_and_recall_on_a_simulated_world(world: tuple[Path, Store]) -> None:
    out, store = world
    con = store.connect()
    found = mules.scan(con)
    transacting = {k for (k,) in con.execute("SELECT key FROM accounts").fetchall()}
    truth = _truth(out) & transacting  # a mule that never transacts leaves no trail to score
    predicted = {s.key for s in found}
    hits = len(predicted & truth)
    precision, recall = hits / len(predicted), hits / len(truth)
    assert precision >= 0.95, sorted(predicted - truth)[:10]
    assert recall >= 0.9, sorted(truth - predicted)[:10]
    legit = json.loads((out / "truth.json").read_text())["legit_accounts"]
    assert not predicted & {normalise(a).key for a in legit}  # type: ignore[union-attr]
    assert {s.level for s in found} <= {"medium", "high", "very_high"}
    assert all(s.reasons for s in found)


def test_traced_amount_reaches_the_true_mules(world: tuple[Path, Store]) -> None:
    out, store = world
    truth = _truth(out)
    raw = duckdb.connect()
    expected = 0.0
    for account, amount, currency in raw.execute(
        "SELECT to_account, amount, currency FROM read_parquet(?) WHERE to_account IS NOT NULL",
        [str(out / "transactions.parquet")],
    ).fetchall():
        if getattr(normalise(account), "key", None) in truth:
            expected += float(amount) * RATES_INR[currency]
    index = build(store)
    tracer = Tracer(index)
    traced = 0.0
    for ref in index.by_ref:
        trail = tracer.trace_complaint(ref)
        rate = RATES_INR[trail.currency]
        traced += sum(h.traced for h in trail.hops if h.target in truth) / 100 * rate
    assert traced >= 0.95 * expected


def test_merchant_with_one_victim_payment_stays_below_medium(tmp_path: Path) -> None:
    rows = [txn(f"M{i}", i, f"UPI:buyer{i:03d}@oksbi", "UPI:bigbasket@ybl", "500.00", channel="upi")
            for i in range(80)]  # fmt: skip
    rows.append(txn("V", 90, "UPI:victim11@oksbi", "UPI:bigbasket@ybl", "500.00", ref="R"))
    store = Store(tmp_path / "s")
    store.import_file(write_csv(tmp_path / "m.csv", rows))
    assert mules.scan(store.connect()) == []


def test_collectors_are_found_through_the_mules_that_pay_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.import_file(write_csv(tmp_path / "s.csv", STORY))
    found = {s.account: s for s in mules.scan(store.connect())}
    collector = found["IN:HDFC0000001:99887766554"]
    assert any("flagged" in r for r in collector.reasons)
    assert "WALLET:trx:TMSXEvREMKAz7jSqGDhmeDLgvXVT6jzDBx" not in found  # exchange deposit
    assert found["IN:SBIN0001234:001234567890"].victims == 1
    assert found["UPI:quick.cash77@ybl"].level in ("high", "very_high")


def test_level_of() -> None:
    assert [mules.level_of(s) for s in (0, 39, 40, 59, 60, 79, 80, 100)] == [
        "", "", "medium", "medium", "high", "high", "very_high", "very_high"
    ]  # fmt: skip


def test_empty_store_scans_to_nothing(tmp_path: Path) -> None:
    assert mules.scan(Store(tmp_path / "empty").connect()) == []


def test_scan_reports_progress(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.import_file(write_csv(tmp_path / "s.csv", STORY))
    steps: list[str] = []
    mules.scan(store.connect(), progress=steps.append)
    assert steps[:3] == ["victims", "layer 1", "layer 2"]


EMPLOYER = "IN:ICIC0000001:111122223333"
SHOP = "UPI:bigbasket@ybl"
LANDLORD = "IN:SBIN0009999:555566667777"
SISTER = "UPI:sister.home@oksbi"
BROTHER = "UPI:brother.home@okaxis"


def _scan(tmp_path: Path, rows: list[dict[str, str]]) -> dict[str, mules.Score]:
    store = Store(tmp_path / "s")
    report = store.import_file(write_csv(tmp_path / "s.csv", rows))
    assert report.rejected_total == 0, report.problems
    return {s.account: s for s in mules.scan(store.connect())}


def test_a_collector_with_an_ordinary_life_is_still_found(tmp_path: Path) -> None:
    # A salary ten times the fraud money and spending beside it: the mules pay only 11% of
    # its money and cash is 22% of what leaves, but all the mules paid was traced money
    # (paid on within hours of their victims' credits) and most of that was cashed out.
    life = [
        txn("S1", -200, EMPLOYER, COLLECTOR, "500000.00", channel="neft"),
        txn("S2", 520, EMPLOYER, COLLECTOR, "500000.00", channel="neft"),
        txn("B1", 100, COLLECTOR, SHOP, "300000.00", channel="upi"),
        txn("C3", 6, COLLECTOR, None, "20000.00", channel="atm"),
    ]
    collector = _scan(tmp_path, STORY + life)[COLLECTOR]
    assert collector.level == "medium"
    assert (
        "11% of its money comes from 2 flagged account(s), 100% of that within 48 h"
        in (collector.reasons[0])
    )
    assert "cashes out (ATM or crypto exchange)" in collector.reasons


def test_a_mules_landlord_and_family_are_not_mules(tmp_path: Path) -> None:
    # Rent and a transfer home, weeks after the mules' victims paid: not traced money, though
    # the landlord and the sister pass it on within a day and are paid by flagged accounts only.
    life = [
        txn("R1", 300, MULE2, LANDLORD, "15000.00", channel="imps"),
        txn("R2", 320, LANDLORD, SHOP, "14000.00", channel="upi"),
        txn("F1", 400, MULE1, SISTER, "100.00", "USD", "wire"),
        txn("F2", 403, SISTER, BROTHER, "7900.00", channel="upi"),
    ]
    found = _scan(tmp_path, STORY + life)
    assert LANDLORD not in found and SISTER not in found
    assert {MULE1, MULE2, COLLECTOR} <= set(found)


# A small version of bench/quality.py's mule matrix: mules with an ordinary life (a salary up
# to four times the fraud money) and honest accounts that look like mules; asserted: the
# issue's mule targets (precision >= 0.97, recall >= 0.95), which these worlds meet.
ORDINARY = (
    (1950, Knobs(ordinary_mule_share=0.9, ordinary_volume=4.0, lookalike_share=0.3)),
    (1951, Knobs(ordinary_mule_share=0.5, ordinary_volume=1.0, lookalike_share=0.2, campaigns=30)),
)


@pytest.mark.parametrize(("seed", "knobs"), ORDINARY, ids=[str(s) for s, _ in ORDINARY])
def test_mule_targets_with_ordinary_lives(tmp_path: Path, seed: int, knobs: Knobs) -> None:
    generate(tmp_path, seed, "small", complaints=1500, calls=100, txns=10_000, knobs=knobs)
    store = Store(tmp_path / "store")
    store.import_file(tmp_path / "transactions.parquet")
    con = store.connect()
    transacting = {k for (k,) in con.execute("SELECT key FROM accounts").fetchall()}
    truth = _truth(tmp_path) & transacting
    predicted = {s.key for s in mules.scan(con)}
    hits = len(predicted & truth)
    print(f"\nworld {seed}: mule P {hits / len(predicted):.3f} R {hits / len(truth):.3f}")
    assert hits / len(predicted) >= 0.97, sorted(predicted - truth)
    assert hits / len(truth) >= 0.95, sorted(truth - predicted)
    legit = json.loads((tmp_path / "truth.json").read_text())["legit_accounts"]
    assert not predicted & {normalise(a).key for a in legit}  # type: ignore[union-attr]
