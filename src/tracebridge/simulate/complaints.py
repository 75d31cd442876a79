"""Complaints in the canonical JSON Lines form, and the victim payments behind them.

A complaint of a campaign names a few of the identifiers live in that campaign's current
rotation, written messily, some only in the narrative; some complaints name none at all;
many name the legitimate helplines and sites the scammers impersonated.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from itertools import accumulate
from typing import Any, TextIO, TypeVar

from tracebridge.simulate import catalog, ids, messy, narratives
from tracebridge.simulate.money import Payment, TrailWriter
from tracebridge.simulate.world import DAYS, START_EPOCH, Campaign, Epoch, World

T = TypeVar("T")
IST = timezone(timedelta(hours=5, minutes=30))
SOURCES = {
    "US": (("FTC", 0.55), ("IC3", 0.35), ("PORTAL", 0.1)),
    "IN": (("NCRP", 0.85), ("PORTAL", 0.15)),
}
TRAILED = {"upi", "bank_transfer", "wire", "crypto"}
PHONE_CHANNELS = {"phone_call", "robocall", "sms", "whatsapp"}


@dataclass
class ComplaintStats:
    written: int = 0
    no_identifier_refs: list[str] = field(default_factory=list)
    one_off_accounts: set[str] = field(default_factory=set)
    per_source: dict[str, int] = field(default_factory=dict)


@dataclass
class Draft:
    """What one complaint says, before it is written."""

    ref: str
    source: str
    country: str
    scam_type: str
    channel: str
    time: int
    lang: str
    suspect: dict[str, list[Any]] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)


def favourite(rng: random.Random, items: Sequence[T]) -> T:
    """Earlier items (those carried over from the last rotation) are used most: the number
    printed on this month's pop-up reaches more victims than a spare one."""
    return rng.choices(items, cum_weights=_CUMULATIVE[: len(items)])[0]


_CUMULATIVE = list(accumulate(1 / (i + 1) ** 1.5 for i in range(64)))


def pick(rng: random.Random, mix: catalog.Mix) -> str:
    return rng.choices([k for k, _ in mix], [w for _, w in mix])[0]


