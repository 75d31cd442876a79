"""Every identifier written is valid for its kind: numbering plans, checksums, formats.

Checked with tracebridge.identifiers (the project's parser) and, independently, with
phonenumbers and python-stdnum."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from stdnum import bitcoin
from stdnum.us import rtn

from tracebridge.identifiers import Rejected, parse, parse_account_key, parse_key
from tracebridge.simulate import ids

from .conftest import World


def _valid_phone(e164: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return False


def test_campaign_and_hub_keys_read_back_to_themselves(world: World) -> None:
    keys = [k for c in world.truth["campaigns"] for k in c["identifiers"]]
    keys += world.truth["hub_identifiers"]
    assert len(keys) > 100
    for key in keys:
        parsed = parse_key(key)
        assert not isinstance(parsed, Rejected), (key, parsed)
        assert parsed.key == key


def test_campaign_identifiers_pass_independent_checks(world: World) -> None:
    keys = {k for c in world.truth["campaigns"] for k in c["identifiers"]}
    kinds = {k.split(":", 1)[0] for k in keys}
    assert kinds == {"phone", "domain", "email", "upi", "bank", "wallet"}
    for key in keys:
        kind, value = key.split(":", 1)
        if kind == "phone":
            assert _valid_phone(value), key
        elif kind == "bank" and value.startswith("US:"):
            assert rtn.is_valid(value.split(":")[1]), key
        elif kind == "wallet" and value.startswith("btc:"):
            assert bitcoin.is_valid(value[4:]), key


def test_every_account_in_the_transaction_file_parses(world: World) -> None:
    accounts = {t["from_account"] for t in world.txns} | {
        t["to_account"] for t in world.txns if t["to_account"]
    }
    for account in accounts:
        assert not isinstance(parse_account_key(account), Rejected), account


def test_messy_suspect_fields_parse_to_the_campaign_keys(world: World) -> None:
    """Victims write identifiers messily; each still parses to a campaign or hub key."""
    hubs = set(world.truth["hub_identifiers"])
    by_id = {c["id"]: set(c["identifiers"]) for c in world.truth["campaigns"]}
    kinds = {"phones": "phone", "emails": "email", "upi_ids": "upi", "crypto_wallets": "wallet"}
    checked = 0
    for complaint in world.complaints:
        campaign = world.complaint_truth[complaint["ref"]]
        suspect = complaint.get("suspect", {})
        for field, kind in kinds.items():
            for text in suspect.get(field, []):
                parsed = parse(kind, text, region=complaint["country"])
                assert not isinstance(parsed, Rejected), (text, parsed)
                if campaign:
                    assert parsed.key in by_id[campaign] | hubs, (text, parsed.key)
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("chain", ["btc", "eth", "trx"])
def test_generated_wallets_have_valid_checksums(chain: str) -> None:
    rng = random.Random(chain)
    for _ in range(50):
        address = ids.wallet(rng, chain)
        parsed = parse("wallet", address)
        assert not isinstance(parsed, Rejected), address
        assert parsed.details.get("confidence") == "high", address
        if chain == "btc":
            assert bitcoin.is_valid(address)


def test_unknown_chain_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chain"):
        ids.wallet(random.Random(1), "doge")


def test_legitimate_caller_ids_are_valid_and_robocalls_include_invalid_ones(world: World) -> None:
    kind = {c["call_id"]: c["kind"] for c in world.calls}
    legit = {r["calling_number"] for r in world.cdrs if kind[r["call_id"]] != "robocall"}
    e164 = [n for n in legit if n.startswith("+")]
    assert e164 and all(_valid_phone(n) for n in e164)
    assert "anonymous" in legit and any(len(n) == 10 for n in legit)  # national form too
    robo = [r["calling_number"] for r in world.cdrs if kind[r["call_id"]] == "robocall"]
    invalid = [n for n in robo if n.startswith("+") and not _valid_phone(n)]
    assert 0 < len(invalid) < len(robo) / 2
    called = {r["called_number"] for r in world.cdrs}
    assert all(_valid_phone(n) for n in called)
