"""The analyst opens a case from a campaign: the case takes the campaign's complaints, and a
second case for the same campaign is warned about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.campaigns import services
from tracebridge.campaigns.models import Campaign
from tracebridge.complaints.models import Complaint

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_opens_a_case_from_a_campaign_with_its_complaints(
    screen: Screen, live_server: Any, analyst: Any, make_complaint: Callable[..., Complaint],
    node_keys: None,
) -> None:  # fmt: skip
    make_complaint("phone:+919004083368", ref="IC3-1")
    make_complaint("phone:+919004083368", "upi:fraud.desk@okaxis", ref="IC3-2")
    india = make_complaint(
        "upi:fraud.desk@okaxis", agency="IN-CBI", tlp="CLEAR", country="IN", ref="NCRP-1"
    )
    services.full_link()
    code = Campaign.objects.get(members__complaint=india).code
    page = screen.page
    screen.sign_in(analyst, live_server)
    screen.go(f"/campaigns/{code}/")
    members = page.get_by_test_id("members").locator("tbody tr td:first-child a")
    shown = sorted(members.all_inner_texts())
    page.get_by_role("link", name="Open a case from this campaign").click()
    page.wait_for_url(f"**/cases/new/?campaign={code}")
    assert page.get_by_test_id("case-covers-campaign").count() == 0
    assert page.get_by_label("Title").input_value() == f"Campaign {code}"
    page.get_by_label("Complaints of the campaign to link").select_option("all")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/cases/CASE-*/")
    reference = screen.text("case-reference")
    assert page.get_by_test_id("case-campaigns").inner_text() == code
    linked = page.get_by_test_id("case-complaints").get_by_role("link").all_inner_texts()
    assert sorted(linked) == shown == ["CBI:NCRP-1", "FBI:IC3-1", "FBI:IC3-2"]
    screen.finish("analyst-case")

    screen.go(f"/campaigns/{code}/")
    assert reference in page.get_by_test_id("campaign-cases").inner_text()
    page.get_by_role("link", name="Open a case from this campaign").click()
    warning = screen.text("case-covers-campaign")
    assert warning.startswith(f"A case already covers campaign {code}: {reference} (US-FBI, ")
    screen.check()
