"""Issue 20.7 in Chromium: the campaigns table sorts and exports, the campaign page says why
two complaints are linked, with amounts in their currency."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import browser_login
from tracebridge.campaigns import services
from tracebridge.campaigns.models import Campaign
from tracebridge.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_sorts_exports_and_asks_why_linked(
    page: Any, live_server: Any, analyst: Any, make_complaint: Callable[..., Complaint],
    tmp_path: Path,
) -> None:  # fmt: skip
    first = make_complaint("phone:+919812345678", ref="US-1", loss_amount=Decimal("2240011.13"),
                           loss_currency="INR")  # fmt: skip
    make_complaint("phone:+919812345678", "upi:fraud@okaxis", ref="US-2")
    last = make_complaint("upi:fraud@okaxis", ref="US-3", loss_amount=Decimal("1234.56"))
    make_complaint("phone:+12025550199", ref="OTHER-1")
    make_complaint("phone:+12025550199", ref="OTHER-2")
    services.full_link()
    big = Campaign.objects.get(members__complaint=first)
    browser_login(page, live_server, analyst)

    page.goto(f"{live_server.url}/campaigns/")
    page.get_by_label("Sort by").select_option("size")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**sort=size**")
    codes = page.locator("table.campaigns tbody tr td:first-child").all_inner_texts()
    assert codes[0] == big.code and len(codes) == 2
    with page.expect_download() as download:
        page.get_by_test_id("campaigns-csv").click()
    rows = Path(download.value.path()).read_text("utf-8").splitlines()
    assert rows[1].startswith(f"{big.code},") and len(rows) == 3

    page.goto(f"{live_server.url}/campaigns/{big.code}/")
    assert "₹22,40,011.13" in page.locator("dl.facts").inner_text()
    page.get_by_label("First complaint").select_option(str(first.pk))
    page.get_by_label("Second complaint").select_option(str(last.pk))
    page.get_by_role("button", name="Explain the link").click()
    steps = page.get_by_test_id("why-linked").locator("li").all_inner_texts()
    assert steps == [
        "FBI:US-1", "through phone:+919812345678", "FBI:US-2", "through upi:fraud@okaxis",
        "FBI:US-3",
    ]  # fmt: skip
    page.get_by_test_id("why-linked").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "campaign-why.png"), full_page=True)


def test_graph_has_a_legend_node_details_and_a_readable_big_layout(
    page: Any, live_server: Any, analyst: Any, make_complaint: Callable[..., Complaint],
    tmp_path: Path,
) -> None:  # fmt: skip
    for n in range(120):  # 120 complaints on a ring of 30 numbers (no bridge, no hub): 150 nodes
        make_complaint(f"phone:+1202555{1000 + n % 30}", f"phone:+1202555{1000 + (n + 1) % 30}")
    services.full_link()
    code = Campaign.objects.order_by("-size").first().code  # type: ignore[union-attr]
    browser_login(page, live_server, analyst)
    page.goto(f"{live_server.url}/campaigns/{code}/")
    page.wait_for_selector("#campaign-graph[data-rendered=true]")
    legend = page.get_by_test_id("graph-legend").locator("li").all_inner_texts()
    assert legend == [
        "Complaint", "Identifier that links complaints", "Shared identifier (hub): does not link",
    ]  # fmt: skip
    assert int(page.get_attribute("#campaign-graph", "data-nodes") or 0) > 100
    label = page.evaluate(
        "document.getElementById('campaign-graph').tbGraph.nodes()[0].style('label')"
    )
    assert label == ""  # unlabelled until chosen, so 100+ labels do not pile up
    chosen = page.evaluate(
        "(() => { const n = document.getElementById('campaign-graph').tbGraph"
        ".nodes(\"[type = 'identifier'][hub = 'no']\").filter(n => n.degree() > 1)[0];"
        " n.select(); n.emit('tap'); return n.id(); })()"
    )
    details = page.get_by_test_id("graph-details").inner_text()
    assert details.startswith(f"{chosen} · Identifier that links complaints · ")
    assert details.endswith("links · Search for it")
    page.screenshot(path=str(tmp_path / "campaign-graph.png"), full_page=True)
