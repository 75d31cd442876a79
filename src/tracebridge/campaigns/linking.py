"""Campaign linking: complaints that share identifiers belong together, hubs excepted.

Pure (no Django): the input is the complaint–identifier sightings, the output is the groups of
complaints, the identifiers that joined them and the hubs that were refused.

The graph is bipartite (complaint — identifier). Every step is whole-array work (numpy, and
scipy's compiled graph routines, wrapped in ``campaigns.graphs``), so a million complaints take
seconds, and storage stays linear in sightings: no pairwise table is ever built.

Hubs are identifiers that victims of unrelated campaigns all mention (impersonated helplines,
government numbers, big platforms, free-mail domains). Three defences:
(1) a curated warninglist (``warninglist.listed``), never linked;
(2) statistical: an identifier named by at least ``min_hub_degree`` complaints is a candidate;
    it is a hub when its complaints already fall, through other evidence, into at least
    ``hub_groups`` separate groups none of which holds ``hub_top_share`` of them. A campaign's own
    number, however busy, sits inside one group; an impersonated helpline straddles many.
(3) bridges: a key family that alone holds two groups of ``min_bridge_piece`` complaints together.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from tracebridge.campaigns.graphs import (
    articulations,
    bipartite_labels,
    compact,
    distinct,
    run_starts,
)
from tracebridge.campaigns.graphs import components as components  # public here too

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class LinkParams:
    min_hub_degree: int = 8
    hub_groups: int = 3
    hub_top_share: float = 0.6
    max_rounds: int = 4
    # A key family that is the only link between two groups of this many complaints is a bridge.
    min_bridge_piece: int = 10


@dataclass(frozen=True)
class Hub:
    key: str
    reason: str  # "warninglist" | "statistical" | "bridge"
    degree: int
    groups: int
    detail: str


@dataclass
class Graph:
    """Sightings as parallel arrays of complaint and key indices (distinct pairs)."""

    complaint_ids: list[int]
    keys: list[str]
    comp: IntArray
    key: IntArray

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, str]]) -> Graph:
        complaint_index: dict[int, int] = {}
        key_index: dict[str, int] = {}
        comp: list[int] = []
        key: list[int] = []
        for complaint_id, key_text in pairs:
            comp.append(complaint_index.setdefault(complaint_id, len(complaint_index)))
            key.append(key_index.setdefault(key_text, len(key_index)))
        return cls.from_arrays(list(complaint_index), list(key_index), comp, key)

    @classmethod
    def from_arrays(
        cls, complaint_ids: list[int], keys: list[str], comp: Iterable[int], key: Iterable[int]
    ) -> Graph:
        c, k = _int_array(comp), _int_array(key)
        if len(c):
            pair = distinct(c * len(keys) + k)  # the same key in two fields counts once
            c, k = np.divmod(pair, len(keys))
        return cls(complaint_ids, keys, c, k)

    @property
    def n_complaints(self) -> int:
        return len(self.complaint_ids)

    def degree(self) -> IntArray:
        """Distinct complaints naming each key."""
        return np.bincount(self.key, minlength=len(self.keys)).astype(np.int64, copy=False)


def _int_array(values: Iterable[int]) -> IntArray:
    if isinstance(values, list | tuple | np.ndarray):
        return np.asarray(values, dtype=np.int64)
    return np.fromiter(values, dtype=np.int64)


@dataclass
class Linking:
    """The result: ``groups`` of complaint ids (two or more), ``via`` and refused ``hubs``."""

    groups: list[list[int]]
    via: dict[int, list[str]]
    hubs: list[Hub] = field(default_factory=list)

    def group_of(self) -> dict[int, int]:
        return {cid: index for index, members in enumerate(self.groups) for cid in members}


def link(
    graph: Graph,
    listed: Callable[[str], str | None] = lambda key: None,
    params: LinkParams | None = None,
) -> Linking:
    """Resolve the sightings into campaigns (see the module docstring for the method)."""
    params = params or LinkParams()
    degree = graph.degree()
    # A key named by one complaint links nothing: leave it out of every later step.
    blocked = degree < 2
    hubs: dict[int, Hub] = {}
    for k in np.flatnonzero(~blocked).tolist():
        reason = listed(graph.keys[k])
        if reason:
            blocked[k] = True
            hubs[k] = Hub(graph.keys[k], "warninglist", int(degree[k]), 0, reason)
    candidate = (degree >= params.min_hub_degree) & ~blocked
    labels = _complaint_labels(graph, ~(blocked | candidate))
    order = np.flatnonzero(candidate)
    order = order[np.argsort(degree[order], kind="stable")]
    judged, joined = _judge_candidates(graph, labels, order, degree, params)
    hubs.update(judged)
    bridges = _bridges(graph, blocked, hubs, params.min_bridge_piece)
    hubs.update(bridges)
    return _result(graph, hubs, degree, joined, list(bridges))


def _complaint_labels(graph: Graph, links: BoolArray) -> IntArray:
    """Component number of every complaint, joined only by the keys where ``links`` is set."""
    pick = links[graph.key]
    compact = np.cumsum(links) - 1
    n_keys = int(compact[-1] + 1) if len(compact) else 0
    labels = bipartite_labels(
        graph.n_complaints, n_keys, graph.comp[pick], compact[graph.key[pick]]
    )
    return labels[: graph.n_complaints]


# --- statistical hubs -------------------------------------------------------------------------
# The judgement is a sequential greedy (rising degree; each accepted candidate merges the groups
# it touches, and that changes how later candidates look). It is computed exactly, in waves: a
# pending candidate is judged as soon as no earlier pending candidate touches any of its current
# groups, so the candidates of one wave touch disjoint groups and are judged and merged together
# with array operations. A candidate whose complaints already sit in one group merges nothing,
# whenever it is judged, so it is settled at once and blocks no one.


@dataclass
class _Pending:
    """Candidate–group incidences, sorted by candidate rank: complaints of ``rank`` in ``root``."""

    rank: IntArray
    root: IntArray
    weight: IntArray

    def take(self, mask: BoolArray) -> _Pending:
        return _Pending(self.rank[mask], self.root[mask], self.weight[mask])

    def part(self, start: int, stop: int) -> _Pending:
        return _Pending(self.rank[start:stop], self.root[start:stop], self.weight[start:stop])

    def ranks(self) -> IntArray:
        return self.rank[run_starts(self.rank)] if len(self.rank) else self.rank


_NOBODY = np.iinfo(np.int64).max


@dataclass
class _Groups:
    """Union-find over base groups: a merged root points at the new root, one level per wave."""

    parent: IntArray
    size: IntArray
    first: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.first = np.full(len(self.size), _NOBODY, dtype=np.int64)

    def roots(self) -> IntArray:
        """The root of every group (by compressing the whole forest)."""
        parent = self.parent
        while not np.array_equal(up := parent[parent], parent):
            parent = up
        return parent

    def find(self, nodes: IntArray) -> IntArray:
        while True:
            up = self.parent[nodes]
            if np.array_equal(up, nodes):
                return nodes
            nodes = up


def _judge_candidates(
    graph: Graph, labels: IntArray, order: IntArray, degree: IntArray, params: LinkParams
) -> tuple[dict[int, Hub], IntArray]:
    """Greedy in rising degree, then re-judge refused candidates until nothing changes.

    Also returns every complaint's group at the end: the base groups joined by the accepted
    candidates, which are the components of the graph without the hubs found so far.
    """
    size = np.bincount(labels).astype(np.int64)
    groups = _Groups(np.arange(len(size), dtype=np.int64), size)
    pending = _incidences(graph, labels, order)
    verdicts: dict[int, tuple[int, float]] = {}
    for _ in range(params.max_rounds):
        pending.root = groups.find(pending.root)
        refused = _judge_round(groups, pending, params, verdicts)
        if len(refused.ranks()) == len(pending.ranks()):
            break
        pending = refused
    out: dict[int, Hub] = {}
    for rank in pending.ranks().tolist():
        k = int(order[rank])
        count, share = verdicts[rank]
        detail = f"named across {count} otherwise separate groups (largest {share:.0%})"
        out[k] = Hub(graph.keys[k], "statistical", int(degree[k]), count, detail)
    return out, groups.roots()[labels]


def _incidences(graph: Graph, labels: IntArray, order: IntArray) -> _Pending:
    """How many complaints of each candidate (by rank) fall in each base group."""
    rank_of = np.full(len(graph.keys), -1, dtype=np.int64)
    rank_of[order] = np.arange(len(order), dtype=np.int64)
    rank = rank_of[graph.key]
    pick = rank >= 0
    n_groups = int(labels.max(initial=0)) + 1
    combined = np.sort(rank[pick] * n_groups + labels[graph.comp[pick]])
    starts = run_starts(combined)
    weight = np.diff(np.append(starts, len(combined)))
    rank_part, root = np.divmod(combined[starts], n_groups)
    return _Pending(rank_part, root, weight.astype(np.int64))


def _judge_round(
    groups: _Groups, pending: _Pending, params: LinkParams, verdicts: dict[int, tuple[int, float]]
) -> _Pending:
    """Judge every pending candidate once, in waves; return the refused ones' incidences.

    Only earlier candidates can hold a candidate back, so each wave examines a prefix of the
    pending ones (``head``), a few times larger than what the last wave could judge.
    """
    refused: list[_Pending] = []
    head, pos, wanted = pending.part(0, 0), 0, _WINDOW
    while len(head.rank) or pos < len(pending.rank):
        head, pos = _refill(groups, head, pending, pos, wanted)
        starts = run_starts(head.rank)
        lengths = np.diff(np.append(starts, len(head.rank)))
        if params.hub_groups >= 2:  # one group: accepted, and merging it changes nothing
            one = np.minimum.reduceat(head.root, starts) == np.maximum.reduceat(head.root, starts)
            head, starts, lengths = _drop(head, starts, lengths, one)
            if not len(head.rank):
                continue
        first = groups.first  # the earliest pending candidate touching each group
        np.minimum.at(first, head.root, head.rank)
        waits = np.logical_or.reduceat(first[head.root] < head.rank, starts)
        first[head.root] = _NOBODY
        ready = ~np.repeat(waits, lengths)
        refused.append(_judge_wave(groups, head.take(ready), params, verdicts))
        head = head.take(~ready)
        head.root = groups.parent[head.root]  # roots merged in this wave: one step up
        wanted = max(_WINDOW, 3 * int(ready.sum()))
    return _joined(refused)


_WINDOW = 1 << 12  # incidences examined by a wave at least


def _refill(
    groups: _Groups, head: _Pending, pending: _Pending, pos: int, wanted: int
) -> tuple[_Pending, int]:
    """Top the head up to about ``wanted`` incidences, ending on a candidate boundary."""
    stop = min(pos + wanted - len(head.rank), len(pending.rank))
    if stop <= pos:
        return head, pos
    stop = int(np.searchsorted(pending.rank, pending.rank[stop - 1], side="right"))
    fresh = pending.part(pos, stop)
    fresh.root = groups.find(fresh.root)
    return _Pending(
        *(
            np.concatenate(pair)
            for pair in (
                (head.rank, fresh.rank),
                (head.root, fresh.root),
                (head.weight, fresh.weight),
            )
        )
    ), stop


def _joined(parts: list[_Pending]) -> _Pending:
    """Incidences of several waves, back in candidate order."""
    rank, root, weight = (
        np.concatenate([np.zeros(0, dtype=np.int64), *arrays])
        for arrays in ([p.rank for p in parts], [p.root for p in parts], [p.weight for p in parts])
    )
    order = np.argsort(rank, kind="stable")
    return _Pending(rank[order], root[order], weight[order])


def _drop(
    pending: _Pending, starts: IntArray, lengths: IntArray, settled: BoolArray
) -> tuple[_Pending, IntArray, IntArray]:
    kept = pending.take(~np.repeat(settled, lengths))
    lengths = lengths[~settled]
    return kept, np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64), lengths


def _judge_wave(
    groups: _Groups, wave: _Pending, params: LinkParams, verdicts: dict[int, tuple[int, float]]
) -> _Pending:
    """Candidates that touch disjoint groups: refuse the spread ones, merge the others' groups."""
    n = len(groups.size)
    joint = wave.rank * n + wave.root
    order = np.argsort(joint, kind="stable")
    combined = joint[order]  # a group may be touched through several base labels
    starts = run_starts(combined)
    rank, root = np.divmod(combined[starts], n)
    weight = np.add.reduceat(wave.weight[order], starts)
    evidenced = groups.size[root] >= 2
    cand = run_starts(rank)
    count = np.add.reduceat(evidenced.astype(np.int64), cand)
    counted = np.where(evidenced, weight, 0)
    total = np.add.reduceat(counted, cand)
    share = np.maximum.reduceat(counted, cand) / np.maximum(total, 1)
    share[total == 0] = 1.0
    refuse = (count >= params.hub_groups) & (share < params.hub_top_share)
    refused = rank[cand][refuse]
    for r, c, s in zip(
        refused.tolist(), count[refuse].tolist(), share[refuse].tolist(), strict=True
    ):
        verdicts[r] = (c, s)
    lengths = np.diff(np.append(cand, len(rank)))
    accept = ~np.repeat(refuse, lengths)
    new_root = np.repeat(root[cand], lengths)  # the smallest root of each candidate's groups
    moved = accept & (root != new_root)
    np.add.at(groups.size, new_root[moved], groups.size[root[moved]])
    groups.parent[root[moved]] = new_root[moved]
    per_rank = np.diff(np.append(run_starts(wave.rank), len(wave.rank)))
    return wave.take(np.repeat(refuse, per_rank))  # the same candidates, in the same order


