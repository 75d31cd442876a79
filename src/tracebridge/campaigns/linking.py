"""Campaign linking: complaints that share identifiers belong together, hubs excepted.

Pure (no Django): the input is the complaint–identifier sightings, the output is the groups of
complaints, the identifiers that joined them and the hubs that were refused.

The graph is bipartite (complaint — identifier). Its connected components are found with a
vectorised hook-and-compress over numpy arrays, so a million complaints take seconds, and
storage stays linear in sightings: no pairwise table is ever built.

Hubs are identifiers that victims of unrelated campaigns all mention (impersonated helplines,
government numbers, big platforms, free-mail domains). Two defences:
(1) a curated warninglist (``warninglist.listed``), never linked;
(2) statistical: an identifier named by at least ``min_hub_degree`` complaints is a candidate;
    it is a hub when its complaints already fall, through other evidence, into at least
    ``hub_groups`` separate groups none of which holds ``hub_top_share`` of them. A campaign's own
    number, however busy, sits inside one group; an impersonated helpline straddles many.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


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
        c = np.fromiter(comp, dtype=np.int64)
        k = np.fromiter(key, dtype=np.int64)
        if len(c):
            pair = np.unique(c * len(keys) + k)  # the same key in two fields counts once
            c, k = pair // len(keys), pair % len(keys)
        return cls(complaint_ids, keys, c, k)

    @property
    def n_complaints(self) -> int:
        return len(self.complaint_ids)

    def degree(self) -> IntArray:
        """Distinct complaints naming each key."""
        return np.bincount(self.key, minlength=len(self.keys)).astype(np.int64)


def components(n_nodes: int, u: IntArray, v: IntArray) -> IntArray:
    """Connected-component label (the smallest node id) of every node; edges u[i]–v[i]."""
    parent = np.arange(n_nodes, dtype=np.int64)
    while True:
        pu, pv = parent[u], parent[v]
        differ = pu != pv
        if not differ.any():
            return parent
        lo, hi = np.minimum(pu[differ], pv[differ]), np.maximum(pu[differ], pv[differ])
        # Hook each root onto the smallest root it touches; lo < hi, so no cycles form.
        np.minimum.at(parent, hi, lo)
        while True:  # pointer jumping until every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        u, v = u[differ], v[differ]


class _UnionFind:
    """Python union-find over group labels, for the few hub candidates."""

    def __init__(self, sizes: Mapping[int, int]) -> None:
        self.parent: dict[int, int] = {}
        self.size = dict(sizes)

    def find(self, x: int) -> int:
        root = x
        while (up := self.parent.get(root, root)) != root:
            root = up
        while (up := self.parent.get(x, x)) != root:
            self.parent[x] = root
            x = up
        return root

    def union(self, roots: Iterable[int]) -> None:
        found = {self.find(r) for r in roots}
        if len(found) < 2:
            return
        top = max(found, key=lambda r: (self.size.get(r, 1), -r))
        for r in found - {top}:
            self.parent[r] = top
            self.size[top] = self.size.get(top, 1) + self.size.pop(r, 1)


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
    labels = _base_labels(graph, blocked | candidate)
    order = np.flatnonzero(candidate)
    order = order[np.argsort(degree[order], kind="stable")]
    hubs.update(_judge_candidates(graph, labels, order, params))
    hubs.update(_bridges(graph, blocked, hubs, params.min_bridge_piece))
    return _result(graph, hubs, degree)


def _base_labels(graph: Graph, excluded: npt.NDArray[np.bool_]) -> IntArray:
    keep = ~excluded[graph.key]
    n = graph.n_complaints
    nodes = components(n + len(graph.keys), graph.comp[keep], graph.key[keep] + n)
    return nodes[:n]


def _by_key(graph: Graph) -> tuple[IntArray, IntArray]:
    """CSR of complaints per key: complaints of key k are comp[indptr[k]:indptr[k+1]]."""
    order = np.argsort(graph.key, kind="stable")
    indptr = np.zeros(len(graph.keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(graph.key, minlength=len(graph.keys)), out=indptr[1:])
    return graph.comp[order], indptr


def _judge_candidates(
    graph: Graph, labels: IntArray, order: IntArray, params: LinkParams
) -> dict[int, Hub]:
    """Greedy in rising degree, then re-judge refused candidates until nothing changes."""
    members, indptr = _by_key(graph)
    values, counts = np.unique(labels, return_counts=True)
    uf = _UnionFind(dict(zip(values.tolist(), counts.tolist(), strict=True)))
    verdicts: dict[int, tuple[int, float]] = {}
    pending = order.tolist()
    for _ in range(params.max_rounds):
        refused: list[int] = []
        for k in pending:
            roots = [uf.find(int(x)) for x in labels[members[indptr[k] : indptr[k + 1]]]]
            groups, share = _spread(roots, uf.size)
            if groups >= params.hub_groups and share < params.hub_top_share:
                refused.append(k)
                verdicts[k] = (groups, share)
            else:
                uf.union(roots)
        if len(refused) == len(pending):
            break
        pending = refused
    final = set(pending)
    return {
        k: Hub(
            graph.keys[k],
            "statistical",
            int(indptr[k + 1] - indptr[k]),
            verdicts[k][0],
            f"named across {verdicts[k][0]} otherwise separate groups "
            f"(largest {verdicts[k][1]:.0%})",
        )
        for k in final
    }


def family(key: str) -> str:
    """Keys that are one piece of infrastructure: a website's URLs belong to its domain."""
    if key.startswith("url:"):
        host = urlsplit(key[4:]).hostname
        if host:
            return "domain:" + host.removeprefix("www.")
    return key


