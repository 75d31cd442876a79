"""Issue 20.5: robocall and traceback pages say when another agency holds records not shared.

Only markings an agreement could grant (GREEN, AMBER) are counted: RED and AMBER+STRICT never
leave their agency, not even as a count (agencies.permissions.withheld_by_owner).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import withheld_by_owner
from tracebridge.sharing.models import TELECOM_KINDS
from tracebridge.sharing.services import approve_agreement, create_agreement
from tracebridge.telecom.models import RobocallCampaign, TracebackRequest

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 12, 1, 10, tzinfo=UTC)


def robocall(agency: Agency, tlp: str, n: int) -> RobocallCampaign:
    return RobocallCampaign.objects.create(
        agency=agency, tlp=tlp, campaign_id=f"RC-{tlp[:3]}{n}", key_kind="number",
        key=f"phone:+1202555{7000 + n}", calls=100 + n, unique_called=9, answer_rate=0.5,
        median_duration_s=30.0, first_seen=WHEN, last_seen=WHEN, score=80, reasons="many calls",
    )  # fmt: skip


def traceback(campaign: RobocallCampaign) -> TracebackRequest:
    return TracebackRequest.objects.create(
        agency=campaign.agency, tlp=campaign.tlp, reference=f"TB-{campaign.campaign_id}",
        call_id=f"call-{campaign.campaign_id}", calling_number="+12025550001",
        called_number="+12025550002", start_time=WHEN, campaign=campaign,
    )  # fmt: skip


@pytest.fixture
def ftc_findings(agencies: dict[str, Agency]) -> list[RobocallCampaign]:
    """US-FTC holds 3 GREEN, 2 AMBER, 1 RED and 1 AMBER+STRICT robocall campaigns."""
    ftc = agencies["US-FTC"]
    tlps = ["GREEN"] * 3 + ["AMBER"] * 2 + ["RED", "AMBER+STRICT"]
    made = [robocall(ftc, tlp, n) for n, tlp in enumerate(tlps)]
    for campaign in made:
        traceback(campaign)
    return made


def test_counts_only_markings_an_agreement_could_grant(
    analyst: User, ftc_findings: list[RobocallCampaign]
) -> None:
    assert withheld_by_owner(analyst, RobocallCampaign.objects.all()) == [("US-FTC", 5)]
    assert withheld_by_owner(analyst, TracebackRequest.objects.all()) == [("US-FTC", 5)]


def test_owner_and_anonymous_are_told_nothing(
    make_user: Callable[..., User], ftc_findings: list[RobocallCampaign]
) -> None:
    ftc = make_user("analyst", "US-FTC")
    assert withheld_by_owner(ftc, RobocallCampaign.objects.all()) == []
    assert withheld_by_owner(None, RobocallCampaign.objects.all()) == []


def test_robocall_page_says_what_is_not_shared(
    client_for: Callable[[User], Client], analyst: User, ftc_findings: list[RobocallCampaign]
) -> None:
    html = client_for(analyst).get("/robocalls/").content.decode()
    assert "5 robocall campaigns held by US-FTC are not shared with your agency." in html
    assert "No robocall campaigns yet" not in html
    html = client_for(analyst).get("/traceback/").content.decode()
    assert "5 traceback requests held by US-FTC are not shared with your agency." in html


def test_an_agreement_for_telecom_kinds_shares_and_the_note_shrinks(
    client_for: Callable[[User], Client],
    analyst: User,
    make_user: Callable[..., User],
    ftc_findings: list[RobocallCampaign],
) -> None:
    agreement = create_agreement("US-FTC", "US-FBI", ["GREEN", "AMBER"], kinds=TELECOM_KINDS)
    approve_agreement(agreement, make_user("supervisor", "US-FTC"))
    html = client_for(analyst).get("/robocalls/").content.decode()
    assert "not shared with your agency" not in html
    shown = {c.campaign_id for c in ftc_findings if c.tlp in ("GREEN", "AMBER")}
    assert all(cid in html for cid in shown)
    assert "RC-RED5" not in html and "RC-AMB6" not in html


def test_only_red_and_strict_records_are_not_even_counted(
    client_for: Callable[[User], Client], analyst: User, agencies: dict[str, Agency]
) -> None:
    robocall(agencies["US-FTC"], "RED", 1)
    robocall(agencies["US-FTC"], "AMBER+STRICT", 2)
    html = client_for(analyst).get("/robocalls/").content.decode()
    assert "US-FTC" not in html
    assert "No robocall campaigns yet" in html


def test_default_agreement_kinds_leave_telecom_out(agencies: dict[str, Agency]) -> None:
    agreement = create_agreement("US-FTC", "US-FBI", ["GREEN"])
    assert not set(TELECOM_KINDS) & set(agreement.kinds)


def test_campaign_panel_says_what_is_not_shared(
    analyst: User, rf: Any, ftc_findings: list[RobocallCampaign]
) -> None:
    from tracebridge import panels
    from tracebridge.campaigns.models import Campaign, CampaignMember
    from tracebridge.complaints.models import Complaint, Sighting
    from tracebridge.telecom.models import RobocallNumber

    complaint = Complaint.objects.create(
        agency=analyst.agency, source="FBI", ref="1", country="US",
        received_at="2025-06-16T00:00Z", content_hash="0" * 64,
    )  # fmt: skip
    key = "phone:+12025550123"
    Sighting.objects.create(complaint=complaint, key=key, kind="phone", field="suspect.phones")
    for campaign in ftc_findings:  # every FTC campaign presented the number
        RobocallNumber.objects.create(campaign=campaign, key=key, calls=3)
    campaign = Campaign.objects.create(code="C-1", size=1)
    CampaignMember.objects.create(campaign=campaign, complaint=complaint)
    request = rf.get("/")
    request.user = analyst
    html = "".join(panels.render("campaign", request, campaign))
    assert "5 robocall campaigns held by US-FTC are not shared with your agency." in html
    assert "No robocall campaign presented these numbers." not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_fbi_analyst_sees_the_not_shared_note_in_chromium(
    page: Any, live_server: Any, analyst: User, ftc_findings: Any, tmp_path: Any
) -> None:
    from tests.conftest import browser_login

    browser_login(page, live_server, analyst)
    page.goto(f"{live_server.url}/robocalls/")
    note = page.get_by_test_id("withheld")
    assert note.inner_text() == (
        "5 robocall campaigns held by US-FTC are not shared with your agency. "
        "Ask that agency for a sharing agreement."
    )
    assert page.get_by_text("No robocall campaigns yet").count() == 0
    page.screenshot(path=str(tmp_path / "robocalls-withheld.png"), full_page=True)
