"""Trail tracing: follow a victim's money forward, layer by layer, to cash-out or to rest.

The rule is the one banks apply to a reported fraud on India's 1930 / CFCFRMS chain: the
disputed amount follows the receiving account's next debits ("victim's money leaves first"),
each debit taking at most what it moved, within a time window per layer; what no debit took is
still in the account and can be held. Concretely, for an arrival of ``a`` at account X at time
``t``:

1. X's debits from ``t`` to ``t + window`` are taken in time order (never an earlier debit: a
   transfer cannot spend money before it arrives, whatever order the file listed rows in).
2. Each debit carries ``min(left, what the debit moved not yet claimed by this trail)``, so a
   split sends parts down several branches, a merge claims only the victim's share of a larger
   transfer, and one debit is never counted twice when the victim paid twice.
3. A debit in another currency is converted at a reference rate (a USD wire cashed out in INR);
   a currency without a rate is not followed and is counted.
4. A debit back to an account already on the path is a loop: recorded, not followed again.
5. What is left at X when the window closes is ``holdable`` at X.

Limits on layers and hops keep every trace finite; hitting one is reported as ``truncated``.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tracebridge.money.index import TrailIndex
from tracebridge.money.rates import RATES_INR

ATM, OFF_RAMP, TRANSFER, LOOP, PAYMENT = "atm", "off_ramp", "transfer", "loop", "payment"


@dataclass(frozen=True)
class Options:
    window_hours: float = 72.0  # the Financial Fraud Kill Chain's recall window
    max_layers: int = 8
    max_hops: int = 400
    rates: Mapping[str, float] = field(default_factory=lambda: RATES_INR)


@dataclass
class Hop:
    row: int
    txn_id: str
    time: int
    source: str
    target: str | None
    amount: int  # the transaction's own amount, minor units of ``currency``
    currency: str
    channel: str
    bank: str | None  # the receiving bank or exchange
    traced: int  # the victim's money in it, minor units of the trail's currency
    layer: int  # the layer of ``target``
    parent: int  # index of the hop that brought the money to ``source``; -1 for a payment
    kind: str


@dataclass
class Holding:
    """One account on the trail: what reached it, what it passed on, what is still there."""

    key: str
    layer: int
    bank: str | None = None
    received: int = 0
    forwarded: int = 0
    cashed_out: int = 0
    holdable: int = 0
    first_credit: int = 0
    last_credit: int = 0
    credits: list[int] = field(default_factory=list)  # hop indexes


@dataclass
class Layer:
    layer: int
    accounts: int
    received: int
    holdable: int
    cashed_out: int


@dataclass
class Trail:
    currency: str
    hops: list[Hop] = field(default_factory=list)
    accounts: dict[str, Holding] = field(default_factory=dict)
    victims: list[str] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)
    truncated: bool = False

    @property
    def paid(self) -> int:
        return sum(h.traced for h in self.hops if h.kind == PAYMENT)

    @property
    def holdable(self) -> int:
        return sum(a.holdable for a in self.accounts.values())

    @property
    def cashed_out(self) -> int:
        return sum(a.cashed_out for a in self.accounts.values())

    def layers(self) -> list[Layer]:
        out: dict[int, Layer] = {}
        for acct in self.accounts.values():
            layer = out.setdefault(acct.layer, Layer(acct.layer, 0, 0, 0, 0))
            layer.accounts += 1
            layer.received += acct.received
            layer.holdable += acct.holdable
            layer.cashed_out += acct.cashed_out
        return [out[k] for k in sorted(out)]


@dataclass
class _Arrival:
    account: int
    time: int
    amount: int
    layer: int
    hop: int
    path: tuple[int, ...]


class Tracer:
    """Traces over one :class:`TrailIndex`; cheap to create, safe to reuse."""

    def __init__(self, index: TrailIndex, options: Options | None = None) -> None:
        self.index = index
        self.options = options or Options()

    def trace_complaint(self, ref: str) -> Trail:
        return self.trace_rows(self.index.by_ref.get(ref, []))

    def trace_rows(self, rows: Iterable[int]) -> Trail:
        rows = sorted(set(rows), key=lambda r: (int(self.index.time[r]), r))
        currency = self.index.text(self.index.currency, rows[0]) if rows else None
        trail = _Run(self, currency or "INR")
        for row in rows:
            trail.pay(row)
        trail.drain()
        return trail.trail

    def payment_rows(
        self, account_key: str, amount: int, currency: str, since: int, until: int
    ) -> list[int]:
        """Credits to ``account_key`` matching a reported loss (±1%) between two times.

        For complaints whose bank did not tag the first hop with the complaint's reference.
        """
        account = self.index.ids.get(account_key, 0)
        found = []
        for row in self.index.credits(account).tolist():
            when = int(self.index.time[row])
            if not since <= when <= until:
                continue
            factor = self._factor(self.index.text(self.index.currency, row) or "", currency)
            if factor and abs(int(self.index.minor[row]) * factor - amount) <= amount * 0.01:
                found.append(int(row))
        return found

    def _factor(self, source: str, target: str) -> float | None:
        """Multiply an amount in ``source`` by this to express it in ``target``."""
        if source == target:
            return 1.0
        rates = self.options.rates
        if source not in rates or target not in rates:
            return None
        return rates[source] / rates[target]


class _Run:
    """One trace in progress."""

    def __init__(self, tracer: Tracer, currency: str) -> None:
        self.ix = tracer.index
        self.tracer = tracer
        self.opt = tracer.options
        self.trail = Trail(currency=currency)
        self.queue: deque[_Arrival] = deque()
        self.used: dict[int, int] = {}

    def pay(self, row: int) -> None:
        """A victim's payment: the root of the trail."""
        factor = self.tracer._factor(self.ix.text(self.ix.currency, row) or "", self.trail.currency)
        if factor is None:
            self.trail.notes["currency without a rate"] += 1
            return
        victim, target = int(self.ix.from_id[row]), int(self.ix.to_id[row])
        self.trail.victims.append(self.ix.keys[victim])
        amount = round(int(self.ix.minor[row]) * factor)
        self.used[row] = int(self.ix.minor[row])
        hop = self._hop(row, victim, amount, 1, -1, PAYMENT if target else ATM)
        if target:
            self.queue.append(
                _Arrival(target, hop.time, amount, 1, len(self.trail.hops) - 1, (victim, target))
            )

    def drain(self) -> None:
        while self.queue:
            self._arrive(self.queue.popleft())

    def _arrive(self, arrival: _Arrival) -> None:
        holding = self._holding(arrival.account, arrival.layer)
        holding.received += arrival.amount
        holding.credits.append(arrival.hop)
        holding.bank = holding.bank or self.trail.hops[arrival.hop].bank
        holding.last_credit = max(holding.last_credit, arrival.time)
        holding.first_credit = min(holding.first_credit or arrival.time, arrival.time)
        if arrival.layer > self.opt.max_layers:
            self.trail.truncated = True
            holding.holdable += arrival.amount
            return
        left = self._spend(arrival, holding)
        holding.holdable += left

    def _spend(self, arrival: _Arrival, holding: Holding) -> int:
        left = arrival.amount
        _, end = self.ix.debits(arrival.account)
        row = self.ix.first_debit_at_or_after(arrival.account, arrival.time)
        deadline = arrival.time + int(self.opt.window_hours * 3600)
        while row < end and left > 0:
            if int(self.ix.time[row]) > deadline:
                self.trail.notes["money at rest past the window"] += 1
                break
            if len(self.trail.hops) >= self.opt.max_hops:
                self.trail.truncated = True
                break
            left -= self._debit(row, arrival, holding, left)
            row += 1
        return left

    def _debit(self, row: int, arrival: _Arrival, holding: Holding, left: int) -> int:
        """Send up to ``left`` down debit ``row``; returns what it carried (trail currency)."""
        own_left = int(self.ix.minor[row]) - self.used.get(row, 0)
        if own_left <= 0:
            return 0
        factor = self.tracer._factor(self.ix.text(self.ix.currency, row) or "", self.trail.currency)
        if factor is None:
            self.trail.notes["currency without a rate"] += 1
            return 0
        take = min(left, round(own_left * factor))
        if take <= 0:
            return 0
        self.used[row] = self.used.get(row, 0) + min(own_left, round(take / factor))
        target = int(self.ix.to_id[row])
        kind = self._kind(row, target, arrival.path)
        hop = self._hop(row, arrival.account, take, arrival.layer + 1, arrival.hop, kind)
        holding.forwarded += take
        if kind == ATM:
            holding.cashed_out += take
        elif kind == LOOP:
            self.trail.notes["loops"] += 1
            back = self._holding(target, arrival.layer + 1)
            back.bank = back.bank or hop.bank
            back.received += take
            back.holdable += take
        else:
            self.queue.append(
                _Arrival(
                    target,
                    hop.time,
                    take,
                    arrival.layer + 1,
                    len(self.trail.hops) - 1,
                    (*arrival.path, target),
                )
            )
        return take

    def _kind(self, row: int, target: int, path: tuple[int, ...]) -> str:
        if target == 0:
            return ATM
        if target in path:
            return LOOP
        if self.ix.text(self.ix.channel, row) == "crypto" and self.ix.text(self.ix.to_bank, row):
            return OFF_RAMP
        return TRANSFER

    def _hop(self, row: int, source: int, traced: int, layer: int, parent: int, kind: str) -> Hop:
        target = int(self.ix.to_id[row])
        hop = Hop(
            row=row,
            txn_id=self.ix.text(self.ix.txn_id, row) or "",
            time=int(self.ix.time[row]),
            source=self.ix.keys[source],
            target=self.ix.keys[target] if target else None,
            amount=int(self.ix.minor[row]),
            currency=self.ix.text(self.ix.currency, row) or "",
            channel=self.ix.text(self.ix.channel, row) or "",
            bank=self.ix.text(self.ix.to_bank, row),
            traced=traced,
            layer=layer,
            parent=parent,
            kind=kind,
        )
        self.trail.hops.append(hop)
        return hop

    def _holding(self, account: int, layer: int) -> Holding:
        key = self.ix.keys[account]
        holding = self.trail.accounts.get(key)
        if holding is None:
            holding = self.trail.accounts[key] = Holding(key=key, layer=layer)
        return holding