# --- bridges ----------------------------------------------------------------------------------
def family(key: str) -> str:
    """Keys that are one piece of infrastructure: a website's URLs belong to its domain."""
    if key.startswith("url:"):
        host = urlsplit(key[4:]).hostname
        if host:
            return "domain:" + host.removeprefix("www.")
    return key


def _bridges(
    graph: Graph, blocked: BoolArray, hubs: Mapping[int, Hub], min_piece: int
) -> dict[int, Hub]:
    """Key families that alone hold two substantial groups together (articulation points).

    Two campaigns that happen to share one website, or one mule account, stay apart; a
    campaign's rotations are held together by several carried-over identifiers, so it stays one.
    """
    keep = ~blocked
    keep[list(hubs)] = False
    useful = np.flatnonzero(keep)
    fam_of = _families(graph.keys, useful)
    fam = np.zeros(len(graph.keys), dtype=np.int64)
    fam[useful] = fam_of
    pick = keep[graph.key]
    n_fam = max(int(fam_of.max(initial=-1)) + 1, 1)
    comp, fnode = np.divmod(distinct(graph.comp[pick] * n_fam + fam[graph.key[pick]]), n_fam)
    found = articulations(graph.n_complaints, n_fam, comp, fnode, min_piece)
    out: dict[int, Hub] = {}
    hit = np.isin(fam_of, np.fromiter(found, dtype=np.int64, count=len(found)))
    for k, f in zip(useful[hit].tolist(), fam_of[hit].tolist(), strict=True):
        a, b = found[f]
        detail = (
            f"the only link between groups of {a} and {b} complaints (via {family(graph.keys[k])})"
        )
        out[k] = Hub(graph.keys[k], "bridge", 0, 2, detail)
    return out