class ComplaintWriter:
    def __init__(self, world: World, seed: int, trail: TrailWriter) -> None:
        self.world = world
        self.rng = random.Random(f"{seed}:complaints")
        self.trail = trail
        self.stats = ComplaintStats()
        self.knobs = world.knobs
        self._weights = [c.weight for c in world.campaigns]

    def write(
        self, out: TextIO, truth: TextIO, n: int, progress: Callable[[int], None] | None = None
    ) -> ComplaintStats:
        truth.write("ref,campaign_id\n")
        for i in range(n):
            record, campaign_id = self.one()
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            truth.write(f"{record['ref']},{campaign_id or ''}\n")
            if progress and (i + 1) % 2000 == 0:
                progress(2000)
        if progress:
            progress(n % 2000)
        return self.stats

    def one(self) -> tuple[dict[str, Any], str | None]:
        rng = self.rng
        campaign = None
        if rng.random() >= self.knobs.one_off_share:
            campaign = rng.choices(self.world.campaigns, self._weights)[0]
        country, scam_type, day = self._what(campaign)
        draft = self._draft(country, scam_type, day)
        no_identifier = rng.random() < self.knobs.no_identifier_share
        epoch = campaign.epoch_at(day) if campaign else self._one_off_epoch(country, scam_type)
        if no_identifier:
            self.stats.no_identifier_refs.append(draft.ref)
        else:
            self._name_contacts(draft, epoch)
            if rng.random() < self.knobs.trap_share:
                self._name_trap(draft)
        loss = self._loss(draft, epoch, campaign, no_identifier)
        return self._record(draft, loss), campaign.id if campaign else None

    def _what(self, campaign: Campaign | None) -> tuple[str, str, int]:
        rng = self.rng
        if campaign is None:
            country = rng.choice(("US", "IN"))
            mix = catalog.US_SCAMS if country == "US" else catalog.IN_SCAMS
            return country, pick(rng, mix), rng.randint(0, DAYS - 1)
        country = rng.choice(campaign.countries)
        return (
            country,
            rng.choice(campaign.scam_types[country]),
            rng.randint(campaign.start_day, campaign.end_day),
        )

    def _draft(self, country: str, scam_type: str, day: int) -> Draft:
        rng = self.rng
        source = pick(rng, SOURCES[country])
        seq = self.stats.per_source.get(source, 0) + 1
        self.stats.per_source[source] = seq
        lang = "hi" if country == "IN" and rng.random() < 0.35 else "en"
        draft = Draft(
            _ref(source, seq),
            source,
            country,
            scam_type,
            pick(rng, catalog.CHANNELS[scam_type]),
            START_EPOCH + day * 86400 + rng.randint(0, 86399),
            lang,
        )
        alias = rng.choice(catalog.ALIAS_NAMES)
        draft.sentences.append(narratives.opening(rng, scam_type, lang, alias))
        if rng.random() < 0.4:
            draft.suspect["names"] = [alias]
        return draft

    def _one_off_epoch(self, country: str, scam_type: str) -> Epoch:
        rng = self.rng
        epoch = Epoch(
            0,
            phones=[ids.in_mobile(rng) if country == "IN" else ids.us_line(rng)],
            emails=[f"{ids.mailbox(rng)}@{rng.choice(catalog.FREE_MAIL)}"],
            upi_ids=[ids.upi_id(rng, f"pay{rng.randint(1000, 999999)}")],
            wallets=[("btc", ids.wallet(rng, "btc"))],
        )
        theme = scam_type if scam_type in catalog.DOMAIN_WORDS else "job_offer"
        epoch.domains.append(ids.scam_domain(rng, theme))
        epoch.in_accounts.append(ids.in_bank_account(rng))
        epoch.us_accounts.append(ids.us_account(rng))
        return epoch

    def _place(
        self, draft: Draft, field_name: str, kind: str, structured: Any, written: str
    ) -> None:
        """Structured field, narrative, or both (victims repeat themselves)."""
        roll = self.rng.random()
        if roll < self.knobs.structured_below:
            draft.suspect.setdefault(field_name, []).append(structured)
        if roll >= self.knobs.narrative_from:
            draft.sentences.append(narratives.mention(self.rng, kind, draft.lang, written))

    def _name_contacts(self, draft: Draft, epoch: Epoch) -> None:
        rng, extra = self.rng, self.knobs.extra_contacts
        phones = [p for p in epoch.phones if p.startswith("+1" if draft.country == "US" else "+91")]
        wants_phone = draft.channel in PHONE_CHANNELS or rng.random() < 0.3 * extra
        if phones and wants_phone:
            number = favourite(rng, phones)
            written = messy.phone(rng, number)
            self._place(draft, "phones", "phone", written, written)
        if epoch.domains and (
            draft.channel in {"website", "app", "social_media"} or rng.random() < 0.3 * extra
        ):
            written = messy.url(rng, favourite(rng, epoch.domains))
            self._place(draft, "urls", "url", written, written)
        if epoch.emails and (draft.channel == "email" or rng.random() < 0.2 * extra):
            address = favourite(rng, epoch.emails)
            written = messy.email(rng, address)
            self._place(draft, "emails", "email", written, messy.email_in_text(rng, address))
        if epoch.links and rng.random() < self.knobs.shared_link_share:
            link = favourite(rng, epoch.links)
            self._place(draft, "urls", "url", link, link.removeprefix("https://"))

    def _name_trap(self, draft: Draft) -> None:
        rng = self.rng
        phones = [
            p
            for p in catalog.TRAP_PHONES.get(draft.scam_type, ())
            if p.startswith("+1" if draft.country == "US" else "+91")
        ]
        domains = catalog.TRAP_DOMAINS.get(draft.scam_type, ())
        if phones and (not domains or rng.random() < 0.6):
            written = messy.phone(rng, rng.choice(phones))
            self._place(draft, "phones", "trap_phone", written, written)
        elif domains:
            written = messy.url(rng, rng.choice(domains))
            self._place(draft, "urls", "url", written, written)

    def _loss(
        self, draft: Draft, epoch: Epoch, campaign: Campaign | None, no_identifier: bool
    ) -> dict[str, str] | None:
        rng = self.rng
        if rng.random() < 0.2:
            return None  # reported an attempt, paid nothing
        payments = catalog.US_PAYMENTS if draft.country == "US" else catalog.IN_PAYMENTS
        method = pick(rng, payments.get(draft.scam_type, payments["default"]))
        if no_identifier and method in TRAILED:
            method = "gift_card" if draft.country == "US" else "card"
        currency = "USD" if draft.country == "US" else "INR"
        cents = _amount_cents(rng, draft.country, draft.scam_type, method)
        if method in TRAILED:
            self._pay(draft, epoch, campaign, method, cents, currency)
        if method != "gift_card" or rng.random() < 0.5:
            written = messy.amount(cents, currency)
            draft.sentences.append(narratives.payment(method, draft.lang, written))
        return {
            "amount": f"{cents // 100}.{cents % 100:02d}",
            "currency": currency,
            "payment_method": method,
        }

    def _pay(
        self,
        draft: Draft,
        epoch: Epoch,
        campaign: Campaign | None,
        method: str,
        cents: int,
        currency: str,
    ) -> None:
        """The payee goes into the structured suspect fields, exactly as the bank knows it."""
        rng = self.rng
        payer = _victim_account(rng, draft.country, method)
        if method == "upi":
            vpa = favourite(rng, epoch.upi_ids)
            payee, channel = ids.account_upi(vpa), "upi"
            draft.suspect.setdefault("upi_ids", []).append(vpa)
        elif method == "crypto":
            chain, address = favourite(rng, epoch.wallets)
            payee, channel = ids.account_wallet(chain, address), "crypto"
            draft.suspect.setdefault("crypto_wallets", []).append(address)
        elif draft.country == "US" and epoch.us_accounts and rng.random() < 0.6:
            routing, account = favourite(rng, epoch.us_accounts)
            payee, channel = ids.account_us(routing, account), "wire"
            draft.suspect.setdefault("bank_accounts", []).append(
                {"routing": routing, "account": account}
            )
        else:
            ifsc, account = favourite(rng, epoch.in_accounts)
            payee = ids.account_in(ifsc, account)
            channel = "wire" if currency == "USD" else ("imps" if cents < 2_00_000_00 else "rtgs")
            draft.suspect.setdefault("bank_accounts", []).append({"ifsc": ifsc, "account": account})
        if campaign is None:
            self.stats.one_off_accounts.add(payee)
        when = draft.time - rng.randint(3600, 5 * 86400)
        self.trail.victim_payment(
            Payment(payer, payee, cents, currency, channel, when, draft.ref),
            campaign.operation if campaign else None,
        )

    def _record(self, draft: Draft, loss: dict[str, str] | None) -> dict[str, Any]:
        rng = self.rng
        received = datetime.fromtimestamp(draft.time, UTC)
        if draft.country == "IN":
            received = received.astimezone(IST)
        incident = received - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 12))
        record: dict[str, Any] = {
            "ref": draft.ref,
            "source": draft.source,
            "country": draft.country,
            "received_at": received.isoformat().replace("+00:00", "Z"),
            "incident_at": incident.date().isoformat()
            if rng.random() < 0.6
            else incident.isoformat(timespec="minutes").replace("+00:00", "Z"),
            "channel": draft.channel,
            "scam_type": draft.scam_type,
            "narrative": " ".join(draft.sentences),
            "victim": _victim(rng, draft.country),
            "tlp": "GREEN" if draft.source == "PORTAL" and rng.random() < 0.2 else "AMBER",
        }
        if loss:
            record["loss"] = loss
        if draft.suspect:
            record["suspect"] = draft.suspect
        return record


