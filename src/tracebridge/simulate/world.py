"""Scam operations, their campaigns and the infrastructure each campaign rotates through.

The world is small (tens to hundreds of campaigns) and built in memory; the big streams
(complaints, calls, transactions) draw from it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tracebridge.simulate import catalog, ids
from tracebridge.simulate.knobs import DEFAULT, Knobs

DAYS = 365
START_EPOCH = 1764374400  # 2025-11-29T00:00:00Z: the simulated year ends the day before this
# project's demo date (2026-11-29), so the demo world looks current; fixed, so bytes stay stable

# playbook -> (victim country -> scam types, where such operations sit, wallet chain)
PLAYBOOKS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[tuple[str, str], ...], str]] = {
    "tech_support": (
        {"US": ("tech_support",), "IN": ("tech_support",)},
        (("IN", "Kolkata"), ("IN", "Noida"), ("IN", "Gurugram")),
        "btc",
    ),
    "impersonation": (
        {"US": ("government_impersonation",), "IN": ("digital_arrest",)},
        (("IN", "Ahmedabad"), ("IN", "Mumbai")),
        "btc",
    ),
    "investment": (
        {"US": ("investment",), "IN": ("investment", "demat_stock_tips")},
        (("KH", "Sihanoukville"), ("IN", "Mumbai")),
        "trx",
    ),
    "customer_care": (
        {"US": ("customer_care",), "IN": ("customer_care",)},
        (("IN", "Noida"), ("IN", "Kolkata")),
        "btc",
    ),
    "jobs": (
        {"US": ("job_offer",), "IN": ("job_offer", "betting_gaming")},
        (("KH", "Phnom Penh"),),
        "trx",
    ),
    "kyc": (
        {"IN": ("kyc_update", "utility", "upi_collect", "sim_swap", "aeps")},
        (("IN", "Jamtara"), ("IN", "Nuh")),
        "trx",
    ),
    "loan_app": ({"IN": ("loan_app",)}, (("IN", "Bengaluru"),), "trx"),
    "romance": ({"US": ("romance",), "IN": ("sextortion", "bec")}, (("NG", "Lagos"),), "eth"),
    "lottery": ({"US": ("lottery_prize",)}, (("JM", "Montego Bay"),), "btc"),
    "debt_relief": ({"US": ("debt_relief",)}, (("US", "Miami"),), "btc"),
}
# The order campaigns are created in: most are cross-border, as the issue asks.
PLAYBOOK_CYCLE = (
    "tech_support",
    "impersonation",
    "investment",
    "customer_care",
    "jobs",
    "tech_support",
    "impersonation",
    "kyc",
    "loan_app",
    "romance",
    "lottery",
    "debt_relief",
)
THEME = {
    "impersonation": "government_impersonation",
    "kyc": "kyc_update",
    "jobs": "job_offer",
    "lottery": "lottery_prize",
    "debt_relief": "customer_care",
}


@dataclass
class Epoch:
    """One rotation of a campaign's infrastructure, live from ``start_day`` on."""

    start_day: int
    phones: list[str] = field(default_factory=list)  # E.164
    domains: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    upi_ids: list[str] = field(default_factory=list)
    in_accounts: list[tuple[str, str]] = field(default_factory=list)  # (ifsc, account)
    us_accounts: list[tuple[str, str]] = field(default_factory=list)  # (routing, account)
    wallets: list[tuple[str, str]] = field(default_factory=list)  # (chain, address)
    links: list[str] = field(default_factory=list)  # shared-host links (Knobs.shared_link_share)


@dataclass
class Operation:
    id: str
    country: str
    city: str
    # Second-layer accounts that collect from every campaign's first-layer mules.
    collectors: list[str] = field(default_factory=list)
    consolidation_wallets: list[str] = field(default_factory=list)


