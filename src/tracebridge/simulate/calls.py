"""Call detail records, vectorised with numpy in chunks (bounded memory, linear time).

Three kinds of traffic: legitimate calls between subscribers; legitimate high-volume callers
that look robotic (pharmacy and appointment reminders); and the robocalls of scam campaigns:
bursts, short calls, low answer rates, sequential dialing, neighbour spoofing, rotating and
invalid caller IDs, C-attested traffic from international gateways. Every call has the
terminating carrier's record; traced calls also have one record per upstream carrier.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracebridge.simulate import catalog
from tracebridge.simulate.world import DAYS, START_EPOCH, World

CHUNK = 500_000
ROBOCALL_SHARE = 0.12
REMINDER_SHARE = 0.06
IDENTITY_SHARE = 0.04  # share of signed calls whose Identity header the CDR export keeps
LEGIT_TRACED = 0.01
CARRIERS = (
    catalog.US_CARRIERS
    + catalog.TRANSIT_CARRIERS
    + catalog.GATEWAY_CARRIERS
    + catalog.FOREIGN_CARRIERS
)
_US = len(catalog.US_CARRIERS)
_TRANSIT = _US
_GATEWAY = _TRANSIT + len(catalog.TRANSIT_CARRIERS)
_FOREIGN = _GATEWAY + len(catalog.GATEWAY_CARRIERS)
ATTEST = pa.array([None, "A", "B", "C"], pa.string())
KINDS = pa.array(["legit", "reminder", "robocall"])
Arr = np.ndarray[Any, Any]


@dataclass
class Calls:
    """One chunk's calls, column-wise. ``path`` holds carrier indices, -1 past ``hops``."""

    kind: Arr
    campaign: Arr  # index into Plan.campaign_ids, -1 for none
    start: Arr
    duration: Arr
    sip: Arr
    calling: Arr  # full digits with country code
    fmt: Arr  # 0 E.164, 1 national, 2 anonymous, 3 internal extension
    called: Arr
    path: Arr  # shape (n, 4)
    hops: Arr
    attest: Arr  # index into ATTEST
    origid: Arr  # index into Plan.origids
    traced: Arr


@dataclass
class Plan:
    """Fixed parts of the call world, drawn once from the seed."""

    subscribers: Arr  # 10-digit US numbers
    home: Arr  # carrier index per subscriber
    campaign_ids: list[str]
    campaign_weights: Arr
    caller_keys: Arr  # campaign index * 1000 + start day, sorted
    caller_numbers: Arr
    burst_offset: Arr
    burst_count: Arr
    burst_start: Arr
    burst_block: Arr
    burst_route: Arr  # 0 international gateway (C), 1 domestic VoIP (B), 2 (A)
    burst_spoof: Arr  # 0 rotating campaign numbers, 1 neighbour spoofing, 2 invalid/random
    reminders: Arr
    origids: list[str]
    unsigned_share: float = 0.0  # robocalls arriving with no attestation (Knobs.unsigned_share)
    # Each campaign's own route: foreign carrier, gateway, transit (carrier indices; a
    # domestic route starts at the gateway); taken by Knobs.own_route_share of its robocalls.
    own_route: Arr = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    own_route_share: float = 0.0
    gateway_legit_share: float = 0.0  # legitimate calls from abroad (Knobs.gateway_legit_share)


def us_numbers(rng: np.random.Generator, n: int) -> Arr:
    npa = np.array(catalog.US_AREA_CODES, dtype=np.int64)[
        rng.integers(0, len(catalog.US_AREA_CODES), n)
    ]
    nxx = rng.integers(200, 1000, n)
    nxx = np.where((nxx % 100 == 11) | (nxx == 555), nxx + 1, nxx)
    return np.asarray(npa * 10_000_000 + nxx * 10_000 + rng.integers(0, 10_000, n))


