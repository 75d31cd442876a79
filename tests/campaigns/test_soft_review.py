"""Soft links in the pipeline: a full rebuild joins rotations on the money store, stores the
link with its kind and confidence, and an analyst's confirm or split survives rebuilds."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.campaigns import services
from tracebridge.campaigns.models import Campaign, CampaignMember, CampaignStatus, SoftLink
from tracebridge.complaints.models import Complaint
from tracebridge.money import services as money
from tracebridge.money.store import COLUMNS

MULE1, MULE2 = "IN:SBIN0001234:001234567890", "IN:SBIN0001234:001234567891"
COLLECTOR = "IN:HDFC0000001:99887766554"
COLLECTOR_KEY = f"bank:{COLLECTOR}"


def _row(txn_id: str, hour: int, src: str, dst: str, ref: str = "") -> dict[str, str]:
    return {
        "txn_id": txn_id,
        "time": f"2026-10-01T{hour:02d}:00:00+00:00",
        "from_account": src,
        "to_account": dst,
        "amount": "50000.00",
        "currency": "INR",
        "channel": "imps",
        "from_bank": "",
        "to_bank": "",
        "complaint_ref": ref,
    }


@pytest.fixture
def rotations(make_complaint: Callable[..., Complaint], tmp_path: Path) -> dict[str, Complaint]:
    """Two rotations of one campaign that share no identifier: days 0-20 on one number, days
    22-50 on another; one victim of each pays a first-layer mule, both mules pay one collector, which cashes out
    (so the mule scan flags it: soft links follow money into flagged accounts only)."""
    made = {
        "r1a": make_complaint("phone:+12025550101", ref="R1A", days=0),
        "r1b": make_complaint("phone:+12025550101", ref="R1B", days=20),
        "r2a": make_complaint("phone:+12025550102", ref="R2A", days=22),
        "r2b": make_complaint("phone:+12025550102", ref="R2B", days=50),
    }
    rows = [
        _row("P1", 1, "UPI:victim1@oksbi", MULE1, "R1A"),
        _row("L1", 3, MULE1, COLLECTOR),
        _row("P2", 5, "UPI:victim2@oksbi", MULE2, "R2A"),
        _row("L2", 7, MULE2, COLLECTOR),
        {**_row("C1", 9, COLLECTOR, ""), "channel": "atm"},  # cashed out: a mule layer
    ]
    path = tmp_path / "trail.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        out.writeheader()
        out.writerows(rows)
    assert money.store().import_file(path).rejected_total == 0
    return made


def _code(complaint: Complaint) -> str | None:
    member = CampaignMember.objects.filter(complaint=complaint).select_related("campaign").first()
    return member.campaign.code if member else None


def test_a_rebuild_joins_rotations_on_money_below_identifiers(
    rotations: dict[str, Complaint],
) -> None:
    report = services.full_link()
    assert (report.campaigns, report.linked, report.soft_links) == (1, 4, 1)
    assert len({_code(c) for c in rotations.values()}) == 1
    link = SoftLink.objects.get()
    assert (link.kind, link.confidence, link.via, link.confirmed) == (
        "money",
        0.7,
        [COLLECTOR_KEY],
        False,
    )
    assert (link.earlier, link.later) == (rotations["r1a"], rotations["r2a"])
    assert COLLECTOR in link.reason and "2 days after" in link.reason
    # Identifier links stay as they were: each member's "Linked through" names its own number.
    assert CampaignMember.objects.get(complaint=rotations["r2b"]).via == ["phone:+12025550102"]


def test_without_money_the_rotations_stay_apart(
    make_complaint: Callable[..., Complaint],
) -> None:
    make_complaint("phone:+12025550101", days=0)
    make_complaint("phone:+12025550101", days=20)
    make_complaint("phone:+12025550102", days=22)
    make_complaint("phone:+12025550102", days=50)
    report = services.full_link()
    assert (report.campaigns, report.soft_links) == (2, 0)
    assert not SoftLink.objects.exists()


def test_a_shop_both_rotations_mules_buy_from_is_not_a_mule_layer(
    make_complaint: Callable[..., Complaint], tmp_path: Path
) -> None:
    # Mules with an ordinary life: each buys groceries within hours of its victim's payment.
    # The shop never pays on, so the mule scan does not flag it, and it joins nothing.
    for ref, number, days in (("S1A", 1, 0), ("S1B", 1, 20), ("S2A", 2, 22), ("S2B", 2, 50)):
        make_complaint(f"phone:+1202555020{number}", ref=ref, days=days)
    shop = "UPI:bigbasket@ybl"
    rows = [
        _row("P1", 1, "UPI:victim1@oksbi", MULE1, "S1A"),
        _row("G1", 3, MULE1, shop),
        _row("P2", 5, "UPI:victim2@oksbi", MULE2, "S2A"),
        _row("G2", 7, MULE2, shop),
    ]
    path = tmp_path / "shop.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        out.writeheader()
        out.writerows(rows)
    assert money.store().import_file(path).rejected_total == 0
    report = services.full_link()
    assert (report.campaigns, report.soft_links) == (2, 0)


def _link_url(link: SoftLink) -> str:
    return f"/campaigns/{link.campaign.code}/soft-links/{link.pk}"


def test_an_analyst_lists_soft_links_with_kind_and_confidence(
    rotations: dict[str, Complaint], analyst: User, api_for: Callable[..., Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    response = api_for(analyst).get(f"/campaigns/{link.campaign.code}/soft-links")
    assert response.status_code == 200
    [row] = response.json()
    assert (row["kind"], row["confidence"], row["earlier"], row["later"]) == (
        "money",
        0.7,
        rotations["r1a"].reference,
        rotations["r2a"].reference,
    )


def test_a_viewer_may_not_review_soft_links(
    rotations: dict[str, Complaint], viewer: User, api_for: Callable[..., Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    api = api_for(viewer)
    assert api.get(f"/campaigns/{link.campaign.code}/soft-links").status_code == 403
    assert api.post(_link_url(link), {"decision": "split"}).status_code == 403
    assert Campaign.objects.filter(status=CampaignStatus.ACTIVE).count() == 1


def test_an_agency_that_sees_neither_complaint_gets_404(
    rotations: dict[str, Complaint], cbi_analyst: User, api_for: Callable[..., Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    response = api_for(cbi_analyst).post(_link_url(link), {"decision": "split"})
    assert response.status_code == 404
    assert Campaign.objects.filter(status=CampaignStatus.ACTIVE).count() == 1


def test_split_rebuild_still_split(
    rotations: dict[str, Complaint], analyst: User, api_for: Callable[..., Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    response = api_for(analyst).post(_link_url(link), {"decision": "split"})
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "split" and body["campaign"] == _code(rotations["r2a"])
    assert _code(rotations["r1a"]) != _code(rotations["r2a"])
    services.full_link()  # a later rebuild respects the decision
    assert _code(rotations["r1a"]) != _code(rotations["r2a"])
    assert _code(rotations["r1a"]) == _code(rotations["r1b"])
    assert not SoftLink.objects.exists()
    event = AuditEvent.objects.filter(action="campaign.soft_link", outcome="ok").get()
    assert event.detail["decision"] == "split"


def test_confirm_is_kept_across_rebuilds(
    rotations: dict[str, Complaint], analyst: User, api_for: Callable[..., Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    assert api_for(analyst).post(_link_url(link), {"decision": "confirm"}).status_code == 200
    assert SoftLink.objects.get().confirmed
    services.full_link()
    assert SoftLink.objects.get().confirmed


def test_an_unknown_decision_names_the_field(
    rotations: dict[str, Complaint], analyst: User, api_for: Callable[..., Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    response = api_for(analyst).post(_link_url(link), {"decision": "merge"})
    assert response.status_code == 422
    assert "decision" in response.json()["error"]["message"]
    assert api_for(analyst).post(_link_url(link) + "9", {"decision": "split"}).status_code == 404


def test_the_campaign_page_shows_soft_links_to_analysts_only(
    rotations: dict[str, Complaint],
    analyst: User,
    viewer: User,
    client_for: Callable[[User], Any],
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    page = client_for(analyst).get(f"/campaigns/{link.campaign.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="soft-links"' in html and COLLECTOR_KEY in html and "0.70" in html
    viewer_page = client_for(viewer).get(f"/campaigns/{link.campaign.code}/")
    assert viewer_page.status_code == 200
    assert 'data-testid="soft-links"' not in viewer_page.content.decode()


def test_the_page_splits_a_soft_link(
    rotations: dict[str, Complaint],
    analyst: User,
    viewer: User,
    client_for: Callable[[User], Any],
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    url = f"/campaigns/{link.campaign.code}/soft-links/{link.pk}/"
    assert client_for(viewer).post(url, {"decision": "split"}).status_code == 403
    response = client_for(analyst).post(url, {"decision": "split"})
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{_code(rotations['r2a'])}/"
    assert _code(rotations["r1a"]) != _code(rotations["r2a"])


def test_why_points_an_analyst_to_the_soft_links(
    rotations: dict[str, Complaint], analyst: User, client_for: Callable[[User], Any]
) -> None:
    services.full_link()
    link = SoftLink.objects.get()
    a, b = rotations["r1b"].pk, rotations["r2b"].pk
    html = client_for(analyst).get(f"/campaigns/{link.campaign.code}/?a={a}&b={b}").content.decode()
    assert "not linked through identifiers" in html and 'href="#soft-links"' in html
