"""Full and incremental linking follow one hub rule and reach the same partition.

Small worlds (a few dozen complaints): campaigns with their own identifier pools, warninglisted
helplines sprinkled over them, and keys several campaigns share; then worlds with statistical
hubs, rotating campaigns and corroborating long-lived keys. Complaints are added one at a time,
each linked incrementally as intake does; a full rebuild of the same sightings must agree, or,
where incremental holds a key refused that the full rebuild admits, be split no less.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracebridge.campaigns import linking, services
from tracebridge.campaigns.models import Campaign, CampaignMember, Hub, SoftLink
from tracebridge.complaints.models import Complaint, Sighting

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]
HELPLINE = "phone:+18006427676"  # on the warninglist


def _keys(campaign: int, picks: list[int], helpline: bool, shared: int | None) -> list[str]:
    keys = [f"upi:c{campaign}k{p}@ok" for p in picks]
    if helpline:
        keys.append(HELPLINE)
    if shared is not None:
        keys.append(f"phone:+9199000{shared}")
    return keys


complaint = st.builds(
    _keys,
    st.integers(0, 4),
    st.lists(st.integers(0, 3), min_size=1, max_size=2, unique=True),
    st.booleans(),
    st.one_of(st.none(), st.none(), st.integers(0, 5)),
)


def _partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for campaign_id, complaint_id in CampaignMember.objects.values_list(
        "campaign_id", "complaint_id"
    ):
        groups.setdefault(campaign_id, set()).add(complaint_id)
    return {frozenset(g) for g in groups.values()}


def _clear() -> None:
    CampaignMember.objects.all().delete()
    Campaign.objects.all().delete()
    Hub.objects.all().delete()
    Complaint.objects.all().delete()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(complaint, min_size=2, max_size=19))  # bridges need 2 x 10
def test_one_at_a_time_equals_a_full_rebuild(make_complaint: Make, world: list[list[str]]) -> None:
    _clear()
    for keys in world:
        services.link_complaints([make_complaint(*keys).pk])
    incremental = _partition()
    services.full_link()
    assert incremental == _partition()


def test_the_statistical_rule() -> None:
    assert linking.straddles(3, 3, 8, 3, 0.6)  # three groups, the largest 37.5%
    assert not linking.straddles(3, 5, 8, 3, 0.6)  # one group holds 62%
    assert not linking.straddles(2, 4, 8, 3, 0.6)  # two groups only
    assert not linking.straddles(0, 0, 0, 3, 0.6)


# Worlds with hubs and corroborated keys: hub candidates from four namers on, campaigns that
# rotate their accounts, long-lived phones named across rotations (which corroborate), and
# helplines no warninglist knows, named across campaigns (statistical hubs).
SMALL_HUBS = linking.LinkParams(min_hub_degree=4)


def _rotating(campaign: int, rotation: int, pick: int, long_lived: list[int], helpline: int | None):
    keys = [f"upi:c{campaign}r{rotation}k{pick}@ok"]
    keys += [f"phone:+9150{campaign}{n}" for n in long_lived]
    if helpline is not None:
        keys.append(f"phone:+1800555{helpline}")
    return keys


rotating = st.builds(
    _rotating,
    st.integers(0, 3),
    st.integers(0, 2),
    st.integers(0, 1),
    st.lists(st.integers(0, 2), max_size=2, unique=True),
    st.one_of(st.none(), st.none(), st.integers(0, 1)),
)


def _refused() -> set[str]:
    return set(
        Hub.objects.filter(reason__in=["statistical", "bridge"]).values_list("key", flat=True)
    )


def _refines(fine: set[frozenset[int]], coarse: set[frozenset[int]]) -> bool:
    return all(any(group <= big for big in coarse) for group in fine)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(rotating, min_size=12, max_size=30))
def test_one_at_a_time_never_joins_what_a_full_rebuild_refuses(
    make_complaint: Make, monkeypatch: pytest.MonkeyPatch, world: list[list[str]]
) -> None:
    """The contract (docs/campaigns.md, "One hub rule"): one at a time, the campaigns are
    exactly what every key links but the ones refused, and a full rebuild of the same
    sightings refuses no more keys and only joins more (it reconciles)."""
    monkeypatch.setattr(services, "PARAMS", SMALL_HUBS)
    _clear()
    for keys in world:
        services.link_complaints([make_complaint(*keys).pk])
    incremental, refused = _partition(), _refused()
    assert incremental == _linked_without(refused)
    services.full_link()
    assert _refines(incremental, _partition())
    assert refused >= _refused()


def _linked_without(refused: set[str]) -> set[frozenset[int]]:
    """The groups every key links but the listed and the ``refused`` ones."""
    listed = services.listed_fn()
    pairs = Sighting.objects.values_list("complaint_id", "key")
    off = linking.LinkParams(min_hub_degree=10**9, min_bridge_piece=10**9)
    result = linking.link(
        linking.Graph.from_pairs(pairs), lambda k: listed(k) or (k if k in refused else None), off
    )
    return {frozenset(g) for g in result.groups}


def _rotations(make_complaint: Make, long_key_first: bool) -> None:
    """Three rotations sharing no key, held together by three long-lived accounts, each named
    by two complaints of every rotation (six in all)."""
    order = [(r, i) for i in range(6) for r in range(3)]
    for rotation, i in order if long_key_first else sorted(order):
        phones = [f"phone:+9150{rotation}{(i + j) % 3}" for j in (0, 1)]
        services.link_complaints([make_complaint(*phones, f"upi:long{i // 2}@ok").pk])


def test_corroboration_one_at_a_time_as_in_a_full_rebuild(
    make_complaint: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rotation by rotation, the accounts cross the hub threshold together: the neighbourhood's
    relink corroborates them as a full rebuild does."""
    monkeypatch.setattr(services, "PARAMS", linking.LinkParams(min_hub_degree=5))
    _clear()
    _rotations(make_complaint, long_key_first=False)
    assert len(_partition()) == 1 and _refused() == set()
    report = services.full_link()
    assert (report.campaigns, report.admitted, len(_partition())) == (1, 3, 1)