def plan(world: World, seed: int, calls: int) -> Plan:
    rng = np.random.default_rng([seed, 70])
    people = int(np.clip(calls // 8, 1000, 1_500_000))
    campaigns = [c for c in world.campaigns if "US" in c.countries]
    weights = np.array([c.weight for c in campaigns]) if campaigns else np.ones(1)
    keys: list[int] = []
    numbers: list[int] = []
    offsets: list[int] = []
    counts: list[int] = []
    for j, campaign in enumerate(campaigns):
        for epoch in campaign.epochs:
            for phone in epoch.phones:
                if phone.startswith("+1"):
                    keys.append(j * 1000 + epoch.start_day)
                    numbers.append(int(phone[1:]))
        expected = calls * ROBOCALL_SHARE * weights[j] / weights.sum()
        offsets.append(sum(counts))
        counts.append(int(max(3, expected // 400)))
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    total = sum(counts)
    starts = np.concatenate(
        [
            rng.integers(c.start_day * 86400, (c.end_day + 1) * 86400, k)
            for c, k in zip(campaigns, counts, strict=True)
        ]
        or [np.zeros(0, np.int64)]
    )
    return Plan(
        subscribers=us_numbers(rng, people),
        home=rng.integers(0, _US, people),
        campaign_ids=[c.id for c in campaigns],
        campaign_weights=weights / weights.sum(),
        caller_keys=np.array(keys, dtype=np.int64)[order],
        caller_numbers=np.array(numbers, dtype=np.int64)[order],
        burst_offset=np.array(offsets, dtype=np.int64),
        burst_count=np.array(counts),
        burst_start=START_EPOCH + starts.astype(np.int64),
        burst_block=us_numbers(rng, total) // 10_000 * 10_000,
        burst_route=rng.choice(3, total, p=list(world.knobs.route_mix)),
        burst_spoof=rng.choice(3, total, p=list(world.knobs.spoof_mix)),
        reminders=np.array([int(p[2:]) for p in world.reminder_callers], dtype=np.int64),
        # One origination id per carrier for its own customers, one per campaign's trunk.
        origids=[
            str(uuid.UUID(bytes=rng.bytes(16), version=4))
            for _ in range(len(CARRIERS) + len(campaigns))
        ],
        unsigned_share=world.knobs.unsigned_share,
        own_route=_own_routes(seed, len(campaigns)),
        own_route_share=world.knobs.own_route_share,
        gateway_legit_share=world.knobs.gateway_legit_share,
    )


def _own_routes(seed: int, campaigns: int) -> Arr:
    """(foreign carrier, gateway, transit) per campaign, from a stream of their own (the
    other draws, and so the default world's bytes, stay as they were)."""
    rng = np.random.default_rng([seed, 73])
    return np.stack(
        [
            _FOREIGN + rng.integers(0, len(catalog.FOREIGN_CARRIERS), campaigns),
            _GATEWAY + rng.integers(0, len(catalog.GATEWAY_CARRIERS), campaigns),
            _TRANSIT + rng.integers(0, len(catalog.TRANSIT_CARRIERS), campaigns),
        ],
        axis=1,
    ).astype(np.int64)


def _outcome(
    rng: np.random.Generator,
    n: int,
    answer_rate: float,
    median_s: float,
    sigma: float,
    unanswered: tuple[list[int], list[float]],
) -> tuple[Arr, Arr]:
    answered = rng.random(n) < answer_rate
    duration = np.clip(median_s * rng.lognormal(0, sigma, n), 1, 7200).astype(np.int32)
    sip = rng.choice(unanswered[0], n, p=unanswered[1])
    return np.where(answered, duration, 0), np.where(answered, 200, sip)


def _daytime(rng: np.random.Generator, n: int, days: Arr) -> Arr:
    """Seconds of a US-Eastern business-ish day, in UTC (Eastern is UTC-5)."""
    hours = 8 + rng.gamma(4.0, 2.0, n).clip(0, 13) + 5
    return np.asarray(START_EPOCH + days * 86400 + (hours * 3600).astype(np.int64))


def legit(p: Plan, rng: np.random.Generator, n: int) -> Calls:
    caller = rng.integers(0, len(p.subscribers), n)
    callee = rng.integers(0, len(p.subscribers), n)
    start = _daytime(rng, n, rng.integers(0, DAYS, n)).astype(np.int64)
    duration, sip = _outcome(rng, n, 0.7, 90, 1.0, ([486, 480, 487, 603], [0.3, 0.4, 0.25, 0.05]))
    transit = rng.random(n) < 0.4
    path = np.full((n, 4), -1, dtype=np.int64)
    path[:, 0] = p.home[caller]
    path[:, 1] = np.where(transit, _TRANSIT + rng.integers(0, 4, n), p.home[callee])
    path[:, 2] = np.where(transit, p.home[callee], -1)
    attest = rng.choice(3, n, p=[0.07, 0.85, 0.08])
    calls = Calls(
        np.zeros(n, np.int8),
        np.full(n, -1),
        start,
        duration,
        sip,
        10_000_000_000 + p.subscribers[caller],
        rng.choice(4, n, p=[0.88, 0.09, 0.02, 0.01]),
        10_000_000_000 + p.subscribers[callee],
        path,
        np.where(transit, 3, 2),
        attest,
        path[:, 0].copy(),  # not a view: _from_abroad changes the path and origid apart
        rng.random(n) < LEGIT_TRACED,
    )
    if p.gateway_legit_share > 0:  # no draw otherwise: the default world's bytes stay
        _from_abroad(p, rng, calls, rng.random(n) < p.gateway_legit_share)
    return calls


FOREIGN_CODES = np.array([44, 52, 63, 91], dtype=np.int64)  # countries of ordinary callers


def _from_abroad(p: Plan, rng: np.random.Generator, calls: Calls, abroad: Arr) -> None:
    """Turn the ``abroad`` calls into ordinary calls from abroad through a US gateway: a
    foreign caller ID (a fifth show a US number: subscribers roaming), C-attested with the
    gateway's origid or unsigned, every carrier on the path reporting it."""
    k = int(abroad.sum())
    at = np.flatnonzero(abroad)
    foreign = FOREIGN_CODES[rng.integers(0, len(FOREIGN_CODES), k)] * NATIONAL
    foreign += rng.integers(2 * NATIONAL // 10, NATIONAL, k)
    roaming = 10_000_000_000 + p.subscribers[rng.integers(0, len(p.subscribers), k)]
    calls.calling[at] = np.where(rng.random(k) < 0.2, roaming, foreign)
    calls.fmt[at] = 0
    gateway = _GATEWAY + rng.integers(0, len(catalog.GATEWAY_CARRIERS), k)
    home = calls.path[at, 2].copy()
    home = np.where(home < 0, calls.path[at, 1], home)  # the callee's carrier
    calls.path[at] = np.stack(
        [
            _FOREIGN + rng.integers(0, len(catalog.FOREIGN_CARRIERS), k),
            gateway,
            _TRANSIT + rng.integers(0, len(catalog.TRANSIT_CARRIERS), k),
            home,
        ],
        axis=1,
    )
    calls.hops[at] = 4
    calls.attest[at] = np.where(rng.random(k) < 0.5, 3, 0)
    calls.origid[at] = gateway
    calls.traced[at] = True


NATIONAL = 10_000_000_000  # ten-digit national numbers after a country code


def reminder(p: Plan, rng: np.random.Generator, n: int) -> Calls:
    callee = rng.integers(0, len(p.subscribers), n)
    start = _daytime(rng, n, rng.integers(0, DAYS, n)).astype(np.int64)
    duration, sip = _outcome(rng, n, 0.55, 30, 0.3, ([486, 480, 487, 603], [0.2, 0.6, 0.15, 0.05]))
    path = np.full((n, 4), -1, dtype=np.int64)
    path[:, 0] = _TRANSIT + 1  # a CPaaS provider originating for the pharmacy and the clinic
    path[:, 1] = p.home[callee]
    caller = p.reminders[rng.integers(0, len(p.reminders), n)]
    return Calls(
        np.ones(n, np.int8),
        np.full(n, -1),
        start,
        duration,
        sip,
        10_000_000_000 + caller,
        np.zeros(n, np.int64),
        10_000_000_000 + p.subscribers[callee],
        path,
        np.full(n, 2),
        np.ones(n, np.int64),
        path[:, 0],
        rng.random(n) < LEGIT_TRACED,
    )


def robocall(p: Plan, rng: np.random.Generator, n: int) -> Calls:
    campaign = rng.choice(len(p.campaign_ids), n, p=p.campaign_weights)
    burst = p.burst_offset[campaign] + (rng.random(n) * p.burst_count[campaign]).astype(np.int64)
    offset = np.minimum(rng.exponential(900, n), 4 * 3600).astype(np.int64)
    start = p.burst_start[burst] + offset
    called = p.burst_block[burst] + (offset // 2) % 10_000  # sequential dialing through a block
    calling = _robocaller(p, rng, campaign, burst, start, called)
    duration, sip = _outcome(
        rng, n, 0.12, 18, 0.8, ([480, 486, 487, 603, 608, 404], [0.3, 0.1, 0.2, 0.15, 0.1, 0.15])
    )
    route = p.burst_route[burst]
    path = np.full((n, 4), -1, dtype=np.int64)
    home = p.home[rng.integers(0, len(p.home), n)]  # the dialled block's carrier
    foreign = _FOREIGN + rng.integers(0, len(catalog.FOREIGN_CARRIERS), n)
    gateway = _GATEWAY + rng.integers(0, len(catalog.GATEWAY_CARRIERS), n)
    transit = _TRANSIT + rng.integers(0, len(catalog.TRANSIT_CARRIERS), n)
    intl = route == 0
    path[:, 0] = np.where(intl, foreign, gateway)
    path[:, 1] = np.where(intl, gateway, transit)
    path[:, 2] = np.where(intl, transit, home)
    path[:, 3] = np.where(intl, home, -1)
    attest = np.select([intl, route == 1], [3, 2], 1)
    fmt = np.where(p.burst_spoof[burst] == 2, rng.choice(3, n, p=[0.5, 0.3, 0.2]), 0)
    if p.unsigned_share > 0:  # no draw otherwise: the default world's bytes stay
        attest = np.where(rng.random(n) < p.unsigned_share, 0, attest)
    if p.own_route_share > 0:  # no draw otherwise, as above
        _take_own_route(p, path, campaign, intl, rng.random(n) < p.own_route_share)
    return Calls(
        np.full(n, 2, np.int8),
        campaign,
        start,
        duration,
        sip,
        calling,
        fmt,
        10_000_000_000 + called,
        path,
        np.where(intl, 4, 3),
        attest,
        len(CARRIERS) + campaign,
        np.ones(n, bool),
    )


def _take_own_route(p: Plan, path: Arr, campaign: Arr, intl: Arr, own: Arr) -> None:
    """The ``own`` calls take their campaign's route: foreign carrier, gateway and transit
    from abroad; gateway (the originating provider) and transit on a domestic route."""
    route = p.own_route[campaign]
    for hop in range(3):
        path[:, hop] = np.where(own & intl, route[:, hop], path[:, hop])
    for hop in range(2):
        path[:, hop] = np.where(own & ~intl, route[:, hop + 1], path[:, hop])


def _robocaller(
    p: Plan, rng: np.random.Generator, campaign: Arr, burst: Arr, start: Arr, called: Arr
) -> Arr:
    n = len(campaign)
    day = (start - START_EPOCH) // 86400
    last = np.searchsorted(p.caller_keys, campaign * 1000 + day, side="right") - 1
    first = np.searchsorted(p.caller_keys, campaign * 1000, side="left")
    has_own = last >= first
    pick = np.maximum(first, last - rng.integers(0, 2, n))  # two numbers live at a time
    own = (
        p.caller_numbers[np.clip(pick, 0, max(len(p.caller_numbers) - 1, 0))]
        if len(p.caller_numbers)
        else np.zeros(n, np.int64)
    )
    neighbour = 10_000_000_000 + called // 10_000 * 10_000 + rng.integers(0, 10_000, n)
    invalid = np.where(
        rng.random(n) < 0.5,
        10_000_000_000 + rng.integers(0, 99_999_999, n),
        10_000_000_000 + us_numbers(rng, n),
    )
    spoof = p.burst_spoof[burst]
    return np.select([(spoof == 0) & has_own, spoof == 2], [own, invalid], neighbour)


def _presented(calls: Calls) -> pa.Array:
    digits = pc.cast(pa.array(calls.calling), pa.string())
    e164 = pc.binary_join_element_wise("+", digits, "")
    national = pc.utf8_slice_codeunits(digits, 1)
    extension = pc.utf8_slice_codeunits(digits, -4)
    fmt = pa.array(calls.fmt)
    out = pc.if_else(pc.equal(fmt, 1), national, e164)
    out = pc.if_else(pc.equal(fmt, 3), extension, out)
    return pc.if_else(pc.equal(fmt, 2), pa.scalar("anonymous"), out)
