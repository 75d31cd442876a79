"""Linking in the database: full rebuilds, one complaint at a time, the signal, alerts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.campaigns import services, workspace
from tracebridge.campaigns.models import Alert, Campaign, CampaignMember, CampaignStatus, Hub
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.signals import complaints_saved

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]


def code_of(complaint: Complaint) -> str | None:
    member = CampaignMember.objects.filter(complaint=complaint).select_related("campaign").first()
    return member.campaign.code if member else None


def test_full_link_groups_across_agencies_and_summarises(make_complaint: Make) -> None:
    a = make_complaint("phone:+919812345678", country="US", victim={"age_band": "70+"})
    b = make_complaint("phone:+919812345678", "upi:fraud@okaxis", agency="IN-CBI", country="IN")
    c = make_complaint("upi:fraud@okaxis", agency="IN-I4C", country="IN", loss_amount=None)
    alone = make_complaint("phone:+14155550100")
    report = services.full_link()
    assert (report.campaigns, report.linked, report.sightings) == (1, 3, 5)
    campaign = Campaign.objects.get()
    assert code_of(a) == code_of(b) == code_of(c) == campaign.code
    assert code_of(alone) is None
    assert campaign.cross_border and campaign.size == 3
    assert campaign.countries == ["IN", "US"]
    assert campaign.summary["losses"] == {"INR": "100.00", "USD": "100.00"}
    assert campaign.summary["elderly"] == 1
    assert {p["name"] for p in campaign.summary["priority_parts"]} >= {"victims", "cross_border"}
    assert CampaignMember.objects.get(complaint=b).via == [
        "phone:+919812345678",
        "upi:fraud@okaxis",
    ]


def test_rebuild_keeps_codes_and_records_merges(make_complaint: Make) -> None:
    a1, a2 = make_complaint("phone:+911"), make_complaint("phone:+911")
    b1, b2 = make_complaint("upi:b@ok"), make_complaint("upi:b@ok")
    services.full_link()
    code_a, code_b = code_of(a1), code_of(b1)
    assert code_a and code_b and code_a != code_b
    services.full_link()
    assert (code_of(a2), code_of(b2)) == (code_a, code_b)
    make_complaint("phone:+911", "upi:b@ok")
    services.full_link()
    assert code_of(a1) == code_of(b1)
    gone = Campaign.objects.get(status=CampaignStatus.MERGED)
    assert gone.merged_into == code_of(a1)


def test_incremental_join_merge_and_stand_alone(make_complaint: Make) -> None:
    a = make_complaint("phone:+911")
    b = make_complaint("phone:+911")
    (joined,) = services.link_complaints([b.pk])
    assert joined.campaign is not None and joined.via == ["phone:+911"]
    assert code_of(a) == code_of(b) == joined.campaign.code
    assert CampaignMember.objects.get(complaint=a).via == ["phone:+911"]
    c, d = make_complaint("upi:x@ok"), make_complaint("upi:x@ok")
    services.link_complaints([d.pk])
    bridge = make_complaint("phone:+911", "upi:x@ok")
    (merged,) = services.link_complaints([bridge.pk])
    assert len(merged.merged) == 1
    assert len({code_of(x) for x in (a, b, c, d, bridge)}) == 1
    lone = make_complaint("phone:+44")
    assert services.link_complaints([lone.pk])[0].campaign is None
    assert Campaign.objects.filter(status=CampaignStatus.ACTIVE).get().size == 5


def test_incremental_never_links_through_warninglist_or_known_hubs(make_complaint: Make) -> None:
    make_complaint("phone:+18006427676")
    second = make_complaint("phone:+18006427676")
    assert services.link_complaints([second.pk])[0].campaign is None
    Hub.objects.create(key="phone:+1999", kind="phone", reason="statistical")
    make_complaint("phone:+1999")
    third = make_complaint("phone:+1999")
    assert services.link_complaints([third.pk])[0].campaign is None


def test_incremental_refuses_a_busy_key_that_straddles_campaigns(
    make_complaint: Make, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "PARAMS", services.linking.LinkParams(min_hub_degree=4))
    for tag in "abc":
        make_complaint(f"upi:{tag}@ok", "phone:+9100")
        make_complaint(f"upi:{tag}@ok")
    make_complaint("phone:+9100")
    services.full_link()  # three campaigns; the shared phone is refused as a hub
    assert Hub.objects.filter(key="phone:+9100").exists()
    Hub.objects.all().delete()
    newcomer = make_complaint("phone:+9100")
    joined = services.link_complaints([newcomer.pk])[0]
    assert joined.campaign is None and joined.refused == ["phone:+9100"]
    assert Hub.objects.get(key="phone:+9100").reason == "statistical"


def test_big_batches_run_a_full_link(make_complaint: Make, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "INCREMENTAL_LIMIT", 1)
    a, b = make_complaint("phone:+911"), make_complaint("phone:+911")
    joined = services.link_complaints([a.pk, b.pk])
    assert joined[0].campaign is not None and joined[0].campaign == joined[1].campaign


def test_signal_links_and_alerts_followers(
    make_complaint: Make, analyst: Any, cbi_analyst: Any
) -> None:
    first = make_complaint("phone:+919812345678")
    workspace.follow(analyst, "identifier", "098123 45678")  # any spelling, IN number from the US
    workspace.follow(cbi_analyst, "identifier", "+91 98123 45678")
    new = make_complaint("phone:+919812345678")  # AMBER of US-FBI: the CBI analyst may not see it
    complaints_saved.send(sender=Complaint, complaint_ids=[new.pk])
    assert code_of(first) == code_of(new) is not None
    alert = Alert.objects.get()
    assert (alert.user, alert.complaint) == (analyst, new)
    assert alert.campaign is not None and alert.campaign.code == code_of(new)
    complaints_saved.send(sender=Complaint, complaint_ids=[new.pk])
    assert Alert.objects.count() == 1  # one alert per complaint, however often it is saved
    assert workspace.mark_read(analyst) == 1


def test_alerts_for_a_batch_take_a_few_queries(
    make_complaint: Make, analyst: Any, django_assert_max_num_queries: Any
) -> None:
    workspace.follow(analyst, "identifier", "+91 98123 45678")
    made = [make_complaint("phone:+919812345678") for _ in range(20)]
    with django_assert_max_num_queries(8):
        assert workspace.raise_alerts([c.pk for c in made]) == 20
    assert workspace.raise_alerts([c.pk for c in made]) == 0
    assert Alert.objects.filter(user=analyst, campaign__isnull=True).count() == 20


def test_campaign_follow_alerts(make_complaint: Make, analyst: Any) -> None:
    make_complaint("phone:+911")
    second = make_complaint("phone:+911")
    services.link_complaints([second.pk])
    workspace.follow(analyst, "campaign", code_of(second) or "")
    third = make_complaint("phone:+911")
    complaints_saved.send(sender=Complaint, complaint_ids=[third.pk])
    assert Alert.objects.get().complaint == third


def test_follow_rejects_what_is_not_an_identifier(analyst: Any) -> None:
    with pytest.raises(services_error()):
        workspace.follow(analyst, "identifier", "hello there")
    with pytest.raises(services_error()):
        workspace.follow(analyst, "person", "x")
    with pytest.raises(services_error()):
        workspace.follow(analyst, "campaign", " ")


def test_saved_search_names_are_unique_per_user(analyst: Any) -> None:
    workspace.save_search(analyst, "helpline", "+91 98123 45678")
    with pytest.raises(services_error()):
        workspace.save_search(analyst, "helpline", "other")
    with pytest.raises(services_error()):
        workspace.save_search(analyst, "", "x")


def services_error() -> type[Exception]:
    from tracebridge.agencies.services import ServiceError

    return ServiceError


def test_full_link_joins_a_rotating_campaign_its_long_lived_keys_corroborate(
    make_complaint: Make, monkeypatch: Any
) -> None:
    """Three rotations share no key; three long-lived accounts, each named in every rotation,
    hold them together: each alone straddles three groups, together they corroborate."""
    monkeypatch.setattr(services, "PARAMS", services.linking.LinkParams(min_hub_degree=5))
    for rotation in range(3):
        # each rotation: six complaints, each naming two of its three phones (four namers each);
        # each long-lived account: two complaints a rotation, six in all
        for i in range(6):
            phones = [f"phone:+9150{rotation}{(i + j) % 3}" for j in (0, 1)]
            make_complaint(*phones, f"upi:long{i // 2}@ok")
    report = services.full_link()
    assert (report.campaigns, report.linked, report.hubs, report.admitted) == (1, 18, 0, 3)
    assert not Hub.objects.exists()
