"""Every file is valid against its schema (the formats in docs/simulate.md)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from tracebridge.complaints import schema
from tracebridge.simulate.ftc import HEADER

from .conftest import SIZES, World

# The canonical schema's lists: what the simulator writes must validate as a complaint.
CHANNELS = set(schema.CHANNELS)
SCAM_TYPES = set(schema.SCAM_TYPES)
PAYMENTS = {
    "gift_card",
    "wire",
    "upi",
    "card",
    "crypto",
    "cash",
    "bank_transfer",
    "payment_app",
    "other",
}
SUSPECT_KEYS = {"phones", "emails", "urls", "upi_ids", "bank_accounts", "crypto_wallets", "names"}
TXN_CHANNELS = {"upi", "imps", "neft", "rtgs", "wire", "card", "atm", "crypto"}


def _timestamp(text: str) -> datetime:
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert stamp.tzinfo is not None, text
    return stamp


def _check_complaint(c: dict[str, object]) -> None:
    assert set(c) <= {
        "ref",
        "source",
        "country",
        "received_at",
        "incident_at",
        "channel",
        "scam_type",
        "narrative",
        "loss",
        "victim",
        "suspect",
        "tlp",
    }
    assert c["source"] in {"FTC", "IC3", "NCRP", "PORTAL"} and c["country"] in {"US", "IN"}
    assert c["channel"] in CHANNELS and c["scam_type"] in SCAM_TYPES
    assert c["tlp"] in {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
    received = _timestamp(str(c["received_at"]))
    incident = str(c["incident_at"])
    when = date.fromisoformat(incident) if len(incident) == 10 else _timestamp(incident).date()
    assert when <= received.date()
    assert isinstance(c["narrative"], str) and c["narrative"].strip()
    if "loss" in c:
        loss = c["loss"]
        assert isinstance(loss, dict) and loss["payment_method"] in PAYMENTS
        assert re.fullmatch(r"\d+\.\d\d", loss["amount"]) and Decimal(loss["amount"]) > 0
        assert loss["currency"] == {"US": "USD", "IN": "INR"}[str(c["country"])]
    suspect = c.get("suspect", {})
    assert isinstance(suspect, dict) and set(suspect) <= SUSPECT_KEYS
    for item in suspect.get("bank_accounts", []):
        assert set(item) in ({"ifsc", "account"}, {"routing", "account"})


def test_complaints_follow_the_canonical_schema(world: World) -> None:
    assert len(world.complaints) == SIZES["complaints"]
    for complaint in world.complaints:
        _check_complaint(complaint)


def test_refs_are_unique_within_their_source(world: World) -> None:
    pairs = [(c["source"], c["ref"]) for c in world.complaints]
    assert len(set(pairs)) == len(pairs)
    assert {c["source"] for c in world.complaints} == {"FTC", "IC3", "NCRP", "PORTAL"}


def test_some_narratives_are_in_hindi(world: World) -> None:
    hindi = [c for c in world.complaints if re.search("[\u0900-\u097f]", c["narrative"])]
    assert hindi and all(c["country"] == "IN" for c in hindi)


def test_cdr_and_truth_parquet_schemas(world: World) -> None:
    cdr = pq.read_schema(world.dir / "cdrs.parquet")
    assert cdr.names == [
        "call_id",
        "start_time",
        "duration_s",
        "answered",
        "sip_code",
        "calling_number",
        "called_number",
        "orig_carrier",
        "term_carrier",
        "reporting_carrier",
        "attestation",
        "origid",
        "identity",
    ]
    assert cdr.field("start_time").type == pa.timestamp("us", tz="UTC")
    calls = pq.read_schema(world.dir / "truth_calls.parquet")
    assert calls.names == ["call_id", "campaign_id", "kind"]
    for row in world.cdrs[:2000]:
        assert row["answered"] == (row["duration_s"] > 0) == (row["sip_code"] == 200)
        assert row["attestation"] in {None, "A", "B", "C"}
        assert row["reporting_carrier"] in {row["orig_carrier"], row["term_carrier"]}


def test_transactions_schema_and_amounts(world: World) -> None:
    schema = pq.read_schema(world.dir / "transactions.parquet")
    assert schema.field("amount").type == pa.decimal128(18, 2)
    assert schema.names == [
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
    ]
    assert len(world.txns) >= SIZES["txns"]
    assert len({t["txn_id"] for t in world.txns}) == len(world.txns)
    for txn in world.txns:
        assert txn["channel"] in TXN_CHANNELS and txn["amount"] > 0
        assert (txn["to_account"] is None) == (txn["channel"] == "atm")
        if (
            txn["to_account"]
            and txn["to_account"].startswith("WALLET:")
            and not (txn["from_account"].startswith("WALLET:"))
        ):
            assert txn["to_bank"], txn  # an off-ramp names the exchange


def test_ftc_dnc_file_has_the_published_header_and_messy_rows(world: World) -> None:
    rows = world.dnc_rows()
    assert tuple(rows[0]) == HEADER and len(rows) == SIZES["complaints"] + 1
    numbers = [r[0] for r in rows[1:]]
    assert sum(bool(re.fullmatch(r"\d{10}", n)) for n in numbers) > 0.8 * len(numbers)
    assert "" in numbers and any(re.fullmatch(r"\d{7}", n) for n in numbers)
    for row in rows[1:]:
        assert len(row) == len(HEADER)
        datetime.strptime(row[1], "%Y-%m-%d %H:%M:%S")
        assert row[2] == "" or datetime.strptime(row[2], "%Y-%m-%d %H:%M:%S")
        assert row[7] in {"Y", ""}
    assert any(len(r[4]) == 2 for r in rows[1:])  # an abbreviation among full state names


INDIAN_CATEGORIES = {"sim_swap", "aeps", "bec", "betting_gaming", "upi_collect",
                     "demat_stock_tips", "digital_arrest", "loan_app", "sextortion"}  # fmt: skip


def test_indian_victims_report_the_categories_they_recognise(world: World) -> None:
    """Issue 23, point 12: the new categories appear, none is "other", no type dominates."""
    from collections import Counter

    india = Counter(c["scam_type"] for c in world.complaints if c["country"] == "IN")
    assert set(india) >= INDIAN_CATEGORIES
    assert india["other"] == india["unknown"] == 0
    assert max(india.values()) < 0.3 * sum(india.values())


def test_every_scam_type_the_simulator_draws_has_its_tables() -> None:
    from tracebridge.simulate import catalog, narratives
    from tracebridge.simulate.world import PLAYBOOKS

    drawn = {t for t, _ in catalog.IN_SCAMS + catalog.US_SCAMS}
    drawn |= {t for types, *_ in PLAYBOOKS.values() for ts in types.values() for t in ts}
    assert drawn <= SCAM_TYPES and drawn <= set(catalog.CHANNELS)
    assert drawn <= set(narratives.OPENINGS)
    channels = {c for mix in catalog.CHANNELS.values() for c, _ in mix}
    assert channels <= CHANNELS
    assert abs(sum(share for _, share in catalog.IN_SCAMS) - 1) < 1e-9
