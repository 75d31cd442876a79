"""Campaign linking: complaints that share identifiers belong together, hubs excepted.

Pure (no Django): the input is the complaint–identifier sightings, the output is the groups of
complaints, the identifiers that joined them and the hubs that were refused.

The graph is bipartite (complaint — identifier). Every step is whole-array work (numpy, scipy's
compiled graph routines, and numba-compiled sequential walks, in ``campaigns.graphs``), so a
million complaints take under a second, and storage stays linear in sightings: no pairwise
table is ever built. The explanations (``Linking.via``) are made on first lookup.

Hubs are identifiers that victims of unrelated campaigns all mention (impersonated helplines,
government numbers, big platforms, free-mail domains). Three defences:
(1) a curated warninglist (``warninglist.listed``), never linked;
(2) statistical: an identifier named by at least ``min_hub_degree`` complaints is a candidate;
    it is a hub when its complaints already fall, through other evidence, into at least
    ``hub_groups`` separate groups none of which holds ``hub_top_share`` of them. A campaign's own
    number, however busy, sits inside one group; an impersonated helpline straddles many.
    A website (its domain with all its URLs, ``family``) is one candidate.
(3) bridges: a key family that alone holds two groups of ``min_bridge_piece`` complaints together.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from tracebridge import warninglist
from tracebridge.campaigns.graphs import (
    articulations,
    bipartite_labels,
    compact,
    distinct,
    jit,
    run_starts,
    sort_positions,
    sort_runs,
)
from tracebridge.campaigns.graphs import components as components  # public here too

IntArray = npt.NDArray[np.int64]
PAYMENT_KINDS = ("upi:", "bank:", "wallet:")
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class LinkParams:
    min_hub_degree: int = 8
    hub_groups: int = 3
    hub_top_share: float = 0.6
    max_rounds: int = 4
    # A key family that is the only link between two groups of this many complaints is a bridge.
    min_bridge_piece: int = 10
    # Corroboration: two groups that this many separate key families (each judged a hub on its
    # own) all join are one campaign's rotations; they are joined and the keys judged again.
    # A key touching more groups than ``max_corroborating`` corroborates nothing (a true hub).
    min_corroboration: int = 3
    # Stricter, off: one of them must be a payment account (the money trail: victims of both
    # pay into the same mule layer), which no impersonated helpline or platform is. It costs
    # recall where a campaign's accounts rotate faster than its phones and sites.
    corroboration_needs_payment: bool = False
    max_corroborating: int = 16
    # A website (its domain with all its URLs) judged as one candidate. Off: it did not lift
    # precision where impersonated sites are not warninglisted (the sites' pages were not what
    # chained the campaigns there) and cost recall where a campaign's own site outlives its
    # rotations (docs/campaigns.md, "Quality on a family of worlds").
    judge_sites: bool = False


@dataclass(frozen=True)
class Hub:
    key: str
    reason: str  # "warninglist" | "statistical" | "bridge"
    degree: int
    groups: int
    detail: str


@dataclass(frozen=True)
class Admitted:
    """A busy key that counting alone would refuse, linked because other keys agree."""

    key: str
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
    via: Mapping[int, list[str]]
    hubs: list[Hub] = field(default_factory=list)
    admitted: list[Admitted] = field(default_factory=list)

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
    sites = Families.of(graph, blocked, degree, params.judge_sites)
    candidate = sites.busy(params.min_hub_degree)
    labels = _complaint_labels(graph, ~(blocked | candidate[sites.of_key]))
    judged, admitted, joined = _judge_candidates(graph, labels, sites, candidate, params)
    hubs.update(judged)
    bridges = _bridges(graph, blocked, hubs, joined, params.min_bridge_piece)
    hubs.update(bridges)
    result = _result(graph, hubs, degree, joined, list(bridges))
    result.admitted = sorted(
        (a for k, a in admitted.items() if k not in bridges), key=lambda a: a.key
    )
    return result


@dataclass
class Families:
    """The linking keys grouped into families (``family``: a website's domain with all its
    URLs), each judged as one candidate: its pages cannot chain campaigns below the hub
    threshold before the site is judged. ``of_key`` is -1 for keys that never link."""

    graph: Graph
    of_key: IntArray
    first: IntArray  # each family's first key
    degree: IntArray  # distinct complaints naming any key of the family
    more: dict[int, list[int]]  # the other keys of the families of several keys

    @classmethod
    def of(cls, graph: Graph, blocked: BoolArray, key_degree: IntArray, by_site: bool) -> Families:
        """``by_site`` False: every key is a family of its own."""
        useful = np.flatnonzero(~blocked)
        if by_site:
            first, number = compact(_family_firsts(graph.keys, useful))
        else:
            first = number = np.arange(len(useful), dtype=np.int64)
        of_key = np.full(len(graph.keys), -1, dtype=np.int64)
        of_key[useful] = number
        n_fam = len(first)
        size = np.bincount(number, minlength=n_fam)
        degree = np.zeros(n_fam, dtype=np.int64)
        degree[number] = key_degree[useful]  # right for families of one key
        more: dict[int, list[int]] = {}
        others = np.flatnonzero((size[number] > 1) & (np.arange(len(useful)) != first[number]))
        for k, f in zip(useful[others].tolist(), number[others].tolist(), strict=True):
            more.setdefault(f, []).append(k)
        if more:
            fam = of_key[graph.key]
            pick = fam >= 0
            pick[pick] = size[fam[pick]] > 1
            pairs = distinct(graph.comp[pick] * n_fam + fam[pick])
            multi = np.flatnonzero(size > 1)
            degree[multi] = np.bincount(pairs % n_fam, minlength=n_fam)[multi]
        return cls(graph, of_key, useful[first], degree, more)

    def busy(self, min_degree: int) -> BoolArray:
        """Families named by ``min_degree`` complaints or more (with a -1 slot: False)."""
        return np.append(self.degree >= min_degree, False)

    def keys(self, f: int) -> list[int]:
        return [int(self.first[f]), *self.more.get(f, [])]

    def name(self, f: int) -> str:
        return family(self.graph.keys[int(self.first[f])])

    def note(self, f: int) -> str:
        n = len(self.more.get(f, []))
        return f" (judged as one site: {self.name(f)} and its {n} other keys)" if n else ""


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
# it touches, and that changes how later candidates look), run as written over a union-find of
# the base groups, compiled (``graphs.jit``).


def _judge_candidates(
    graph: Graph, labels: IntArray, sites: Families, candidate: BoolArray, params: LinkParams
) -> tuple[dict[int, Hub], dict[int, Admitted], IntArray]:
    """Greedy in rising degree, then re-judge refused candidates until nothing changes; then
    join the groups that several refused candidates agree on (``_corroborate``) and judge the
    refused ones again, round after round. The candidates are key families (``Families``).

    Also returns the candidates admitted by corroboration and every complaint's group at the
    end: the base groups joined by the accepted candidates, which are the components of the
    graph without the hubs found so far.
    """
    order = np.flatnonzero(candidate[:-1])
    order = order[np.argsort(sites.degree[order], kind="stable")]
    parent = np.arange(int(labels.max(initial=-1)) + 1, dtype=np.int64)
    size = np.bincount(labels, minlength=len(parent)).astype(np.int64)
    indptr, group, weight = _incidences(graph, labels, order, sites.of_key)
    rules = (params.hub_groups, float(params.hub_top_share), params.max_rounds)
    refused, count, share = _judge(indptr, group, weight, parent, size, *rules)
    support: dict[int, tuple[int, int]] = {}
    for _ in range(params.max_rounds):
        fams = [sites.name(int(order[r])) for r in refused.tolist()]
        found = _corroborate(refused, fams, indptr, group, parent, size, params)
        if not found:
            break
        support.update(found)
        sub_ptr, sub_group = _subset(indptr, group, refused)
        again, sub_count, sub_share = _judge(
            sub_ptr, sub_group, np.ones(len(sub_group), dtype=np.int64), parent, size, *rules
        )
        count[refused], share[refused] = sub_count, sub_share
        refused = refused[again]
    out: dict[int, Hub] = {}
    for rank in refused.tolist():
        f = int(order[rank])
        detail = (
            f"named across {int(count[rank])} otherwise separate groups "
            f"(largest {float(share[rank]):.0%}) that no other identifiers join" + sites.note(f)
        )
        for k in sites.keys(f):
            out[k] = Hub(
                graph.keys[k], "statistical", int(sites.degree[f]), int(count[rank]), detail
            )
    admitted: dict[int, Admitted] = {}
    for rank in sorted(set(support) - set(refused.tolist())):
        f, (backers, groups) = int(order[rank]), support[rank]
        detail = (
            f"joins {groups} groups that {backers - 1} other identifiers also join "
            "(one campaign's rotations, not a hub)" + sites.note(f)
        )
        for k in sites.keys(f):
            admitted[k] = Admitted(graph.keys[k], int(sites.degree[f]), groups, detail)
    return out, admitted, _roots(parent)[labels]


def _subset(indptr: IntArray, group: IntArray, ranks: IntArray) -> tuple[IntArray, IntArray]:
    """The incidences (CSR) of the candidates ``ranks`` only, in that order."""
    lengths = indptr[ranks + 1] - indptr[ranks]
    sub_ptr = np.zeros(len(ranks) + 1, dtype=np.int64)
    np.cumsum(lengths, out=sub_ptr[1:])
    pick = np.concatenate(
        [np.arange(indptr[r], indptr[r + 1]) for r in ranks.tolist()] or [np.empty(0, np.int64)]
    )
    return sub_ptr, group[pick.astype(np.int64)]


def _corroborate(
    refused: IntArray,
    families: list[str],
    indptr: IntArray,
    group: IntArray,
    parent: IntArray,
    size: IntArray,
    params: LinkParams,
) -> dict[int, tuple[int, int]]:
    """Join the groups that ``min_corroboration`` separate key families among the refused
    candidates all join: a campaign that rotates splits into pieces that many of its own
    long-lived keys hold together, while a hub is the only thing between the campaigns it
    straddles. Returns, for each refused candidate touching a joined pair, the most families
    seen on one of its pairs and the number of groups it touched."""
    roots = _roots(parent)
    backers: dict[tuple[int, int], set[str]] = {}
    pairs_of: dict[int, tuple[list[tuple[int, int]], int]] = {}
    for rank, fam in zip(refused.tolist(), families, strict=True):
        touched = np.unique(roots[group[indptr[rank] : indptr[rank + 1]]])
        touched = touched[size[touched] >= 2].tolist()
        if not 2 <= len(touched) <= params.max_corroborating:
            continue
        pairs = list(combinations(touched, 2))
        pairs_of[rank] = pairs, len(touched)
        for pair in pairs:
            backers.setdefault(pair, set()).add(fam)
    strong = {
        p
        for p, fams in backers.items()
        if len(fams) >= params.min_corroboration
        and (not params.corroboration_needs_payment or any(map(_payment, fams)))
    }
    for a, b in sorted(strong):
        _union(parent, size, a, b)
    return {
        rank: (max(len(backers[p]) for p in pairs), groups)
        for rank, (pairs, groups) in pairs_of.items()
        if any(p in strong for p in pairs)
    }


def _payment(key: str) -> bool:
    """A key victims pay into: a UPI ID, a bank account or a wallet."""
    return key.startswith(PAYMENT_KINDS)


@jit
def _union(parent: IntArray, size: IntArray, a: int, b: int) -> None:
    """Join two groups the way ``_judge`` does: the smaller root number is the root."""
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        low, high = min(ra, rb), max(ra, rb)
        parent[high] = low
        size[low] += size[high]


def _incidences(
    graph: Graph, labels: IntArray, order: IntArray, of_key: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """The base group of each candidate family's complaints (each complaint once), candidate
    by candidate (rank order, CSR)."""
    rank_of = np.full(int(of_key.max(initial=-1)) + 2, -1, dtype=np.int64)  # [-1] for -1
    rank_of[order] = np.arange(len(order), dtype=np.int64)
    rank = rank_of[of_key[graph.key]]
    pick = np.flatnonzero(rank >= 0)
    n = max(graph.n_complaints, 1)
    pairs = distinct(rank[pick] * n + graph.comp[pick])  # a URL and its domain count once
    ranks, comps = np.divmod(pairs, n)
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(ranks, minlength=len(order)), out=indptr[1:])
    group = labels[comps]
    return indptr, group, np.ones(len(group), dtype=np.int64)


@jit
def _find(parent: IntArray, node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]  # path halving
        node = parent[node]
    return node


@jit
def _roots(parent: IntArray) -> IntArray:
    return np.array([_find(parent, node) for node in range(len(parent))], dtype=np.int64)


@jit
def straddles(groups: int, largest: int, total: int, hub_groups: int, top_share: float) -> bool:
    """The statistical hub rule (incremental linking runs ``link`` itself on a neighbourhood).

    A candidate's complaints fall into ``groups`` separate groups (of two or more complaints;
    ``total`` of its complaints are in them, ``largest`` in the biggest): it is a hub when they
    number ``hub_groups`` or more and none holds ``top_share`` of them.
    """
    return groups >= hub_groups and total > 0 and largest / total < top_share


@jit
def _judge(
    indptr: IntArray,
    group: IntArray,
    weight: IntArray,
    parent: IntArray,
    size: IntArray,
    hub_groups: int,
    top_share: float,
    max_rounds: int,
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """The pending candidates' judgement, round after round: the refused ones at the end.

    A candidate is spread (refused) when the groups holding two or more complaints among those
    it touches number ``hub_groups`` or more and none holds ``top_share`` of its complaints
    there; otherwise it merges every group it touches. Returns the refused ranks, and every
    candidate's last count of groups and largest share.
    """
    n_cand = len(indptr) - 1
    pending = np.arange(n_cand, dtype=np.int64)
    n_pending = n_cand
    count = np.zeros(n_cand, dtype=np.int64)
    share = np.ones(n_cand, dtype=np.float64)
    held = np.zeros(len(parent), dtype=np.int64)  # the candidate's complaints in each root
    touched = np.empty(len(group), dtype=np.int64)
    for _ in range(max_rounds):
        kept = 0
        for j in range(n_pending):
            rank = pending[j]
            n_touched = 0
            for i in range(indptr[rank], indptr[rank + 1]):
                root = _find(parent, group[i])
                if held[root] == 0:
                    touched[n_touched] = root
                    n_touched += 1
                held[root] += weight[i]
            groups, total, largest, smallest = 0, 0, 0, len(parent)
            for t in range(n_touched):
                root = touched[t]
                smallest = min(smallest, root)
                if size[root] >= 2:
                    groups += 1
                    total += held[root]
                    largest = max(largest, held[root])
            count[rank] = groups
            share[rank] = largest / total if total > 0 else 1.0
            spread = straddles(groups, largest, total, hub_groups, top_share)
            if spread:
                pending[kept] = rank
                kept += 1
            for t in range(n_touched):
                root = touched[t]
                held[root] = 0
                if not spread and root != smallest:
                    parent[root] = smallest
                    size[smallest] += size[root]
        if kept == n_pending:
            break
        n_pending = kept
    return pending[:n_pending].copy(), count, share


# --- bridges ----------------------------------------------------------------------------------
def family(key: str) -> str:
    """Keys that are one piece of infrastructure: a website's URLs belong to its domain.

    A link on a shared host (``bit.ly/<code>``, ``t.me/<channel>``) is its own family: the
    host is everyone's, the link one owner's.
    """
    if key.startswith("url:") and not warninglist.shared_link(key[4:]):
        host = urlsplit(key[4:]).hostname
        if host:
            return "domain:" + host.removeprefix("www.")
    return key


def _bridges(
    graph: Graph, blocked: BoolArray, hubs: Mapping[int, Hub], joined: IntArray, min_piece: int
) -> dict[int, Hub]:
    """Key families that alone hold two substantial groups together (articulation points).

    Two campaigns that happen to share one website, or one mule account, stay apart; a
    campaign's rotations are held together by several carried-over identifiers, so it stays one.
    """
    keep = ~blocked
    keep[list(hubs)] = False
    useful = np.flatnonzero(keep)
    fam_of = compact(_family_firsts(graph.keys, useful))[1]
    fam = np.zeros(len(graph.keys), dtype=np.int64)
    fam[useful] = fam_of
    pick = keep[graph.key]
    n_fam = max(int(fam_of.max(initial=-1)) + 1, 1)
    # Complaints renumbered group by group: the search then walks memory it has just touched
    # (3x faster than in arrival order). A URL and its domain named by one complaint give a
    # repeated edge, which moves no articulation point.
    near = sort_positions(joined)
    found = articulations(
        graph.n_complaints, n_fam, near[graph.comp[pick]], fam[graph.key[pick]], min_piece
    )
    out: dict[int, Hub] = {}
    hit = np.isin(fam_of, np.fromiter(found, dtype=np.int64, count=len(found)))
    for k, f in zip(useful[hit].tolist(), fam_of[hit].tolist(), strict=True):
        a, b = found[f]
        detail = (
            f"the only link between groups of {a} and {b} complaints (via {family(graph.keys[k])})"
        )
        out[k] = Hub(graph.keys[k], "bridge", 0, 2, detail)
    return out


def _family_firsts(keys: list[str], useful: IntArray) -> IntArray:
    """For each useful key, the position (in ``useful``) of the first key of its family: a URL
    joins its domain's (``family``); other keys are families of their own."""
    fam_of = np.arange(len(useful), dtype=np.int64)
    first: dict[str, int] = {}
    for i, text in enumerate([keys[k] for k in useful.tolist()]):
        if text.startswith(("url:", "domain:")):
            fam_of[i] = first.setdefault(family(text), i)
    return fam_of


