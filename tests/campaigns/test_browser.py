"""Real Chromium: search a number in another spelling, open its campaign, see the graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import browser_login
from tracebridge.campaigns import services
from tracebridge.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_searches_opens_campaign_and_graph_renders(
    page: Any, live_server: Any, analyst: Any, make_complaint: Callable[..., Complaint]
) -> None:
    make_complaint("phone:+919812345678", ref="US-1")
    make_complaint("phone:+919812345678", "upi:fraud@okaxis", ref="US-2")
    make_complaint("upi:fraud@okaxis", agency="IN-CBI", tlp="CLEAR", country="IN", ref="IN-1")
    services.full_link()
    browser_login(page, live_server, analyst)
    page.goto(f"{live_server.url}/search/")
    page.fill("[data-testid=search-input]", "098123 45678")  # stored as +919812345678
    page.click("#search-form button[type=submit]")
    result = page.locator("[data-testid=search-result]")
    assert "phone:+919812345678" in result.inner_text()
    result.locator("table.campaigns a").first.click()
    page.wait_for_selector("[data-testid=campaign-code]")
    assert page.locator("[data-testid=member-count]").inner_text() == "3"
    graph = page.locator("#campaign-graph[data-rendered=true]")
    graph.wait_for()
    assert graph.get_attribute("data-nodes") == "5"  # 3 complaints, 2 identifiers
    assert page.locator("#campaign-graph canvas, #campaign-graph svg").count() >= 1