def _families(keys: list[str], useful: IntArray) -> IntArray:
    """Family number (0, 1, ...) of each useful key: a URL joins its domain's (``family``)."""
    fam_of = np.arange(len(useful), dtype=np.int64)
    first: dict[str, int] = {}
    for i, text in enumerate([keys[k] for k in useful.tolist()]):
        if text.startswith(("url:", "domain:")):  # other keys are families of their own
            fam_of[i] = first.setdefault(family(text), i)
    return compact(fam_of)[1]


# --- the result -------------------------------------------------------------------------------
def _result(
    graph: Graph, hubs: dict[int, Hub], degree: IntArray, joined: IntArray, bridges: list[int]
) -> Linking:
    links = degree >= 2
    links[list(hubs)] = False
    labels = _cut(graph, joined, links, bridges)
    grouped = np.bincount(labels)[labels] >= 2
    members = np.flatnonzero(grouped)
    members = members[np.argsort(labels[members], kind="stable")]
    cuts = run_starts(labels[members])
    ids = np.asarray(graph.complaint_ids, dtype=np.int64)
    groups = _slices(ids[members].tolist(), cuts)
    groups.sort(key=lambda g: (-len(g), min(g)))
    pick = links[graph.key] & grouped[graph.comp]
    return Linking(groups, _via(graph, pick, links), sorted(hubs.values(), key=lambda h: h.key))