def test_a_key_refused_one_at_a_time_is_admitted_by_the_next_full_rebuild(
    make_complaint: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Account after account: each is refused when it first straddles the rotations, before
    the others exist to corroborate it, and stays refused; the full rebuild sees all three
    agree and admits them; later complaints link by the full rule."""
    monkeypatch.setattr(services, "PARAMS", linking.LinkParams(min_hub_degree=5))
    _clear()
    _rotations(make_complaint, long_key_first=True)
    assert len(_partition()) == 3 and _refused() == {f"upi:long{n}@ok" for n in range(3)}
    report = services.full_link()
    assert (report.campaigns, report.admitted, _refused()) == (1, 3, set())
    newcomer = make_complaint("phone:+915000", "upi:long1@ok")
    assert services.link_complaints([newcomer.pk])[0].campaign is not None
    assert len(_partition()) == 1 and _refused() == set()


def test_one_at_a_time_keeps_what_stored_soft_links_joined(make_complaint: Make) -> None:
    """A full rebuild joined two identifier groups and a complaint naming no identifier on
    money (``SoftLink`` rows); relinking that campaign one complaint later keeps them joined."""
    _clear()
    a = [make_complaint("upi:a@ok") for _ in range(2)]
    b = [make_complaint("upi:b@ok") for _ in range(2)]
    bare = make_complaint()
    services.full_link()
    campaign = Campaign.objects.get(members__complaint=a[0])
    CampaignMember.objects.filter(complaint__in=b).update(campaign=campaign)
    CampaignMember.objects.create(campaign=campaign, complaint=bare, via=[])
    for later in (b[0], bare):
        SoftLink.objects.create(
            campaign=campaign, earlier=a[0], later=later, kind="money", confidence=0.9, reason="r"
        )
    newcomer = make_complaint("upi:a@ok")
    assert services.link_complaints([newcomer.pk])[0].campaign == campaign
    assert _partition() == {frozenset(c.pk for c in [*a, *b, bare, newcomer])}
