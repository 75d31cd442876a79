"""The analyst's job: a cross-border campaign on the dashboard, the same figures on its own
page, why two complaints are linked, and a bare Indian number searched."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tracebridge.campaigns import services
from tracebridge.campaigns.models import Campaign
from tracebridge.complaints.models import Complaint

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_follows_a_cross_border_campaign_and_asks_why_linked(
    screen: Screen, live_server: Any, analyst: Any, make_complaint: Callable[..., Complaint]
) -> None:
    us = make_complaint("phone:+919004083368", ref="IC3-1", loss_amount=Decimal("1234.56"))
    make_complaint("phone:+919004083368", "upi:fraud.desk@okaxis", ref="IC3-2")
    india = make_complaint(
        "upi:fraud.desk@okaxis", agency="IN-CBI", tlp="CLEAR", country="IN", ref="NCRP-1",
        loss_amount=Decimal("2240011.13"),
    )  # fmt: skip
    make_complaint("phone:+12025550199", ref="IC3-9")
    make_complaint("phone:+12025550199", ref="IC3-10")
    services.full_link()
    code = Campaign.objects.get(members__complaint=india).code
    page = screen.page
    screen.sign_in(analyst, live_server)

    screen.go("/dashboard/")
    cross = page.locator("section[aria-labelledby=cross-h] table.campaigns tbody tr")
    assert cross.count() == 1  # the US-only campaign is not cross-border
    cells = cross.first.locator("td").all_inner_texts()
    assert cells[0] == code and cells[3] == "Tech support"  # a code shown as words
    assert cells[4] == "US, IN cross-border"
    assert cells[5] == "₹22,40,011.13; $1,334.56"  # each in its currency, never summed
    priority, size, losses = cells[1], cells[2], cells[5]
    screen.check()

    cross.first.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/campaigns/{code}/")
    assert screen.text("member-count") == size == "3"  # one number, computed in one place
    assert page.locator("#prio-h").inner_text() == f"Priority {priority}"
    facts = page.locator("dl.facts dd").all_inner_texts()
    assert losses in facts
    factors = page.locator("section[aria-labelledby=prio-h] tbody tr").all_inner_texts()
    assert factors[:3] == ["Victims\t3\t13.3", "Losses, in US dollars\t$28,215\t22.3",
                           "Victims in more than one country\tyes\t15.0"]  # fmt: skip
    bar = page.locator("figure.timeline rect.bar").bounding_box()
    assert bar is not None and bar["x"] < screen.page.viewport_size["width"]  # in sight
    members = page.get_by_test_id("members").get_by_role("link")
    assert members.all_inner_texts() == ["FBI:IC3-1", "FBI:IC3-2", "CBI:NCRP-1"]
    page.get_by_label("First complaint").select_option(str(us.pk))
    page.get_by_label("Second complaint").select_option(str(india.pk))
    page.get_by_role("button", name="Explain the link").click()
    steps = page.get_by_test_id("why-linked").locator("li").all_inner_texts()
    assert steps == [
        "FBI:IC3-1", "through phone:+919004083368", "FBI:IC3-2",
        "through upi:fraud.desk@okaxis", "CBI:NCRP-1",
    ]  # fmt: skip
    screen.finish("analyst-campaign")

    screen.go("/search/?q=9004083368")  # a bare Indian number that is also a US 900 number
    hint = screen.text("did-you-mean")
    assert hint.startswith("Did you mean phone:+919004083368?") and "2 complaints" in hint
    page.get_by_test_id("did-you-mean").get_by_role("link").click()
    page.wait_for_load_state()
    result = page.get_by_test_id("search-result").locator("table.campaigns").inner_text()
    assert code in result
    screen.finish("analyst-search")
