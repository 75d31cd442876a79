"""Hop-by-hop traceback over carriers' hop records (pure: no Django).

Each carrier on a call's path keeps a record of the hop that reached it: ``orig_carrier`` handed
the call to ``term_carrier`` and ``reporting_carrier`` wrote it down. The originating provider's
own record names itself as ``orig_carrier``. Starting from the terminating carrier's record, the
trace asks the upstream carrier for its record of the same call (same calling and called numbers,
start time within a tolerance: carriers' call ids differ and clocks drift) and repeats until it
reaches the originating provider, a US entry gateway (the call came from abroad), or a carrier
with no record (a non-responder).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TOLERANCE_S = 10.0
MAX_HOPS = 12
_NOT_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class HopRecord:
    call_id: str
    start: float  # epoch seconds
    calling: str
    called: str
    orig_carrier: str
    term_carrier: str
    reporting_carrier: str
    attestation: str | None = None
    origid: str | None = None


@dataclass(frozen=True)
class Hop:
    position: int  # 0 = terminating carrier
    carrier: str
    upstream: str | None  # who handed it the call; None when it originated it or is unknown
    role: str  # terminating | transit | gateway | originating | no_record
    record: HopRecord | None


def digits(number: str) -> str:
    """Compare numbers by their last ten digits: carriers write +1, 1 or nothing in front."""
    return _NOT_DIGITS.sub("", number or "")[-10:]


def same_call(a: HopRecord, b: HopRecord, tolerance: float) -> bool:
    return (
        digits(a.calling) == digits(b.calling)
        and digits(a.called) == digits(b.called)
        and abs(a.start - b.start) <= tolerance
    )


def record_of(
    carrier: str, target: HopRecord, records: Iterable[HopRecord], tolerance: float
) -> HopRecord | None:
    """The carrier's record of the target call: the closest in time among matching ones."""
    matches = [
        r for r in records if r.reporting_carrier == carrier and same_call(r, target, tolerance)
    ]
    return min(matches, key=lambda r: abs(r.start - target.start), default=None)


def terminating_record(target: HopRecord, records: Sequence[HopRecord]) -> HopRecord:
    """The record of the carrier that delivered the call: no record shows it handing it on."""
    handed_on = {r.orig_carrier for r in records if r.orig_carrier != r.reporting_carrier}
    for record in sorted(records, key=lambda r: abs(r.start - target.start)):
        if record.reporting_carrier == record.term_carrier and record.term_carrier not in handed_on:
            return record
    return target


def trace(
    target: HopRecord,
    records: Sequence[HopRecord],
    gateways: frozenset[str] = frozenset(),
    tolerance: float = TOLERANCE_S,
) -> list[Hop]:
    """The path from the terminating carrier back to the origin, the gateway or a silence."""
    current = terminating_record(target, [r for r in records if same_call(r, target, tolerance)])
    hops: list[Hop] = []
    seen: set[str] = set()
    while len(hops) < MAX_HOPS:
        carrier = current.reporting_carrier
        seen.add(carrier)
        upstream = current.orig_carrier
        if upstream == carrier:
            hops.append(Hop(len(hops), carrier, None, "originating", current))
            break
        role = "terminating" if not hops else "transit"
        if carrier in gateways:
            hops.append(Hop(len(hops), carrier, upstream, "gateway", current))
            break
        hops.append(Hop(len(hops), carrier, upstream, role, current))
        found = None if upstream in seen else record_of(upstream, target, records, tolerance)
        if found is None:
            hops.append(Hop(len(hops), upstream, None, "no_record", None))
            break
        current = found
    return hops


def outcome(hops: Sequence[Hop]) -> str:
    """One line for the trace's end: originating provider, entry gateway or non-responder."""
    if not hops:
        return "no record of the call"
    last = hops[-1]
    if last.role == "originating":
        return f"originated by {last.carrier}"
    if last.role == "gateway":
        return f"entered the US at {last.carrier} from {last.upstream}"
    if last.role == "no_record":
        return f"stopped at {last.carrier}: no record (non-responder)"
    return f"stopped at {last.carrier}"