def _bridges(
    graph: Graph, blocked: npt.NDArray[np.bool_], hubs: Mapping[int, Hub], min_piece: int
) -> dict[int, Hub]:
    """Key families that alone hold two substantial groups together (articulation points).

    Two campaigns that happen to share one website, or one mule account, stay apart; a
    campaign's rotations are held together by several carried-over identifiers, so it stays one.
    """
    keep = ~blocked
    keep[list(hubs)] = False
    useful = np.flatnonzero(keep).tolist()
    names = {k: family(graph.keys[k]) for k in useful}
    fam_index: dict[str, int] = {}
    fam = np.zeros(len(graph.keys), dtype=np.int64)
    for k in useful:
        fam[k] = fam_index.setdefault(names[k], len(fam_index))
    pick = keep[graph.key]
    n = graph.n_complaints
    pair = np.unique(graph.comp[pick] * len(fam_index) + fam[graph.key[pick]])
    comp, fnode = pair // max(len(fam_index), 1), pair % max(len(fam_index), 1) + n
    found = _articulations(n, n + len(fam_index), comp, fnode, min_piece)
    out: dict[int, Hub] = {}
    for k, name in names.items():
        f = fam_index[name] + n
        if f in found:
            a, b = found[f]
            detail = f"the only link between groups of {a} and {b} complaints (via {name})"
            out[k] = Hub(graph.keys[k], "bridge", 0, 2, detail)
    return out


def _articulations(
    n_complaints: int, n_nodes: int, comp: IntArray, fnode: IntArray, min_piece: int
) -> dict[int, tuple[int, int]]:
    """Key nodes whose removal leaves two pieces of ``min_piece`` complaints or more."""
    labels = components(n_nodes, comp, fnode)
    sizes = np.bincount(labels[:n_complaints], minlength=n_nodes)
    u = np.concatenate([comp, fnode])
    v = np.concatenate([fnode, comp])
    order = np.argsort(u, kind="stable")
    nbrs: list[int] = v[order].tolist()
    indptr: list[int] = np.concatenate([[0], np.cumsum(np.bincount(u, minlength=n_nodes))]).tolist()
    roots = np.flatnonzero(sizes[labels[:n_complaints]] >= 2 * min_piece)
    walk = _Tarjan(n_complaints, n_nodes, nbrs, indptr)
    for root in roots.tolist():
        if walk.disc[root] < 0:
            walk.run(root)
    found: dict[int, tuple[int, int]] = {}
    for node, pieces in walk.separated.items():
        rest = int(sizes[labels[node]]) - sum(pieces)
        ranked = sorted([*pieces, rest], reverse=True)
        if len(ranked) > 1 and ranked[1] >= min_piece:
            found[node] = (ranked[0], ranked[1])
    return found