def _cut(graph: Graph, joined: IntArray, links: BoolArray, bridges: list[int]) -> IntArray:
    """Components once the bridges are cut: only the components that held a bridge are redone."""
    if not bridges:
        return joined
    bridge = np.zeros(len(graph.keys), dtype=bool)
    bridge[bridges] = True
    touched = np.zeros(int(joined.max()) + 1, dtype=bool)
    touched[joined[graph.comp[bridge[graph.key]]]] = True
    inside = touched[joined]
    rows = np.flatnonzero(inside)
    pick = inside[graph.comp] & links[graph.key]
    key_ids, key_local = compact(graph.key[pick])
    row_of = np.cumsum(inside) - 1
    split = bipartite_labels(len(rows), len(key_ids), row_of[graph.comp[pick]], key_local)
    labels = joined.copy()
    labels[rows] = int(joined.max()) + 1 + split[: len(rows)]
    return labels


def _slices(flat: list[Any], starts: IntArray) -> list[list[Any]]:
    bounds = np.append(starts, len(flat)).tolist()
    # Hundreds of thousands of small acyclic lists: the cycle collector would rescan them all
    # several times over while they are made (3-5x the time), and has nothing to find.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [flat[a:b] for a, b in pairwise(bounds)]
    finally:
        if enabled:
            gc.enable()


