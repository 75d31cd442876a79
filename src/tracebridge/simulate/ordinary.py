"""Ordinary money around the mules (issue 19): mules that also live an ordinary life, and
legitimate accounts that look like mules.

A rented or recruited account is rarely used for fraud alone: its owner's salary arrives, rent,
bills and shopping leave, friends are paid small sums. That life dilutes what the fraud money
shows (the share of the inflow that leaves within hours, the share paid by other mules). And
some honest accounts pass money through as mules do: a family account that forwards what a
relative sends, a trader who pays suppliers from the day's takings, a payment aggregator that
settles to its merchants daily. Both are written only when their knobs are set
(``Knobs.ordinary_mule_share``, ``Knobs.lookalike_share``), from a random stream of their own,
so the default world keeps its bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tracebridge.simulate import ids
from tracebridge.simulate.knobs import Knobs
from tracebridge.simulate.money import USD_INR, LegitPool, TrailWriter
from tracebridge.simulate.world import DAYS, START_EPOCH

DAY = 86_400
MONTH = 30 * DAY
END = START_EPOCH + DAYS * DAY  # the simulated year is [START_EPOCH, END)
# Where an ordinary life's money goes: (share of what is spent, payments a month, kind).
SPENDING = ((0.35, 1, "rent"), (0.15, 2, "bills"), (0.3, 3, "shopping"), (0.2, 2, "people"))


@dataclass
class Life:
    """One mule account's ordinary life: when it runs, and what comes in a month."""

    account: str
    currency: str
    start: int
    end: int
    monthly_in: int  # cents of the account's currency


def write(
    trail: TrailWriter, mules: list[str], knobs: Knobs, pool: LegitPool, seed: int
) -> list[str]:
    """Write the ordinary lives and the look-alikes; returns the look-alike accounts (legit).
    ``mules`` are the scammers' accounts; those of a bank the fraud money reached may live."""
    rng = random.Random(f"{seed}:ordinary")
    eligible = [a for a in mules if a in trail.received and _bank(a)]
    lives = [_life(trail, a, knobs.ordinary_volume) for a in eligible
             if rng.random() < knobs.ordinary_mule_share]  # fmt: skip
    people = [str(a) for a in pool.accounts.to_pylist()[: max(pool.india, 1)]]
    shops = pool.keys()[: pool.merchant_india]
    for life in lives:
        _live(trail, rng, life, people, shops)
    count = round(knobs.lookalike_share * len(eligible))
    return [_lookalike(trail, rng, k, lives, people) for k in range(count)]


def _bank(account: str) -> bool:
    return account.startswith(("IN:", "UPI:", "US:"))


def _life(trail: TrailWriter, account: str, volume: float) -> Life:
    """The life spans the fraud's months and one either side; it brings in ``volume`` times
    the fraud money over that span."""
    inr, first, last = trail.received[account]
    start = max(START_EPOCH, first - MONTH)
    end = min(END - MONTH, last + MONTH)
    months = max(1, (end - start) // MONTH)
    currency = "USD" if account.startswith("US:") else "INR"
    cents = inr // USD_INR if currency == "USD" else inr
    return Life(account, currency, start, end, max(100_00, int(volume * cents / months)))


def _live(
    trail: TrailWriter, rng: random.Random, life: Life, people: list[str], shops: list[str]
) -> None:
    """Salary (three quarters) and money from people in; rent, bills, shopping and people out."""
    employer = _new_account(rng, life.currency)
    usd = life.currency == "USD"
    for month_start in range(life.start, life.end, MONTH):
        pay = int(life.monthly_in * rng.uniform(0.7, 0.8))
        trail.row(month_start + rng.randint(0, DAY), employer, life.account, pay, life.currency,
                  "wire" if usd else "neft")  # fmt: skip
        gift = life.monthly_in - pay
        trail.row(_during(rng, month_start), rng.choice(people), life.account, gift,
                  life.currency, "wire" if usd else "upi")  # fmt: skip
        spent = life.monthly_in * rng.uniform(0.6, 0.95)
        for share, count, kind in SPENDING:
            for _ in range(count):
                to = rng.choice(shops if kind in ("bills", "shopping") else people)
                cents = max(100, int(spent * share / count * rng.uniform(0.8, 1.2)))
                channel = ("card" if kind == "shopping" else "wire") if usd else "upi"
                trail.row(_during(rng, month_start), life.account, to, cents, life.currency,
                          channel)  # fmt: skip


def _during(rng: random.Random, month_start: int) -> int:
    return month_start + rng.randint(DAY, MONTH - DAY)


def _new_account(rng: random.Random, currency: str) -> str:
    if currency == "USD":
        return ids.account_us(*ids.us_account(rng))
    return ids.account_in(*ids.in_bank_account(rng))


def _lookalike(
    trail: TrailWriter, rng: random.Random, k: int, lives: list[Life], people: list[str]
) -> str:
    """Every other look-alike is a family account, then traders and aggregators in turn."""
    account = _new_account(rng, "INR")
    if k % 2 == 0:
        indian = [life for life in lives if life.currency == "INR"]
        relative = rng.choice(indian) if indian and rng.random() < 0.5 else None
        _family(trail, rng, account, relative, people)
    else:
        _settler(trail, rng, account, people, daily=k % 4 == 3)
    return account


def _family(
    trail: TrailWriter,
    rng: random.Random,
    account: str,
    relative: Life | None,
    people: list[str],
) -> None:
    """A relative sends money every month; it is forwarded to one or two of the family within
    hours (85-100% of it). The relative is a mule's ordinary life, or an honest person."""
    start = relative.start if relative else START_EPOCH + rng.randint(0, 150) * DAY
    end = relative.end if relative else start + rng.randint(3, 6) * MONTH
    sender = relative.account if relative else rng.choice(people)
    base = relative.monthly_in // 4 if relative else rng.randint(5_000_00, 40_000_00)
    family = rng.sample(people, min(2, len(people)))
    for month_start in range(start, end, MONTH):
        t, cents = month_start + rng.randint(0, MONTH - DAY), int(base * rng.uniform(0.8, 1.2))
        trail.row(t, sender, account, cents, "INR", "imps")
        members = family[: rng.randint(1, 2)]
        onward = cents * rng.randint(85, 100) // 100 // len(members)
        for member in members:
            trail.row(t + rng.randint(3600, 12 * 3600), account, member, onward, "INR", "upi")


def _settler(
    trail: TrailWriter, rng: random.Random, account: str, people: list[str], daily: bool
) -> None:
    """A trader (daily=False: a few suppliers paid within a day of each sale) or a payment
    aggregator (daily=True: the day's takings settled to its merchants the next day)."""
    payees = [_new_account(rng, "INR") for _ in range(rng.randint(2, 6))]
    start = START_EPOCH + rng.randint(0, 250) * DAY
    takings: dict[int, int] = {}
    for _ in range(rng.randint(40, 120)):
        t, cents = start + rng.randint(0, 100 * DAY), rng.randint(500_00, 20_000_00)
        trail.row(t, rng.choice(people), account, cents, "INR", "upi")
        if not daily:
            due = t + rng.randint(2 * 3600, 24 * 3600)
            trail.row(due, account, rng.choice(payees), cents * rng.randint(90, 98) // 100,
                      "INR", "imps")  # fmt: skip
        else:
            takings[t // DAY] = takings.get(t // DAY, 0) + cents
    for day, cents in sorted(takings.items()):
        trail.row((day + 1) * DAY + rng.randint(0, 6 * 3600), account, rng.choice(payees),
                  cents * 98 // 100, "INR", "neft")  # fmt: skip