class _Tarjan:
    """Iterative Hopcroft–Tarjan articulation points, counting complaints under each subtree."""

    def __init__(self, n_complaints: int, n_nodes: int, nbrs: list[int], indptr: list[int]):
        self.nc, self.nbrs, self.indptr = n_complaints, nbrs, indptr
        self.disc = [-1] * n_nodes
        self.low = [0] * n_nodes
        self.count = [0] * n_nodes
        self.separated: dict[int, list[int]] = {}
        self.clock = 0

    def _visit(self, node: int) -> None:
        self.disc[node] = self.low[node] = self.clock
        self.clock += 1
        self.count[node] = 1 if node < self.nc else 0

    def run(self, root: int) -> None:
        disc, low, count, nbrs, indptr = self.disc, self.low, self.count, self.nbrs, self.indptr
        self._visit(root)
        stack = [(root, -1)]
        cursor = [indptr[root]]
        while stack:
            node, parent = stack[-1]
            i = cursor[-1]
            if i < indptr[node + 1]:
                cursor[-1] = i + 1
                nxt = nbrs[i]
                if disc[nxt] < 0:
                    self._visit(nxt)
                    stack.append((nxt, node))
                    cursor.append(indptr[nxt])
                elif nxt != parent and disc[nxt] < low[node]:
                    low[node] = disc[nxt]
                continue
            stack.pop()
            cursor.pop()
            if parent >= 0:
                low[parent] = min(low[parent], low[node])
                count[parent] += count[node]
                if parent >= self.nc and low[node] >= disc[parent]:
                    self.separated.setdefault(parent, []).append(count[node])


def _spread(roots: list[int], sizes: Mapping[int, int]) -> tuple[int, float]:
    """How many evidenced groups (2+ complaints) the roots fall into, and the top one's share."""
    counts = Counter(r for r in roots if sizes.get(r, 1) >= 2)
    if not counts:
        return 0, 1.0
    return len(counts), max(counts.values()) / sum(counts.values())


def _result(graph: Graph, hubs: dict[int, Hub], degree: IntArray) -> Linking:
    # Components without the hubs are exactly the base groups plus the accepted candidates.
    labels = _final_labels(graph, np.fromiter(hubs, dtype=np.int64, count=len(hubs)))
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    grouped = counts[inverse] >= 2
    order = np.argsort(inverse, kind="stable")
    cut = np.flatnonzero(np.diff(inverse[order])) + 1
    ids = np.asarray(graph.complaint_ids, dtype=np.int64)
    groups = [ids[chunk].tolist() for chunk in np.split(order, cut) if len(chunk) >= 2]
    linking_key = np.ones(len(graph.keys), dtype=bool)
    linking_key[list(hubs)] = False
    linking_key &= degree >= 2
    via: dict[int, list[str]] = {}
    pick = linking_key[graph.key] & grouped[graph.comp]
    for c, k in zip(graph.comp[pick].tolist(), graph.key[pick].tolist(), strict=True):
        via.setdefault(graph.complaint_ids[c], []).append(graph.keys[k])
    for keys in via.values():
        keys.sort()
    groups.sort(key=lambda g: (-len(g), min(g)))
    return Linking(groups, via, sorted(hubs.values(), key=lambda h: h.key))


def _final_labels(graph: Graph, hub_keys: IntArray) -> IntArray:
    excluded = np.zeros(len(graph.keys), dtype=bool)
    excluded[hub_keys] = True
    return _base_labels(graph, excluded)


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
