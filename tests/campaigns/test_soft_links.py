"""Soft links (money): successive rotations of one campaign joined, everything else kept apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.campaigns.soft_links import CONTEXT, MONEY, Facts, SoftParams, soft_link

# Complaints 0-1: group 0, days 10-40; complaints 2-3: group 1, days 42-80; both pay into
# first-layer mules that pass the money on to collector IN:C1.
LABELS = [0, 0, 1, 1]
DAYS = [10, 40, 42, 80]
LAYERS = [(0, "IN:C1"), (3, "IN:C1")]


def facts(days: list[int] = DAYS, types: list[str] | None = None, layers=LAYERS) -> Facts:
    return Facts(days, types or ["tech_support"] * len(days), layers)


def test_successive_rotations_paying_into_one_mule_layer_are_joined() -> None:
    result = soft_link(LABELS, facts())
    assert len(set(result.labels)) == 1
    [link] = result.links
    assert (link.earlier, link.later, link.kind, link.via) == (0, 2, MONEY, ("IN:C1",))
    assert link.confidence == 0.7
    assert "IN:C1" in link.reason and "2 days after" in link.reason


def test_groups_live_at_the_same_time_stay_apart() -> None:
    result = soft_link(LABELS, facts(days=[10, 40, 30, 80]))
    assert result.labels == LABELS and result.links == []


def test_a_long_gap_links_nothing() -> None:
    result = soft_link(LABELS, facts(days=[10, 40, 71, 90]), params=SoftParams(gap_days=30))
    assert result.labels == LABELS


def test_no_scam_type_in_common_links_nothing() -> None:
    types = ["tech_support", "tech_support", "investment", "investment"]
    assert soft_link(LABELS, facts(types=types)).labels == LABELS


def test_no_common_downstream_account_links_nothing() -> None:
    assert soft_link(LABELS, facts(layers=[(0, "IN:C1"), (3, "IN:C2")])).labels == LABELS


def test_a_group_that_fits_two_chains_joins_neither() -> None:
    # Two campaigns of one operation run side by side (groups 0 and 1) and a third group
    # follows both: which campaign it continues, money cannot say.
    labels = [0, 0, 1, 1, 2, 2]
    days = [10, 40, 12, 41, 45, 60]
    layers = [(0, "IN:C1"), (2, "IN:C1"), (4, "IN:C1")]
    result = soft_link(labels, facts(days=days, layers=layers))
    assert result.labels == labels and result.links == []


def test_an_analyst_split_is_respected() -> None:
    result = soft_link(LABELS, facts(), kept_apart=[(3, 1)])
    assert result.labels == LABELS and result.links == []


def test_a_lone_complaint_continues_a_chain() -> None:
    labels = [0, 0, -1]
    result = soft_link(labels, facts(days=[10, 40, 50], layers=[(0, "IN:C1"), (2, "IN:C1")]))
    assert result.labels[0] == result.labels[1] == result.labels[2] != 0
    assert result.labels[2] >= 0


def test_untouched_groups_and_lone_complaints_keep_their_labels() -> None:
    labels = [0, 0, 1, 1, -1, 2, 2]
    days = [10, 40, 42, 80, 5, 1, 2]
    result = soft_link(labels, facts(days=days))
    assert result.labels[4:] == [-1, 2, 2]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 5), st.integers(0, 200), st.sampled_from("ab")),
        min_size=1,
        max_size=30,
    ),
    st.lists(st.tuples(st.integers(0, 29), st.sampled_from(["L1", "L2"])), max_size=20),
)
def test_soft_links_only_join_whole_groups(
    rows: list[tuple[int, int, str]], layers: list[tuple[int, str]]
) -> None:
    labels = [label for label, _, _ in rows]
    layers = [(c, layer) for c, layer in layers if c < len(rows)]
    result = soft_link(labels, Facts([d for _, d, _ in rows], [t for *_, t in rows], layers))
    for a, la in enumerate(labels):
        for b, lb in enumerate(labels):
            if la >= 0 and la == lb:
                assert result.labels[a] == result.labels[b]  # never split
    assert len(result.links) == len(set(labels) - {-1}) + labels.count(-1) - len(
        {label for label in result.labels if label >= 0}
    ) - result.labels.count(-1)


CONTEXT_ON = SoftParams(context=True, min_context_group=2)


def context_facts(types: list[str], countries: list[str]) -> Facts:
    # Complaints 0-1: group 0, days 10-40; complaint 2 names nothing, day 20.
    return Facts([10, 40, 20], types, (), countries, bare=[2])


def test_a_complaint_naming_nothing_joins_the_one_group_of_its_context() -> None:
    result = soft_link([0, 0, -1], context_facts(["kyc"] * 3, ["IN"] * 3), params=CONTEXT_ON)
    assert result.labels == [0, 0, 0]
    [link] = result.links
    assert (link.earlier, link.later, link.kind, link.confidence) == (0, 2, CONTEXT, 0.5)
    assert "kyc" in link.reason and "IN" in link.reason


def test_context_links_are_off_by_default() -> None:
    result = soft_link([0, 0, -1], context_facts(["kyc"] * 3, ["IN"] * 3))
    assert result.labels == [0, 0, -1]


def test_another_scam_type_or_country_or_two_fits_link_nothing() -> None:
    other_type = context_facts(["kyc", "kyc", "loan_app"], ["IN"] * 3)
    assert soft_link([0, 0, -1], other_type, params=CONTEXT_ON).labels == [0, 0, -1]
    other_country = context_facts(["kyc"] * 3, ["IN", "IN", "US"])
    assert soft_link([0, 0, -1], other_country, params=CONTEXT_ON).labels == [0, 0, -1]
    two = Facts([10, 40, 20, 5, 30], ["kyc"] * 5, (), ["IN"] * 5, bare=[2])
    assert soft_link([0, 0, -1, 1, 1], two, params=CONTEXT_ON).labels == [0, 0, -1, 1, 1]


def test_a_context_split_is_respected() -> None:
    facts = context_facts(["kyc"] * 3, ["IN"] * 3)
    result = soft_link([0, 0, -1], facts, kept_apart=[(0, 2)], params=CONTEXT_ON)
    assert result.labels == [0, 0, -1]