@dataclass
class Campaign:
    id: str
    operation: Operation
    playbook: str
    scam_types: dict[str, tuple[str, ...]]
    start_day: int
    end_day: int
    weight: float
    chain: str
    epochs: list[Epoch] = field(default_factory=list)

    @property
    def countries(self) -> list[str]:
        return sorted(self.scam_types)

    @property
    def theme(self) -> str:
        return THEME.get(self.playbook, self.playbook)

    def epoch_at(self, day: int) -> Epoch:
        current = self.epochs[0]
        for epoch in self.epochs:
            if epoch.start_day <= day:
                current = epoch
        return current

    def identifier_keys(self) -> list[str]:
        keys: set[str] = set()
        for epoch in self.epochs:
            keys.update(ids.key_phone(p) for p in epoch.phones)
            keys.update(ids.key_domain(d) for d in epoch.domains)
            keys.update(ids.key_email(e) for e in epoch.emails)
            keys.update(ids.key_upi(u) for u in epoch.upi_ids)
            keys.update(f"bank:{ids.account_in(*a)}" for a in epoch.in_accounts)
            keys.update(f"bank:{ids.account_us(*a)}" for a in epoch.us_accounts)
            keys.update(ids.key_wallet(c, a) for c, a in epoch.wallets)
            keys.update(f"url:{link}" for link in epoch.links)
        return sorted(keys)


@dataclass
class World:
    seed: int
    operations: list[Operation]
    campaigns: list[Campaign]
    reminder_callers: list[str]
    knobs: Knobs = DEFAULT

    def mule_accounts(self) -> list[str]:
        """Account keys (transaction-file form) that scammers control."""
        keys: set[str] = set()
        for op in self.operations:
            keys.update(op.collectors)
            keys.update(op.consolidation_wallets)
        for campaign in self.campaigns:
            for e in campaign.epochs:
                keys.update(ids.account_upi(u) for u in e.upi_ids)
                keys.update(ids.account_in(*a) for a in e.in_accounts)
                keys.update(ids.account_us(*a) for a in e.us_accounts)
                keys.update(ids.account_wallet(c, a) for c, a in e.wallets)
        return sorted(keys)


def campaign_count(complaints: int) -> int:
    """About 12 campaigns for the small world, growing slowly with size (heavy tails)."""
    growth: float = (max(complaints, 1) / 600) ** 0.35
    return max(12, round(12 * growth))


def build(seed: int, complaints: int, knobs: Knobs = DEFAULT) -> World:
    rng = random.Random(f"{seed}:world")
    operations: list[Operation] = []
    campaigns: list[Campaign] = []
    taken: set[str] = set()  # no identifier serves two campaigns by accident
    count = knobs.campaigns or campaign_count(complaints)
    for index in range(count):
        playbook = PLAYBOOK_CYCLE[index % len(PLAYBOOK_CYCLE)]
        op = _operation_for(rng, playbook, operations)
        campaigns.append(_campaign(rng, f"CMP-{index + 1:04d}", op, playbook, taken, knobs))
    reminders = [ids.us_toll_free(rng), ids.us_line(rng), ids.us_toll_free(rng)]
    return World(seed, operations, campaigns, reminders, knobs)


def _operation_for(rng: random.Random, playbook: str, operations: list[Operation]) -> Operation:
    bases = PLAYBOOKS[playbook][1]
    same_base = [op for op in operations if (op.country, op.city) in bases]
    if same_base and rng.random() < 0.4:
        return rng.choice(same_base)  # one call centre running several playbooks
    country, city = rng.choice(bases)
    op = Operation(f"OP-{len(operations) + 1:03d}", country, city)
    for _ in range(rng.randint(2, 4)):
        bank = rng.choice(catalog.FOREIGN_ACCOUNT_BANKS)
        op.collectors.append(ids.account_in(*ids.in_bank_account(rng, bank)))
    op.consolidation_wallets.append(ids.account_wallet("trx", ids.wallet(rng, "trx")))
    op.consolidation_wallets.append(ids.account_wallet("btc", ids.wallet(rng, "btc")))
    operations.append(op)
    return op