# --- the result -------------------------------------------------------------------------------
def _result(
    graph: Graph, hubs: dict[int, Hub], degree: IntArray, joined: IntArray, bridges: list[int]
) -> Linking:
    links = degree >= 2
    links[list(hubs)] = False
    labels = _cut(graph, joined, links, bridges)
    grouped = np.bincount(labels)[labels] >= 2
    members = np.empty(int(grouped.sum()), dtype=np.int64)
    members[sort_positions(labels[grouped])] = np.flatnonzero(grouped)  # group by group
    cuts = run_starts(labels[members])
    ids = np.asarray(graph.complaint_ids, dtype=np.int64)
    groups = _slices(ids[members].tolist(), cuts)
    groups.sort(key=lambda g: (-len(g), min(g)))
    pick = links[graph.key] & grouped[graph.comp]
    return Linking(groups, Via(graph, pick, links), sorted(hubs.values(), key=lambda h: h.key))


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
    with collector_paused():
        return [flat[a:b] for a, b in pairwise(bounds)]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while many small acyclic objects are made (it would rescan
    them, and in a long-lived process trigger a full collection of everything it holds)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Via(Mapping[int, list[str]]):
    """The linking keys of every grouped complaint, alphabetical, by complaint id.

    ``link`` keeps only the linking sightings of grouped complaints; the lists are made, all at
    once, on the first lookup: a rebuild that saves every member pays for them as it saves
    (beside making each member's row), an evaluation that needs only the groups never does.
    """

    def __init__(self, graph: Graph, pick: BoolArray, links: BoolArray) -> None:
        self._graph, self._links = graph, links
        self._comp, self._key = graph.comp[pick], graph.key[pick]
        self._lists: dict[int, list[str]] | None = None

    def _built(self) -> dict[int, list[str]]:
        if self._lists is None:
            self._lists = self._build()
        return self._lists

    def _build(self) -> dict[int, list[str]]:
        keys = self._graph.keys
        names = sorted(np.flatnonzero(self._links).tolist(), key=keys.__getitem__)
        alphabetical = np.zeros(len(keys), dtype=np.int64)
        alphabetical[names] = np.arange(len(names), dtype=np.int64)
        comp, rank = self._comp, alphabetical[self._key]
        if len(comp) > 1 and (comp[1:] < comp[:-1]).any():  # Graph.from_arrays sorts them
            order = np.argsort(comp, kind="stable")
            comp, rank = comp[order], rank[order]
        starts = run_starts(comp)
        rank = sort_runs(rank, starts)  # each complaint's few keys, alphabetical
        texts = np.asarray([keys[k] for k in names], dtype=object)
        ids = np.asarray(self._graph.complaint_ids, dtype=np.int64)[comp[starts]].tolist()
        return dict(zip(ids, _slices(texts[rank].tolist(), starts), strict=True))

    def __getitem__(self, complaint_id: int) -> list[str]:
        return self._built()[complaint_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


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