def _via(graph: Graph, pick: BoolArray, links: BoolArray) -> dict[int, list[str]]:
    """The linking keys of every grouped complaint, alphabetical."""
    names = sorted(np.flatnonzero(links).tolist(), key=graph.keys.__getitem__)
    alphabetical = np.zeros(len(graph.keys), dtype=np.int64)
    alphabetical[names] = np.arange(len(names), dtype=np.int64)
    width = max(len(names), 1)
    comp, rank = np.divmod(np.sort(graph.comp[pick] * width + alphabetical[graph.key[pick]]), width)
    texts = np.asarray([graph.keys[k] for k in names], dtype=object)
    starts = run_starts(comp)
    ids = np.asarray(graph.complaint_ids, dtype=np.int64)[comp[starts]].tolist()
    return dict(zip(ids, _slices(texts[rank].tolist(), starts), strict=True))


def assign_codes(
    groups: list[list[int]], previous: Mapping[int, str], new_code: Callable[[], str]
) -> tuple[list[str], dict[str, str]]:
    """Stable campaign codes across rebuilds.

    Each new group inherits the previous code that most of its members carried (largest overlap
    first, each code used once); the rest get fresh codes. Returns the code of every group and,
    for every previous code that did not survive, the code that took most of its members
    ("" when none did: the campaign dissolved).
    """
    overlaps: list[tuple[int, str, int]] = []
    for index, members in enumerate(groups):
        counts = Counter(previous[c] for c in members if c in previous)
        overlaps.extend((n, code, index) for code, n in counts.items())
    overlaps.sort(key=lambda t: (-t[0], t[1], t[2]))
    codes: list[str | None] = [None] * len(groups)
    used: set[str] = set()
    for _, code, index in overlaps:
        if codes[index] is None and code not in used:
            codes[index] = code
            used.add(code)
    final = [code if code is not None else new_code() for code in codes]
    successor: dict[str, str] = {}
    for _, code, index in overlaps:  # largest overlap first: the main heir
        if code not in used:
            successor.setdefault(code, final[index])
    for code in set(previous.values()) - used:
        successor.setdefault(code, "")
    return final, successor