def _campaign(
    rng: random.Random, cid: str, op: Operation, playbook: str, taken: set[str], knobs: Knobs
) -> Campaign:
    start = rng.randint(0, DAYS - 90)
    end = min(DAYS - 1, start + rng.randint(90, 365))
    weight = min(rng.paretovariate(knobs.size_shape), knobs.size_cap)  # few big, many small
    campaign = Campaign(
        cid, op, playbook, PLAYBOOKS[playbook][0], start, end, weight, PLAYBOOKS[playbook][2]
    )
    day, previous = start, None
    while day <= end:
        previous = _epoch(rng, campaign, day, previous, taken, knobs)
        campaign.epochs.append(previous)
        day += rng.randint(40, 100)
    return campaign


def _epoch(
    rng: random.Random,
    campaign: Campaign,
    day: int,
    previous: Epoch | None,
    taken: set[str],
    knobs: Knobs,
) -> Epoch:
    """New infrastructure, keeping up to ``knobs.carry_over`` items of each kind."""
    countries, theme = campaign.countries, campaign.theme

    def new(make: Callable[[], Any], count: int = 1) -> list[Any]:
        items = []
        for _ in range(count):
            item = make()
            while str(item) in taken:
                item = make()
            taken.add(str(item))
            items.append(item)
        return items

    domains = new(lambda: ids.scam_domain(rng, theme)) if theme in catalog.DOMAIN_WORDS else []
    fresh: dict[str, list[Any]] = {
        "phones": new(
            lambda: ids.us_toll_free(rng) if rng.random() < 0.5 else ids.us_line(rng),
            _n(countries, "US", 2),
        )
        + new(lambda: ids.in_mobile(rng), _n(countries, "IN", 2)),
        "domains": domains,
        "emails": new(lambda: _email(rng, domains)),
        "upi_ids": new(lambda: ids.upi_id(rng, _handle_name(rng)), _n(countries, "IN", 2)),
        "in_accounts": new(lambda: ids.in_bank_account(rng), 2),
        "us_accounts": new(lambda: ids.us_account(rng), _n(countries, "US", 1)),
        "wallets": new(lambda: (campaign.chain, ids.wallet(rng, campaign.chain))),
    }
    if knobs.shared_link_share > 0:  # no draws otherwise: the default world's bytes stay
        fresh["links"] = new(lambda: ids.shared_link(rng, fresh["phones"]))
    epoch = Epoch(day)
    for kind, items in fresh.items():
        kept = getattr(previous, kind) if previous else []
        carried = rng.sample(kept, min(knobs.carry_over, len(kept)))  # rotation replaces some
        getattr(epoch, kind).extend(carried + items)
    return epoch


def _n(countries: list[str], country: str, count: int) -> int:
    return count if country in countries else 0


def _handle_name(rng: random.Random) -> str:
    first = rng.choice(catalog.IN_NAMES[0]).lower()
    return f"{first}{rng.choice(['', '.', '_'])}{rng.randint(10, 9999)}"


def _email(rng: random.Random, domains: list[str]) -> str:
    if domains and rng.random() < 0.5:
        return f"{rng.choice(catalog.ALIAS_ROLE)}@{domains[0]}"
    return f"{ids.mailbox(rng)}@{rng.choice(catalog.FREE_MAIL)}"


def hub_identifiers() -> list[str]:
    """Legitimate identifiers victims name across unrelated campaigns: never a link."""
    keys = {ids.key_phone(p) for phones in catalog.TRAP_PHONES.values() for p in phones}
    keys |= {ids.key_domain(d) for doms in catalog.TRAP_DOMAINS.values() for d in doms}
    keys |= {ids.key_domain(d) for d in catalog.FREE_MAIL}
    return sorted(keys)


def day_iso(day: int) -> str:
    return datetime.fromtimestamp(START_EPOCH + day * 86400, UTC).date().isoformat()
