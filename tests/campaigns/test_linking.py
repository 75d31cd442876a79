"""The pure linking core: components, hubs, bridges, explanations, stable codes."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge import warninglist
from tracebridge.campaigns import linking
from tracebridge.campaigns.graphs import articulations, sort_positions, sort_runs
from tracebridge.campaigns.linking import Graph, LinkParams, assign_codes, components, link


def groups_of(pairs: list[tuple[int, str]], **params: object) -> list[list[int]]:
    return link(Graph.from_pairs(pairs), warninglist.listed, LinkParams(**params)).groups  # type: ignore[arg-type]


def test_shared_identifiers_chain_complaints_that_share_nothing_directly() -> None:
    pairs = [
        (1, "phone:+911"),
        (2, "phone:+911"),
        (2, "upi:a@ok"),
        (3, "upi:a@ok"),
        (4, "upi:z@ok"),
    ]
    result = link(Graph.from_pairs(pairs))
    assert result.groups == [[1, 2, 3]]
    assert result.via == {1: ["phone:+911"], 2: ["phone:+911", "upi:a@ok"], 3: ["upi:a@ok"]}


def test_explanations_are_a_mapping_made_on_first_lookup() -> None:
    pairs = [(1, "upi:b@ok"), (1, "phone:+911"), (2, "upi:b@ok"), (2, "phone:+911"), (3, "x:y")]
    via = link(Graph.from_pairs(pairs)).via
    assert via.get(3, []) == [] and 3 not in via
    assert via[1] == via[2] == ["phone:+911", "upi:b@ok"]
    assert (len(via), sorted(via)) == (2, [1, 2])
    assert via == {1: ["phone:+911", "upi:b@ok"], 2: ["phone:+911", "upi:b@ok"]}
    assert link(Graph.from_pairs([])).via == {}


def test_explanations_of_a_graph_built_unsorted() -> None:
    keys = ["upi:b@ok", "phone:+911", "upi:a@ok"]
    comp = np.array([1, 0, 1, 0, 2], dtype=np.int64)
    key = np.array([0, 2, 2, 0, 1], dtype=np.int64)
    result = link(Graph([10, 11, 12], keys, comp, key))
    assert result.groups == [[10, 11]]
    assert result.via == {10: ["upi:a@ok", "upi:b@ok"], 11: ["upi:a@ok", "upi:b@ok"]}


def test_sort_runs_sorts_each_run_alone() -> None:
    values = np.array([3, 1, 2, 9, 0, 5, 4], dtype=np.int64)
    starts = np.array([0, 3, 4], dtype=np.int64)
    assert sort_runs(values, starts).tolist() == [1, 2, 3, 9, 0, 4, 5]
    assert values.tolist() == [3, 1, 2, 9, 0, 5, 4]
    long = np.arange(40, dtype=np.int64)[::-1].copy()
    assert sort_runs(long, np.array([0, 20], dtype=np.int64)).tolist() == [
        *range(20, 40),
        *range(20),
    ]
    assert sort_runs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == []


def test_sort_positions_is_a_stable_counting_sort() -> None:
    labels = np.array([3, 0, 3, 1, 0], dtype=np.int64)
    positions = sort_positions(labels)
    assert positions.tolist() == [3, 0, 4, 2, 1]
    assert positions.tolist() == np.argsort(np.argsort(labels, kind="stable")).tolist()
    assert sort_positions(np.zeros(0, dtype=np.int64)).tolist() == []


def test_a_repeated_edge_moves_no_articulation_point() -> None:
    # Family 0 holds complaints 0, 1, 2; family 1 holds 2, 3, 4, 5: each is the only link of
    # its one-complaint pieces to the rest. Closing the cycle 2-1-5-0 changes nothing here.
    comp = np.array([0, 1, 2, 2, 3, 4, 5], dtype=np.int64)
    fam = np.array([0, 0, 0, 1, 1, 1, 1], dtype=np.int64)
    expected = {0: (4, 1), 1: (3, 1)}
    assert articulations(6, 2, comp, fam, 1) == expected
    assert articulations(6, 2, np.append(comp, [2, 3]), np.append(fam, [1, 1]), 1) == expected
    assert articulations(6, 2, comp, fam, 2) == {}
    closed = articulations(6, 2, np.append(comp, 5), np.append(fam, 0), 1)
    assert closed == {0: (4, 1), 1: (4, 1)}


def test_no_sightings_gives_no_groups() -> None:
    assert link(Graph.from_pairs([])).groups == []


def test_warninglisted_identifiers_never_link() -> None:
    pairs = [(1, "phone:+18006427676"), (2, "phone:+18006427676"), (3, "domain:mail.gmail.com")]
    pairs += [
        (4, "domain:mail.gmail.com"),
        (5, "url:https://www.irs.gov/pay"),
        (6, "url:https://irs.gov/x"),
    ]
    result = link(Graph.from_pairs(pairs), warninglist.listed)
    assert result.groups == []
    assert {h.reason for h in result.hubs} == {"warninglist"}
    assert warninglist.listed("domain:amzn-refund-desk.com") is None
    assert warninglist.listed("email:someone@gmail.com") is None
    assert warninglist.listed("domain:x.gov.in") == "government domain"
    assert warninglist.listed("phone:+15550001", extra={"phone:+15550001"})


def _campaign(start: int, size: int, tag: str) -> list[tuple[int, str]]:
    """A campaign whose complaints each name two of its three identifiers."""
    keys = [f"phone:+{tag}1", f"upi:{tag}@ok", f"email:{tag}@x.in"]
    return [(start + i, keys[(i + j) % 3]) for i in range(size) for j in range(2)]


def test_busy_identifier_named_across_unrelated_campaigns_is_a_statistical_hub() -> None:
    pairs = _campaign(0, 6, "a") + _campaign(100, 6, "b") + _campaign(200, 6, "c")
    pairs += [(c, "phone:+911800999999") for c in (0, 1, 100, 101, 200, 201)]
    pairs += [(300, "phone:+911800999999"), (301, "phone:+911800999999")]
    result = link(Graph.from_pairs(pairs), params=LinkParams(min_hub_degree=5))
    assert sorted(len(g) for g in result.groups) == [6, 6, 6]
    (hub,) = result.hubs
    assert (hub.key, hub.reason, hub.degree, hub.groups) == (
        "phone:+911800999999",
        "statistical",
        8,
        3,
    )


def test_a_campaigns_own_busy_number_still_links() -> None:
    pairs = (
        _campaign(0, 12, "a") + [(i, "phone:+919999") for i in range(12)] + [(50, "phone:+919999")]
    )
    result = link(Graph.from_pairs(pairs), params=LinkParams(min_hub_degree=5))
    assert result.groups == [[*range(12), 50]]
    assert result.hubs == []


def _rotating(long_lived: int) -> list[tuple[int, str]]:
    """One campaign in three rotations (no key carried from one to the next) that
    ``long_lived`` of its keys, each named by two complaints of every rotation, hold together."""
    pairs = _campaign(0, 6, "r1") + _campaign(100, 6, "r2") + _campaign(200, 6, "r3")
    for n in range(long_lived):
        key = f"upi:long{n}@ok"
        pairs += [(start + n % 3 + i, key) for start in (0, 100, 200) for i in range(2)]
    return pairs


def test_a_rotating_campaign_is_one_campaign_through_its_long_lived_keys() -> None:
    result = link(Graph.from_pairs(_rotating(3)), params=LinkParams(min_hub_degree=5))
    assert [len(g) for g in result.groups] == [18]
    assert result.hubs == []
    # Counting alone refuses each (3 groups, largest a third); the others agreeing admits it.
    assert [(a.key, a.degree, a.groups) for a in result.admitted] == [
        ("upi:long0@ok", 6, 3),
        ("upi:long1@ok", 6, 3),
        ("upi:long2@ok", 6, 3),
    ]
    assert result.admitted[0].detail == (
        "joins 3 groups that 2 other identifiers also join (one campaign's rotations, not a hub)"
    )
    assert "upi:long1@ok" in result.via[101]


def test_fewer_long_lived_keys_than_corroboration_asks_stay_refused() -> None:
    result = link(Graph.from_pairs(_rotating(2)), params=LinkParams(min_hub_degree=5))
    assert sorted(len(g) for g in result.groups) == [6, 6, 6]
    assert [(h.key, h.reason) for h in result.hubs] == [
        ("upi:long0@ok", "statistical"),
        ("upi:long1@ok", "statistical"),
    ]
    assert result.admitted == []
    loose = link(
        Graph.from_pairs(_rotating(2)), params=LinkParams(min_hub_degree=5, min_corroboration=2)
    )
    assert [len(g) for g in loose.groups] == [18]


def test_a_helpline_across_campaigns_stays_refused_beside_a_corroborated_campaign() -> None:
    """The helpline straddles three campaigns no other key joins; one of them rotates."""
    pairs = _rotating(3) + _campaign(300, 6, "b") + _campaign(400, 6, "c")
    pairs += [(c, "phone:+911800999999") for c in (0, 1, 300, 301, 400, 401)]
    result = link(Graph.from_pairs(pairs), params=LinkParams(min_hub_degree=5))
    assert sorted(len(g) for g in result.groups) == [6, 6, 18]
    (hub,) = result.hubs
    assert (hub.key, hub.reason, hub.groups) == ("phone:+911800999999", "statistical", 3)
    assert hub.detail == (
        "named across 3 otherwise separate groups (largest 33%) that no other identifiers join"
    )


def test_helplines_named_by_the_same_campaigns_corroborate_only_without_the_money_rule() -> None:
    """Three unlisted helplines across the same three campaigns: each pair of campaigns is
    joined by three families, none an account victims pay into (no money trail). By default
    they corroborate each other (the known limit); the stricter rule keeps them refused."""
    pairs = _campaign(0, 6, "a") + _campaign(100, 6, "b") + _campaign(200, 6, "c")
    for n in range(3):
        pairs += [(s + n * 2 + i, f"phone:+91180099999{n}") for s in (0, 100, 200) for i in (0, 1)]
    loose = link(Graph.from_pairs(pairs), params=LinkParams(min_hub_degree=5))
    assert [len(g) for g in loose.groups] == [18]
    strict = LinkParams(min_hub_degree=5, corroboration_needs_payment=True)
    result = link(Graph.from_pairs(pairs), params=strict)
    assert sorted(len(g) for g in result.groups) == [6, 6, 6]
    assert [h.reason for h in result.hubs] == ["statistical"] * 3
    assert result.admitted == []
    assert [len(g) for g in link(Graph.from_pairs(_rotating(3)), params=strict).groups] == [18]


def test_one_shared_website_alone_does_not_merge_two_campaigns() -> None:
    pairs = _campaign(0, 12, "a") + _campaign(100, 12, "b")
    pairs += [(0, "url:https://pc-alert.in/login"), (0, "domain:pc-alert.in")]
    pairs += [(100, "url:https://pc-alert.in/login"), (100, "domain:pc-alert.in")]
    result = link(Graph.from_pairs(pairs), params=LinkParams(min_bridge_piece=10))
    assert sorted(len(g) for g in result.groups) == [12, 12]
    assert {h.reason for h in result.hubs} == {"bridge"}
    assert "groups of 12 and 12" in result.hubs[0].detail


def test_small_pieces_are_not_bridges() -> None:
    pairs = [*_campaign(0, 12, "a"), (0, "wallet:btc:x"), (50, "wallet:btc:x")]
    assert groups_of(pairs) == [[*range(12), 50]]


def test_family_puts_urls_under_their_domain() -> None:
    assert linking.family("url:https://www.pc-alert.in/a?b") == "domain:pc-alert.in"
    assert linking.family("phone:+1") == "phone:+1"


def test_components_labels_by_smallest_node() -> None:
    u = np.array([0, 2, 4], dtype=np.int64)
    v = np.array([1, 3, 3], dtype=np.int64)
    assert components(6, u, v).tolist() == [0, 0, 2, 2, 2, 5]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from("abcdefgh")), max_size=80))
def test_groups_partition_complaints_and_ignore_input_order(raw: list[tuple[int, str]]) -> None:
    pairs = [(c, f"upi:{k}@ok") for c, k in raw]
    first = groups_of(pairs)
    flat = [c for g in first for c in g]
    assert len(flat) == len(set(flat))
    assert all(len(g) >= 2 for g in first)
    assert sorted(map(sorted, groups_of(pairs[::-1]))) == sorted(map(sorted, first))


def test_codes_survive_when_membership_mostly_stays() -> None:
    previous = {1: "CA1", 2: "CA1", 3: "CA1", 7: "CA2", 8: "CA2"}
    fresh = iter(["CA9"])
    codes, successors = assign_codes([[1, 2, 3, 4], [5, 6]], previous, lambda: next(fresh))
    assert codes == ["CA1", "CA9"]
    assert successors == {"CA2": ""}


def test_merged_campaign_keeps_the_larger_code_and_names_its_heir() -> None:
    previous = {1: "CA1", 2: "CA1", 3: "CA2"}
    codes, successors = assign_codes([[1, 2, 3]], previous, lambda: "never")
    assert codes == ["CA1"]
    assert successors == {"CA2": "CA1"}


# --- the fast paths against plain references ----------------------------------------------------
def test_components_of_isolated_nodes_and_no_edges() -> None:
    none = np.zeros(0, dtype=np.int64)
    assert components(3, none, none).tolist() == [0, 1, 2]
    assert components(0, none, none).tolist() == []


def test_graph_from_numpy_arrays_and_iterators_drops_repeats() -> None:
    keys = ["upi:a@ok", "upi:b@ok"]
    from_lists = Graph.from_arrays([10, 11], keys, [1, 0, 1, 1], [0, 1, 0, 1])
    from_arrays = Graph.from_arrays([10, 11], keys, np.array([1, 0, 1, 1]), np.array([0, 1, 0, 1]))
    from_iter = Graph.from_arrays([10, 11], keys, iter([1, 0, 1, 1]), iter([0, 1, 0, 1]))
    for graph in (from_lists, from_arrays, from_iter):
        assert graph.comp.tolist() == [0, 1, 1]
        assert graph.key.tolist() == [1, 0, 1]


def test_a_candidate_is_judged_after_the_earlier_ones_merged_its_groups() -> None:
    # Three groups of three. "phone:+1" (degree 6) is judged first: it names two groups, so it
    # is accepted and merges them. "phone:+2" (degree 7) names all three groups: against the
    # base groups alone it would be spread (3 groups, largest 3/7) and refused, but after the
    # merge it sees two groups and is accepted too.
    pairs = [(c, f"upi:g{c // 3}@ok") for c in range(9)]
    pairs += [(c, "phone:+1") for c in (0, 1, 2, 3, 4, 5)]
    pairs += [(c, "phone:+2") for c in (0, 1, 3, 4, 6, 7, 8)]
    params = LinkParams(min_hub_degree=5, max_rounds=1)  # no second look: the order alone
    result = link(Graph.from_pairs(pairs), params=params)
    assert result.hubs == []
    assert result.groups == [list(range(9))]
    alone = link(Graph.from_pairs(pairs[:9] + pairs[15:]), params=params)
    assert [(h.key, h.groups) for h in alone.hubs] == [("phone:+2", 3)]


def test_bridges_are_found_in_every_large_component() -> None:
    pairs = _campaign(0, 12, "a") + _campaign(100, 12, "b")
    pairs += _campaign(200, 12, "c") + _campaign(300, 12, "d")
    pairs += [
        (0, "domain:one.in"),
        (100, "domain:one.in"),
        (200, "upi:two@ok"),
        (300, "upi:two@ok"),
    ]
    result = link(Graph.from_pairs(pairs))
    assert sorted(len(g) for g in result.groups) == [12, 12, 12, 12]
    assert [(h.key, h.reason) for h in result.hubs] == [
        ("domain:one.in", "bridge"),
        ("upi:two@ok", "bridge"),
    ]


def _greedy_hubs(named: dict[str, set[int]], params: LinkParams) -> set[str]:
    """The statistical judgement, one candidate at a time, as the module docstring states."""
    import networkx as nx

    busy = [k for k, cs in named.items() if len(cs) >= params.min_hub_degree]
    base = nx.Graph()
    base.add_nodes_from(c for cs in named.values() for c in cs)
    base.add_edges_from(
        (c, "key " + k) for k, cs in named.items() if len(cs) >= 2 and k not in busy for c in cs
    )
    parts = [{c for c in part if isinstance(c, int)} for part in nx.connected_components(base)]
    group = {c: i for i, part in enumerate(parts) for c in part}
    size = {i: len(part) for i, part in enumerate(parts)}
    parent = {i: i for i in size}

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    order = list(named)

    def judged(pending: list[str]) -> list[str]:
        for _ in range(params.max_rounds):
            refused = []
            for k in pending:
                roots = [find(group[c]) for c in named[k]]
                counts = Counter(r for r in roots if size[r] >= 2)
                share = max(counts.values()) / sum(counts.values()) if counts else 1.0
                if len(counts) >= params.hub_groups and share < params.hub_top_share:
                    refused.append(k)
                    continue
                top, *rest = sorted(set(roots))
                for r in rest:
                    parent[r] = top
                    size[top] += size[r]
            if len(refused) == len(pending):
                break
            pending = refused
        return pending

    def corroborated(pending: list[str]) -> bool:
        """Join the group pairs that min_corroboration families among the refused all join."""
        backers: dict[tuple[int, int], set[str]] = {}
        for k in pending:
            roots = sorted({r for r in (find(group[c]) for c in named[k]) if size[r] >= 2})
            if 2 <= len(roots) <= params.max_corroborating:
                for a, b in itertools.combinations(roots, 2):
                    backers.setdefault((a, b), set()).add(linking.family(k))
        strong = [
            p
            for p, fams in backers.items()
            if len(fams) >= params.min_corroboration
            and (
                not params.corroboration_needs_payment
                or any(f.startswith(("upi:", "bank:", "wallet:")) for f in fams)
            )
        ]
        for a, b in strong:
            ra, rb = sorted((find(a), find(b)))
            if ra != rb:
                parent[rb] = ra
                size[ra] += size[rb]
        return bool(strong)

    pending = judged(sorted(busy, key=lambda k: (len(named[k]), order.index(k))))
    for _ in range(params.max_rounds):
        if not corroborated(pending):
            break
        pending = judged(pending)
    return set(pending)


def _articulation_families(named: dict[str, set[int]], hubs: set[str], min_piece: int) -> set[str]:
    """Families whose removal leaves two pieces of ``min_piece`` complaints (networkx)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(
        (c, "family " + linking.family(k))
        for k, cs in named.items()
        if len(cs) >= 2 and k not in hubs
        for c in cs
    )
    found = set()
    for node in [n for n in graph if isinstance(n, str)]:
        around = graph.subgraph(nx.node_connected_component(graph, node) - {node})
        pieces = sorted(
            (sum(isinstance(x, int) for x in part) for part in nx.connected_components(around)),
            reverse=True,
        )
        if len(pieces) > 1 and pieces[1] >= min_piece:
            found.add(node.removeprefix("family "))
    return found


