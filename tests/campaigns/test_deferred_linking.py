"""deferred_linking(): complaints saved in a bulk operation are linked once, when it ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.campaigns import services, workspace
from tracebridge.campaigns.models import Alert, CampaignMember
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.signals import complaints_saved

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]


def code_of(complaint: Complaint) -> str | None:
    member = CampaignMember.objects.filter(complaint=complaint).select_related("campaign").first()
    return member.campaign.code if member else None


def saved(*complaints: Complaint) -> None:
    complaints_saved.send(sender=Complaint, complaint_ids=[c.pk for c in complaints])


def test_links_once_at_the_end_and_alerts_once(
    make_complaint: Make, analyst: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.follow(analyst, "identifier", "+91 98123 45678")
    calls: list[list[int]] = []
    real = services.link_complaints
    monkeypatch.setattr(
        services, "link_complaints", lambda ids: calls.append(list(ids)) or real(ids)
    )
    with services.deferred_linking():
        first = make_complaint("phone:+919812345678")
        saved(first)
        second = make_complaint("phone:+919812345678")
        saved(second, first)  # a complaint saved twice is linked once
        assert CampaignMember.objects.count() == 0
        assert not Alert.objects.filter(campaign__isnull=False).exists()
    assert calls[-1] == [first.pk, second.pk]
    assert code_of(first) == code_of(second) is not None
    alerts = Alert.objects.order_by("complaint_id")
    assert [a.complaint for a in alerts] == [first, second]  # one alert each, not one a save
    assert [a.campaign.code if a.campaign else None for a in alerts] == [code_of(first)] * 2


def test_campaign_followers_are_alerted_after_the_deferred_link(
    make_complaint: Make, analyst: Any
) -> None:
    make_complaint("upi:desk@okaxis")
    second = make_complaint("upi:desk@okaxis")
    services.link_complaints([second.pk])
    workspace.follow(analyst, "campaign", code_of(second) or "")
    with services.deferred_linking():
        third = make_complaint("upi:desk@okaxis")
        saved(third)
        assert not Alert.objects.exists()  # not linked yet: its campaign is unknown
    assert code_of(third) == code_of(second)
    assert Alert.objects.get().complaint == third


def test_nested_blocks_link_when_the_outermost_ends(make_complaint: Make) -> None:
    with services.deferred_linking():
        with services.deferred_linking():
            a, b = make_complaint("phone:+911"), make_complaint("phone:+911")
            saved(a, b)
        assert code_of(a) is None
    assert code_of(a) == code_of(b) is not None


def test_what_was_saved_is_linked_even_when_the_block_fails(make_complaint: Make) -> None:
    a, b = make_complaint("phone:+912"), make_complaint("phone:+912")
    with pytest.raises(KeyboardInterrupt), services.deferred_linking():
        saved(a, b)
        raise KeyboardInterrupt
    assert code_of(a) == code_of(b) is not None
    assert services.link_complaints([a.pk])[0].campaign is not None  # no longer deferred


def test_many_deferred_complaints_get_one_full_rebuild(
    make_complaint: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    rebuilds: list[Any] = []
    real = services.full_link
    monkeypatch.setattr(services, "full_link", lambda: rebuilds.append(1) or real())
    with services.deferred_linking():
        made = [make_complaint(f"phone:+91{i // 3}") for i in range(30)]
        for complaint in made:
            saved(complaint)
    assert len(rebuilds) == 1
    assert len({code_of(c) for c in made}) == 10 and None not in {code_of(c) for c in made}
