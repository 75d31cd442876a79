"""The pure linking core: components, hubs, bridges, explanations, stable codes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.campaigns import linking, warninglist
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
