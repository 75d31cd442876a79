"""The truth agrees with the files: campaigns, complaints, calls, money, hubs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

from tracebridge.identifiers import Rejected, extract, parse, parse_account_key, parse_key

from .conftest import World

KIND_OF_FIELD = {
    "phones": "phone",
    "emails": "email",
    "urls": "url",
    "upi_ids": "upi",
    "crypto_wallets": "wallet",
}


def _narrative_keys(complaint: dict[str, object]) -> set[str]:
    found = extract(str(complaint["narrative"]), region=str(complaint["country"]))
    keys = {f.identifier.key for f in found}
    return keys | {
        "domain:" + f.identifier.details["domain"] for f in found if f.identifier.kind == "url"
    }


def _keys(complaint: dict[str, object]) -> set[str]:
    """Canonical keys a complaint names in its structured suspect fields."""
    suspect = complaint.get("suspect", {})
    assert isinstance(suspect, dict)
    keys: set[str] = set()
    for field, kind in KIND_OF_FIELD.items():
        for text in suspect.get(field, []):
            parsed = parse(kind, text, region=str(complaint["country"]))
            if not isinstance(parsed, Rejected):
                keys.add(parsed.key)
                if kind == "url":
                    keys.add("domain:" + parsed.details.get("domain", ""))
    for item in suspect.get("bank_accounts", []):
        bank = f"IN:{item['ifsc']}" if "ifsc" in item else f"US:{item['routing']}"
        keys.add(f"bank:{bank}:{item['account']}")
    return keys


def test_truth_json_has_the_agreed_keys(world: World) -> None:
    truth = world.truth
    assert {
        "seed",
        "scale",
        "campaigns",
        "complaints",
        "mule_accounts",
        "hub_identifiers",
        "no_identifier_refs",
    } <= set(truth)
    assert truth["complaints"] == world.complaint_truth
    assert set(world.complaint_truth) == {c["ref"] for c in world.complaints}
    for campaign in truth["campaigns"]:
        assert {"id", "operation", "scam_types", "countries", "identifiers"} <= set(campaign)


def test_most_campaigns_are_cross_border_and_some_complaints_are_one_offs(world: World) -> None:
    campaigns = world.truth["campaigns"]
    assert len(campaigns) >= 12
    assert sum(c["countries"] == ["IN", "US"] for c in campaigns) > len(campaigns) / 2
    owners = Counter(world.complaint_truth.values())
    assert owners[None] > 0 and len(owners) > 10


def test_no_identifier_complaints_name_nothing(world: World) -> None:
    refs = set(world.truth["no_identifier_refs"])
    assert 0.05 * len(world.complaints) < len(refs) < 0.25 * len(world.complaints)
    for complaint in world.complaints:
        if complaint["ref"] in refs:
            assert set(complaint.get("suspect", {})) <= {"names"}
            assert not re.search(r"\d{6,}|@|\[\.\]|www\.|https?://", complaint["narrative"])


def test_campaign_complaints_only_name_their_campaign_or_hubs(world: World) -> None:
    hubs = set(world.truth["hub_identifiers"])
    by_id = {c["id"]: set(c["identifiers"]) for c in world.truth["campaigns"]}
    for complaint in world.complaints:
        campaign = world.complaint_truth[complaint["ref"]]
        if campaign:
            named = {k for k in _keys(complaint) if not k.startswith("url:")}
            assert named <= by_id[campaign] | hubs, complaint["ref"]


def test_hub_identifiers_are_named_across_unrelated_campaigns(world: World) -> None:
    seen: defaultdict[str, set[str]] = defaultdict(set)
    for complaint in world.complaints:
        for key in _keys(complaint):
            seen[key].add(world.complaint_truth[complaint["ref"]] or "one-off")
    hubs = set(world.truth["hub_identifiers"])
    assert any(len(seen[h]) >= 2 for h in hubs)
    # ...while no campaign identifier is named by complaints of another campaign.
    for key, owners in seen.items():
        if key not in hubs and not key.startswith(("url:", "domain:")):
            assert len(owners - {"one-off"}) <= 1, (key, owners)


def _components(complaints: list[set[str]]) -> list[int]:
    parent = list(range(len(complaints)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, keys in enumerate(complaints):
        for key in keys:
            parent[find(i)] = find(first.setdefault(key, i))
    return list(Counter(find(i) for i in range(len(complaints))).values())


def test_campaigns_are_linkable_through_rotating_infrastructure(world: World) -> None:
    """Excluding hubs, most identified complaints of a campaign form one linked group,
    although infrastructure rotates and no two complaints need share everything."""
    hubs = set(world.truth["hub_identifiers"])
    groups: defaultdict[str, list[set[str]]] = defaultdict(list)
    for complaint in world.complaints:
        campaign = world.complaint_truth[complaint["ref"]]
        keys = {
            k
            for k in _keys(complaint) | _narrative_keys(complaint)
            if k not in hubs
            and k.startswith(("phone:", "email:", "upi:", "bank:", "wallet:", "domain:"))
        }
        if campaign and keys:
            groups[campaign].append(keys)
    big = [c for c, members in groups.items() if len(members) >= 30]
    assert big
    for campaign in big:
        sizes = _components(groups[campaign])
        assert max(sizes) >= 0.6 * len(groups[campaign]), (campaign, sorted(sizes)[-5:])


def test_first_hops_agree_with_complaint_losses(world: World) -> None:
    by_ref = {c["ref"]: c for c in world.complaints}
    mules = set(world.truth["mule_accounts"])
    first_hops = [t for t in world.txns if t["complaint_ref"]]
    assert len(first_hops) > 0.3 * len(world.complaints)
    assert len({t["complaint_ref"] for t in first_hops}) == len(first_hops)
    for txn in first_hops:
        complaint = by_ref[txn["complaint_ref"]]
        loss = complaint["loss"]
        assert txn["amount"] == Decimal(loss["amount"]) and txn["currency"] == loss["currency"]
        assert txn["to_account"] in mules
        payee = parse_account_key(txn["to_account"])
        assert not isinstance(payee, Rejected)
        assert payee.key in _keys(complaint), (txn, complaint.get("suspect"))


def test_money_is_layered_onward_from_first_layer_mules(world: World) -> None:
    mules = set(world.truth["mule_accounts"])
    received = {t["to_account"] for t in world.txns if t["complaint_ref"]}
    onward = [t for t in world.txns if t["from_account"] in received and not t["complaint_ref"]]
    assert len(onward) >= len(received)
    assert {t["channel"] for t in world.txns if t["from_account"] in mules} >= {"atm", "crypto"}
    legit = set(world.truth["legit_accounts"])
    assert legit and not legit & mules
    inbound = Counter(t["to_account"] for t in world.txns if t["to_account"] in legit)
    assert max(inbound.values()) > 50  # merchants and utilities receive from many


def test_mule_and_campaign_keys_are_canonical(world: World) -> None:
    for account in world.truth["mule_accounts"]:
        assert not isinstance(parse_account_key(account), Rejected), account
    for key in world.truth["hub_identifiers"]:
        assert not isinstance(parse_key(key), Rejected), key


def test_call_truth_matches_cdrs(world: World) -> None:
    ids = {c["id"] for c in world.truth["campaigns"]}
    calls = {c["call_id"]: c for c in world.calls}
    assert len(calls) == len(world.calls) == world.summary.calls
    assert {r["call_id"] for r in world.cdrs} == set(calls)
    kinds = Counter(c["kind"] for c in world.calls)
    assert set(kinds) == {"legit", "reminder", "robocall"}
    for call in world.calls:
        assert (call["campaign_id"] is None) == (call["kind"] != "robocall")
        assert call["campaign_id"] is None or call["campaign_id"] in ids