def _clustered(seed: int) -> list[tuple[int, str]]:
    """Complaints in small clusters sharing cluster keys, some naming busy keys of other clusters."""
    rng = random.Random(seed)
    pairs = []
    for c in range(rng.randint(5, 70)):
        cluster = rng.randrange(6)
        for _ in range(rng.randint(1, 3)):
            k = cluster * 3 + rng.randrange(3) if rng.random() < 0.8 else rng.randrange(18)
            name = f"url:https://site{k % 4}.in/{k}" if k % 5 == 0 else f"upi:k{k}@ok"
            pairs.append((c, name))
    return pairs


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 2**32),
    st.integers(2, 6),
    st.integers(1, 4),
    st.integers(1, 8),
    st.integers(1, 4),
)
def test_hubs_and_bridges_match_plain_references(
    seed: int, min_hub_degree: int, hub_groups: int, min_piece: int, max_rounds: int
) -> None:
    pairs = _clustered(seed)
    params = LinkParams(
        min_hub_degree=min_hub_degree,
        hub_groups=hub_groups,
        min_bridge_piece=min_piece,
        max_rounds=max_rounds,
    )
    result = link(Graph.from_pairs(pairs), params=params)
    named: dict[str, set[int]] = {}
    for c, k in pairs:
        named.setdefault(k, set()).add(c)
    hubs = _greedy_hubs(named, params)
    assert {h.key for h in result.hubs if h.reason == "statistical"} == hubs
    bridges = _articulation_families(named, hubs, min_piece)
    assert {h.key for h in result.hubs if h.reason == "bridge"} == {
        k
        for k, cs in named.items()
        if len(cs) >= 2 and k not in hubs and linking.family(k) in bridges
    }
    refused = {h.key for h in result.hubs}
    links = {k for k, cs in named.items() if len(cs) >= 2 and k not in refused}
    assert dict(result.via) == {
        c: sorted({k for d, k in pairs if d == c} & links) for g in result.groups for c in g
    }
