"""Soft links: joining identifier groups on what else they share (issue 19, point 4).

Pure (no Django), run after identifier linking (``linking.link``) on its groups. A campaign
whose rotations carry nothing over falls into one identifier group per rotation; nothing that
identifiers can do joins them. Their victims' money still meets downstream: each rotation's
first-layer mules pass it on to the operation's collector accounts.

**Money** (the one kind so far): two groups are one campaign's successive rotations when
1. their victims pay into accounts whose money (the money trace, one hop on) reaches a common
   downstream account, the *mule layer*;
2. they share a scam type; and
3. the later one starts when the earlier one has ended: it began no more than ``overlap_days``
   before the earlier one's last complaint and no more than ``gap_days`` after it.

The groups are taken in order of their first complaint; each is joined to the one chain of
rotations (groups already joined) that it fits. A group that fits two chains (two campaigns of
one operation, both paying into its collectors) is joined to neither.

**Precedence.** Soft links only join whole identifier groups: they never split one, never move
a complaint out of the group its identifiers put it in, and never join two groups that were
live at the same time (groups with their own identifiers, active side by side, are held to be
two campaigns: rule 3). A pair an analyst split (``kept_apart``) is never joined again. Each
join is a ``SoftLink`` with its reason and a confidence.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

MONEY = "money"
CONTEXT = "context"


@dataclass(frozen=True)
class SoftParams:
    overlap_days: int = 5
    gap_days: int = 30
    # A group whose own complaints span longer than this has outlived a rotation: its own
    # identifiers held it through rotations, so what follows it unjoined is another campaign.
    max_rotation_days: int = 100
    # A complaint naming no identifier joins the one group of at least this many complaints of
    # its scam type and victim country that was live on its day.
    min_context_group: int = 5
    # Off: on two of 24 worlds of the quality bench it costs precision below 0.98
    # (docs/campaigns.md, "Soft links"); one-off complaints look like campaign ones.
    context: bool = False


@dataclass(frozen=True)
class SoftLink:
    """Group of ``later`` joined to the group of ``earlier`` (each a member complaint)."""

    earlier: int
    later: int
    kind: str
    confidence: float
    reason: str
    via: tuple[str, ...]


@dataclass
class Facts:
    """Per complaint (index = complaint id): its day number, scam type and victim country;
    ``layers`` are (complaint, downstream account) pairs from the money trace; ``bare`` the
    complaints that name no identifier at all."""

    days: Sequence[int]
    scam_types: Sequence[str]
    layers: Iterable[tuple[int, str]] = ()
    countries: Sequence[str] = ()
    bare: Iterable[int] = ()


@dataclass
class SoftLinking:
    labels: list[int]  # group label per complaint after soft links (-1: stands alone)
    links: list[SoftLink] = field(default_factory=list)


@dataclass
class _Span:
    """A group, or a chain of joined groups: its first member, days, scam types, layers."""

    first: int
    lo: int
    hi: int
    types: set[str]
    layers: set[str]


def soft_link(
    labels: Sequence[int],
    facts: Facts,
    kept_apart: Iterable[tuple[int, int]] = (),
    params: SoftParams | None = None,
) -> SoftLinking:
    """Join the groups of ``labels`` (-1 = alone) that money shows to be successive rotations."""
    params = params or SoftParams()
    apart = {frozenset((_label(labels, a), _label(labels, b))) for a, b in kept_apart}
    spans = _spans(labels, facts)
    chains = _Chains(params, apart, _successors(spans, params))
    for label, span in sorted(spans.items(), key=lambda i: (i[1].lo, i[1].first)):
        chains.add(label, span)
    joined = chains.relabel(labels)
    context = []
    if params.context and facts.countries:
        context = _attach_bare(joined, facts, kept_apart, params)
    return SoftLinking(joined, chains.links + context)


class _Chains:
    """Chains of groups joined so far, taken in order of their first complaint."""

    def __init__(
        self, params: SoftParams, apart: set[frozenset[int]], successors: dict[int, int]
    ) -> None:
        self.params, self.apart, self.successors = params, apart, successors
        self.spans: list[_Span] = []  # each chain's days, types and layers so far
        self.last: list[_Span] = []  # each chain's latest group
        self.members: list[set[int]] = []  # each chain's group labels
        self.by_layer: dict[str, set[int]] = defaultdict(set)
        self.head: dict[int, int] = {}  # group label -> chain
        self.links: list[SoftLink] = []

    def add(self, label: int, span: _Span) -> None:
        fits = self._fits(span)
        if len(fits) == 1 and self._may_join(fits[0], label, span):
            # (the chain's latest group has no other candidate successor: checked in _may_join)
            index = fits[0]
            self.links.append(_money_link(self.spans[index], span))
            _extend(self.spans[index], span)
        else:
            index = len(self.spans)
            self.spans.append(
                _Span(span.first, span.lo, span.hi, set(span.types), set(span.layers))
            )
            self.members.append(set())
        self.last[index : index + 1] = [span]
        self.members[index].add(label)
        self.head[label] = index
        for layer in span.layers:
            self.by_layer[layer].add(index)

    def _fits(self, span: _Span) -> list[int]:
        """The chains ``span`` could continue: a common layer and scam type, successive."""
        near: set[int] = set()
        for layer in span.layers:
            bucket = self.by_layer.get(layer, set())
            # Groups come in order of their first day: a chain that ended more than the gap
            # before this one can continue nothing from now on.
            bucket -= {i for i in bucket if span.lo - self.spans[i].hi > self.params.gap_days}
            near |= bucket
        return sorted(index for index in near if _follows(self.spans[index], span, self.params))

    def _may_join(self, index: int, label: int, span: _Span) -> bool:
        """Both sides look like rotations, and no analyst kept them apart."""
        limit, last = self.params.max_rotation_days, self.last[index]
        if span.hi - span.lo > limit or last.hi - last.lo > limit:
            return False
        if self.successors.get(last.first, 0) > 1:
            return False  # two groups could take over from it: which one does, money cannot say
        return not any(frozenset((label, other)) in self.apart for other in self.members[index])

    def relabel(self, labels: Sequence[int]) -> list[int]:
        """A joined chain takes a new label (past every group's, from its first complaint);
        every other complaint keeps its label."""
        moved = {
            label: self.spans[index].first
            for label, index in self.head.items()
            if len(self.members[index]) > 1
        }
        out = np.asarray(labels, dtype=np.int64)
        if not moved:
            return out.tolist()  # type: ignore[no-any-return]
        label_of = _labels_of(out)
        old = np.fromiter(sorted(moved), dtype=np.int64, count=len(moved))
        new = np.fromiter((moved[k] for k in old.tolist()), dtype=np.int64, count=len(old))
        at = np.minimum(np.searchsorted(old, label_of), len(old) - 1)
        top = int(out.max(initial=-1)) + 1
        return np.where(old[at] == label_of, top + new[at], out).tolist()  # type: ignore[no-any-return]


def _labels_of(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Every complaint's group label, a lone complaint's ``-1 - complaint``."""
    return np.where(labels >= 0, labels, -1 - np.arange(len(labels), dtype=np.int64))


def _spans(labels: Sequence[int], facts: Facts) -> dict[int, _Span]:
    """The groups (and lone complaints, under label ``-1 - complaint``) that pay into a layer:
    whole-array work over their members (numpy), so a million complaints stay cheap."""
    paid = list(facts.layers)
    if not paid:
        return {}
    label_of = _labels_of(np.asarray(labels, dtype=np.int64))
    members = np.flatnonzero(np.isin(label_of, label_of[[c for c, _ in paid]]))
    members = members[np.argsort(label_of[members], kind="stable")]
    group = label_of[members]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    days = np.asarray(facts.days, dtype=np.int64)[members]
    lo, hi = np.minimum.reduceat(days, starts), np.maximum.reduceat(days, starts)
    spans = {
        int(group[s]): _Span(int(members[s]), int(a), int(b), set(), set())
        for s, a, b in zip(starts.tolist(), lo.tolist(), hi.tolist(), strict=True)
    }
    names, codes = np.unique(np.asarray(facts.scam_types)[members], return_inverse=True)
    pairs = np.unique(group * len(names) + codes.reshape(-1))
    for label, code in zip(
        (pairs // len(names)).tolist(), (pairs % len(names)).tolist(), strict=True
    ):
        spans[label].types.add(str(names[code]))
    for complaint, account in paid:
        spans[int(label_of[complaint])].layers.add(account)
    return spans


def _successors(spans: dict[int, _Span], params: SoftParams) -> dict[int, int]:
    """For each group (by its first complaint), how many groups could take over from it: a
    common layer and scam type, starting within its hand-over window (found by bisection in
    each layer's groups sorted by their first day)."""
    by_layer: dict[str, list[_Span]] = defaultdict(list)
    for span in sorted(spans.values(), key=lambda s: s.lo):
        for layer in span.layers:
            by_layer[layer].append(span)
    starts = {layer: [s.lo for s in group] for layer, group in by_layer.items()}
    counts: dict[int, int] = {}
    for span in spans.values():
        near: dict[int, _Span] = {}
        for layer in span.layers:
            days, group = starts[layer], by_layer[layer]
            low = bisect_left(days, span.hi - params.overlap_days)
            for other in group[low : bisect_right(days, span.hi + params.gap_days)]:
                near[other.first] = other
        near.pop(span.first, None)
        counts[span.first] = sum(1 for o in near.values() if _follows(span, o, params))
    return counts


def _follows(earlier: _Span, later: _Span, params: SoftParams) -> bool:
    """Whether ``later`` could take over from ``earlier``: a scam type in common, successive."""
    gap = later.lo - earlier.hi
    return -params.overlap_days <= gap <= params.gap_days and not earlier.types.isdisjoint(
        later.types
    )


def _label(labels: Sequence[int], complaint: int) -> int:
    label = labels[complaint]
    return label if label >= 0 else -1 - complaint


def _money_link(chain: _Span, span: _Span) -> SoftLink:
    shared = sorted(chain.layers & span.layers)
    gap = span.lo - chain.hi
    # More shared downstream accounts and a closer hand-over: more likely one campaign.
    confidence = round(min(0.95, 0.6 + 0.1 * len(shared)) - (0.1 if gap > 14 else 0.0), 2)
    when = f"{gap} days after" if gap >= 0 else f"{-gap} days before the end of"
    reason = (
        f"victims of both pay into the same mule layer ({', '.join(shared[:3])}); "
        f"the later group starts {when} the earlier one, with a scam type in common"
    )
    return SoftLink(chain.first, span.first, MONEY, confidence, reason, tuple(shared))


def _extend(chain: _Span, span: _Span) -> None:
    chain.hi = max(chain.hi, span.hi)
    chain.types |= span.types
    chain.layers |= span.layers


# --- context: complaints that name no identifier ----------------------------------------------


@dataclass
class _Context:
    first: int
    lo: int
    hi: int


def _attach_bare(
    labels: list[int],
    facts: Facts,
    kept_apart: Iterable[tuple[int, int]],
    params: SoftParams,
) -> list[SoftLink]:
    """Each complaint naming no identifier (and alone) joins the one group of its scam type and
    victim country, of ``min_context_group`` complaints or more, live on its day (first to last
    complaint); where two groups fit, or none, it stays alone. Groups are judged as they were
    before any such complaint joined, so the order of complaints does not matter."""
    bare = [c for c in facts.bare if labels[c] < 0]
    if not bare:
        return []
    groups, by_key = _contexts(labels, facts, params.min_context_group)
    apart: dict[int, list[int]] = defaultdict(list)
    for a, b in kept_apart:
        apart[a].append(b)
        apart[b].append(a)
    before = list(labels)
    links: list[SoftLink] = []
    for c in bare:
        day = facts.days[c]
        key = (facts.scam_types[c], facts.countries[c])
        fits = [g for g in by_key.get(key, ()) if groups[g].lo <= day <= groups[g].hi]
        if len(fits) != 1 or any(before[o] == fits[0] for o in apart.get(c, ())):
            continue
        labels[c] = fits[0]
        links.append(_context_link(groups[fits[0]].first, c, key))
    return links


def _contexts(
    labels: list[int], facts: Facts, smallest: int
) -> tuple[dict[int, _Context], dict[tuple[str, str], list[int]]]:
    """Each group of ``smallest`` complaints or more: first member and live days; and the
    groups by (scam type, victim country) they hold."""
    label_of = np.asarray(labels, dtype=np.int64)
    members = np.flatnonzero(label_of >= 0)
    members = members[np.argsort(label_of[members], kind="stable")]
    group = label_of[members]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    sizes = np.diff(np.r_[starts, len(group)])
    days = np.asarray(facts.days, dtype=np.int64)[members]
    lo = np.minimum.reduceat(days, starts) if len(starts) else days
    hi = np.maximum.reduceat(days, starts) if len(starts) else days
    groups = {
        int(group[s]): _Context(int(members[s]), int(a), int(b))
        for s, a, b, n in zip(
            starts.tolist(), lo.tolist(), hi.tolist(), sizes.tolist(), strict=True
        )
        if n >= smallest
    }
    held: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for c in members.tolist():
        if labels[c] in groups:
            held[labels[c]][0].add(facts.scam_types[c])
            held[labels[c]][1].add(facts.countries[c])
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for label, (types, countries) in held.items():
        for key in ((t, cc) for t in types for cc in countries):
            by_key[key].append(label)
    return groups, by_key


def _context_link(first: int, complaint: int, key: tuple[str, str]) -> SoftLink:
    reason = (
        f"names no identifier; the only campaign of scam type {key[0]} with victims in "
        f"{key[1]} that was live on its day"
    )
    return SoftLink(first, complaint, CONTEXT, 0.5, reason, ())