def _ref(source: str, seq: int) -> str:
    if source == "FTC":
        return str(150_000_000 + seq)
    if source == "IC3":
        # An odd multiplier is a bijection mod 2**48: unique, and looks like IC3's hex ids.
        return f"I{(seq * 0x9E3779B97F4B) % (1 << 48):012X}"
    if source == "NCRP":
        return str(31_500_000_000_000 + seq)
    return f"TB-{seq:08d}"


def _amount_cents(rng: random.Random, country: str, scam_type: str, method: str) -> int:
    table = catalog.US_LOSS if country == "US" else catalog.IN_LOSS
    median, sigma = table.get(scam_type, table["default"])
    amount = median * rng.lognormvariate(0, sigma)
    if method == "gift_card":
        return max(1, round(amount / 100)) * 100_00  # cards come in hundreds
    return max(100_00, round(amount * 100))


def _victim_account(rng: random.Random, country: str, method: str) -> str:
    if method == "crypto":
        return ids.account_wallet("btc", ids.wallet(rng, "btc"))  # bought at a Bitcoin ATM
    if country == "US":
        return ids.account_us(*ids.us_account(rng))
    if method == "upi":
        first = rng.choice(catalog.IN_NAMES[0]).lower()
        return ids.account_upi(ids.upi_id(rng, f"{first}{rng.randint(100, 99999)}"))
    return ids.account_in(*ids.in_bank_account(rng))


def _victim(rng: random.Random, country: str) -> dict[str, str]:
    firsts, lasts = catalog.US_NAMES if country == "US" else catalog.IN_NAMES
    first, last = rng.choice(firsts), rng.choice(lasts)
    victim = {"name": f"{first} {last}", "age_band": pick(rng, catalog.AGE_BANDS)}
    if country == "US":
        state, _, city = rng.choice(catalog.US_STATES)
        victim["phone"] = ids.us_line(rng)
    else:
        state, city = rng.choice(catalog.IN_STATES)
        victim["phone"] = ids.in_mobile(rng)
    victim.update(city=city, state=state)
    if rng.random() < 0.5:
        victim["email"] = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com"
    return victim
