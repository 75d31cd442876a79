"""Money trails: a victim's payment into a first-layer mule, layering into the operation's
collector accounts, cash-out (ATM, crypto off-ramp); and the legitimate traffic around it,
including merchants and utilities that receive from many people (hubs that are not mules)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from tracebridge.simulate import catalog, ids
from tracebridge.simulate.sinks import RowBuffer, decimal_from_cents, timestamps
from tracebridge.simulate.world import DAYS, START_EPOCH, Operation

USD_INR = 83  # the simulated year's rough rate, for USD arriving in Indian accounts
ATM_LIMIT_PAISE = 20_000_00  # ₹20,000 a card withdrawal


@dataclass
class Payment:
    """A victim's payment; the complaint names ``payee`` and this amount."""

    payer: str
    payee: str
    cents: int
    currency: str
    channel: str
    time: int
    ref: str


def bank_of(account: str | None) -> str | None:
    if account is None:
        return None
    kind, rest = account.split(":", 1)
    if kind == "IN":
        return ids.bank_of_ifsc(rest)
    if kind == "US":
        return ids.bank_of_routing(rest.split(":", 1)[0])
    if kind == "UPI":
        return ids.bank_of_upi(rest)
    return None


@dataclass
class TrailWriter:
    """Writes victim payments and their onward layering as they are generated."""

    buffer: RowBuffer
    rng: random.Random
    rows: int = 0
    cash_out_wallets: set[str] = field(default_factory=set)
    # account -> (paise received, first and last credit time): what simulate.ordinary dilutes
    received: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def row(
        self,
        time: int,
        src: str,
        dst: str | None,
        cents: int,
        currency: str,
        channel: str,
        ref: str | None = None,
        to_bank: str | None = None,
    ) -> None:
        self.rows += 1
        if dst is not None:
            paise, first, last = self.received.get(dst, (0, time, time))
            inr = cents * USD_INR if currency == "USD" else cents
            self.received[dst] = (paise + inr, min(first, time), max(last, time))
        self.buffer.add(
            (
                f"T{self.rows:011d}",
                time,
                src,
                dst,
                cents,
                currency,
                channel,
                bank_of(src),
                to_bank or bank_of(dst),
                ref,
            )
        )

    def victim_payment(self, payment: Payment, op: Operation | None) -> None:
        self.row(
            payment.time,
            payment.payer,
            payment.payee,
            payment.cents,
            payment.currency,
            payment.channel,
            payment.ref,
        )
        if payment.payee.startswith("WALLET:"):
            self._crypto_layer(payment, op)
        else:
            self._bank_layer(payment, op)

    def _bank_layer(self, payment: Payment, op: Operation | None) -> None:
        collectors = op.collectors if op else [payment.payee]
        left = payment.cents * self.rng.randint(90, 98) // 100  # the mule keeps a cut
        parts = self.rng.randint(1, 3)
        t = payment.time
        for part in range(parts):
            cents = left // parts + (left % parts if part == 0 else 0)
            t += self.rng.randint(300, 6 * 3600)
            target = self.rng.choice(collectors)
            if target == payment.payee:
                self._cash_out(target, cents, payment.currency, t)
                continue
            channel = "wire" if payment.currency == "USD" else _in_channel(cents)
            self.row(t, payment.payee, target, cents, payment.currency, channel)
            inr = cents * USD_INR if payment.currency == "USD" else cents
            self._cash_out(target, inr, "INR", t + self.rng.randint(600, 12 * 3600))

    def _cash_out(self, account: str, cents: int, currency: str, t: int) -> None:
        roll = self.rng.random()
        if roll < 0.35:
            wallet = ids.account_wallet("trx", ids.wallet(self.rng, "trx"))
            self.cash_out_wallets.add(wallet)
            self.row(
                t,
                account,
                wallet,
                cents,
                currency,
                "crypto",
                to_bank=self.rng.choice(catalog.EXCHANGES),
            )
            return
        # Cash withdrawals (ATM, or at the counter for large sums), at most three.
        count = min(3, -(-cents // ATM_LIMIT_PAISE))
        for part in range(count):
            draw = cents // count + (cents % count if part == 0 else 0)
            self.row(t, account, None, draw, currency, "atm")
            t += self.rng.randint(60, 3600)

    def _crypto_layer(self, payment: Payment, op: Operation | None) -> None:
        t = payment.time + self.rng.randint(600, 24 * 3600)
        source = payment.payee
        if op:
            consolidation = self.rng.choice(op.consolidation_wallets)
            self.row(t, source, consolidation, payment.cents, payment.currency, "crypto")
            source, t = consolidation, t + self.rng.randint(3600, 3 * 24 * 3600)
        deposit = ids.account_wallet("trx", ids.wallet(self.rng, "trx"))
        self.cash_out_wallets.add(deposit)
        self.row(
            t,
            source,
            deposit,
            payment.cents,
            payment.currency,
            "crypto",
            to_bank=self.rng.choice(catalog.EXCHANGES),
        )


def _in_channel(paise: int) -> str:
    if paise >= 2_00_000_00:  # RTGS from ₹2 lakh
        return "rtgs"
    return "imps" if paise < 50_000_00 else "neft"


# ---------------------------------------------------------------- legitimate traffic


@dataclass
class LegitPool:
    accounts: pa.Array
    banks: pa.Array
    india: int  # accounts[:india] are Indian, the rest US
    merchants: pa.Array
    merchant_banks: pa.Array
    merchant_india: int

    def keys(self) -> list[str]:
        return [str(m) for m in self.merchants.to_pylist()]


def legit_pool(seed: int, people: int) -> LegitPool:
    rng = random.Random(f"{seed}:legit-accounts")
    india = people * 7 // 10
    accounts = [_person_account(rng, country="IN" if i < india else "US") for i in range(people)]
    merchants = [ids.account_upi(f"{name}@{handle}") for name, handle in _IN_MERCHANTS]
    merchants += [ids.account_in(*ids.in_bank_account(rng, b)) for b in ("SBIN", "HDFC", "ICIC")]
    merchant_india = len(merchants)
    merchants += [ids.account_us(*ids.us_account(rng)) for _ in range(6)]
    return LegitPool(
        pa.array(accounts),
        pa.array([bank_of(a) for a in accounts]),
        india,
        pa.array(merchants),
        pa.array([bank_of(a) for a in merchants]),
        merchant_india,
    )


_IN_MERCHANTS = (
    ("bescom.billdesk", "ybl"),
    ("tatapower", "okhdfcbank"),
    ("jio.recharge", "ibl"),
    ("irctc", "okicici"),
    ("bigbasket", "ybl"),
    ("swiggy", "axl"),
    ("lic.premium", "oksbi"),
)


def _person_account(rng: random.Random, country: str) -> str:
    if country == "US":
        return ids.account_us(*ids.us_account(rng))
    if rng.random() < 0.6:
        name = f"{rng.choice(catalog.IN_NAMES[0]).lower()}{rng.randint(100, 99999)}"
        return ids.account_upi(ids.upi_id(rng, name))
    return ids.account_in(*ids.in_bank_account(rng))


def legit_batch(pool: LegitPool, rng: np.random.Generator, first_id: int, n: int) -> dict[str, Any]:
    """``n`` legitimate payments: people paying merchants and utilities, and each other."""
    india = rng.random(n) < 0.7
    people = len(pool.accounts)
    src = np.where(
        india,
        rng.integers(0, max(pool.india, 1), n),
        rng.integers(pool.india, people, n) if people > pool.india else 0,
    )
    to_merchant = rng.random(n) < 0.6
    zipf = np.minimum(rng.zipf(1.6, n) - 1, 1_000_000)
    merchant = np.where(
        india,
        zipf % pool.merchant_india,
        pool.merchant_india + zipf % (len(pool.merchants) - pool.merchant_india),
    )
    peer = np.where(india, rng.integers(0, max(pool.india, 1), n), src)
    median = np.where(india, 1500_00, 80_00)
    cents = np.maximum(100, (median * rng.lognormal(0, 1.0, n)).astype(np.int64))
    to_acct = pa.chunked_array([pool.merchants.take(pa.array(merchant))]).combine_chunks()
    to_bank = pool.merchant_banks.take(pa.array(merchant))
    peer_mask = pa.array(~to_merchant & india)
    src_acct = pool.accounts.take(pa.array(src))
    channel = np.where(india, np.where(cents < 1_00_000_00, "upi", "neft"), "card")
    return {
        "txn_id": [f"T{i:011d}" for i in range(first_id, first_id + n)],
        "time": timestamps(START_EPOCH + rng.integers(0, DAYS * 86400, n)),
        "from_account": src_acct,
        "to_account": pa.compute.if_else(peer_mask, pool.accounts.take(pa.array(peer)), to_acct),
        "amount": decimal_from_cents(cents),
        "currency": np.where(india, "INR", "USD").tolist(),
        "channel": channel.tolist(),
        "from_bank": pool.banks.take(pa.array(src)),
        "to_bank": pa.compute.if_else(peer_mask, pool.banks.take(pa.array(peer)), to_bank),
        "complaint_ref": pa.nulls(n, pa.string()),
    }
