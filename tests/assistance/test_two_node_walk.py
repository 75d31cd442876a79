"""A preservation request walked through the pages of two real nodes in real Chromium.

Node A (the US node, DOJ-CPB) is this test's live server; node B (the Indian node, CBI) is the
``tracebridge runserver`` process of the delivery tests, with its own home, key and database.
The DOJ analyst creates the request in A's browser, the DOJ supervisor approves it there (which
sends it over HTTP), a CBI officer finds it on B's queue page and acknowledges it there, and
A's page shows the step that came back with its signed receipt. Each step is photographed.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import PASSWORD, browser_login
from tests.personas.conftest import Screen
from tracebridge.assistance import reading
from tracebridge.assistance.models import Request

from ..sharing.test_federation import Node
from .conftest import PRESERVATION
from .test_delivery import UsNode, node_b, template, us  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tab(_browser: Any) -> Any:
    context = _browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    browser_login(page, SimpleNamespace(url=base), SimpleNamespace(username=username), password)


def _step(screen: Screen, action: str) -> None:
    """Press a step's button and wait for the page it lands on to say the step was signed."""
    screen.page.get_by_test_id("request-steps").get_by_role("button", name=action).click()
    screen.page.get_by_text("step recorded and signed").wait_for()


def _queue_row(screen: Screen, side: str, reference: str) -> list[str]:
    screen.go("/requests/")
    row = screen.page.get_by_test_id(f"requests-{side}").locator("tbody tr", has_text=reference)
    return [str(c).strip() for c in row.locator("td").all_inner_texts()]


def _create_in_browser(screen: Screen) -> str:
    page = screen.page
    screen.go("/requests/new/?kind=preservation")
    page.locator('select[name="to"]').select_option("IN-CBI")
    form = page.get_by_test_id("request-form")
    for name, value in PRESERVATION.items():
        box = form.locator(f'[name="{name}"]')
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
    page.get_by_role("button", name="Create and send for review").click()
    page.wait_for_url("**/requests/REQ-US-DOJ-CPB-*/")
    return str(page.locator("h1").inner_text()).strip()


def test_a_request_walks_from_the_us_node_to_the_indian_node_and_back(
    tab: Any,
    live_server: Any,
    node_b: Node,  # noqa: F811
    us: UsNode,  # noqa: F811
) -> None:
    for user in (us.analyst, us.chief):
        user.set_password(PASSWORD)
        user.save()
    printed = node_b.run("user", "create", "cbi.officer", "--agency", "IN-CBI", "--role", "analyst")
    cbi_password = printed.rsplit("password (shown once): ", 1)[1].strip()
    on_a = Screen(tab, live_server.url, "desktop", "en")
    on_b = Screen(tab, node_b.url, "desktop", "en")

    # (1) Node A: the DOJ analyst creates the request; it waits for a supervisor.
    _sign_in(tab, live_server.url, us.analyst.username)
    reference = _create_in_browser(on_a)
    assert on_a.text("request-status") == "supervisor review"
    on_a.shoot("two-nodes-1-us-created")

    # (2) Node A: the supervisor approves; the request leaves for node B over HTTP.
    _sign_in(tab, live_server.url, us.chief.username)
    on_a.go(f"/requests/{reference}/")
    _step(on_a, "approve")
    assert on_a.text("request-status") == "sent"
    assert "partner node in-node" in on_a.text("request-facts")
    for seq in (1, 2, 3):  # each message's receipt is signed by node B
        assert on_a.text(f"receipt-{seq}").startswith("accepted, signed by in-node/evidence, ")
    on_a.shoot("two-nodes-2-us-approved-and-sent")
    shown_on_a = _queue_row(on_a, "outgoing", reference)

    # (3) Node B: the CBI officer sees the same request on its queue and acknowledges it.
    _sign_in(tab, node_b.url, "cbi.officer", cbi_password)
    cells = _queue_row(on_b, "incoming", reference)
    assert cells[:5] == [reference, "preservation", "sent", "US-DOJ-CPB", "IN-CBI"]
    assert cells == shown_on_a  # the same row, due date included, on both nodes
    on_b.shoot("two-nodes-3-india-queue")
    tab.get_by_role("link", name=reference).click()
    tab.wait_for_url(f"**/requests/{reference}/")
    assert on_b.text("request-status") == "sent"
    _step(on_b, "acknowledge")
    assert on_b.text("request-status") == "acknowledged"
    assert _queue_row(on_b, "incoming", reference)[2] == "acknowledged"
    on_b.shoot("two-nodes-4-india-acknowledged")

    # (4) Node A: the acknowledgement arrived, signed by node B, with A's signed receipt.
    _sign_in(tab, live_server.url, us.analyst.username)
    assert _queue_row(on_a, "outgoing", reference)[:3] == [
        reference,
        "preservation",
        "acknowledged",
    ]
    on_a.go(f"/requests/{reference}/")
    assert on_a.text("request-status") == "acknowledged"
    row = tab.get_by_test_id("message-4").locator("td").all_inner_texts()
    assert [str(c).strip() for c in row[1:4]] == ["acknowledge", "cbi.officer", "in-node/evidence"]
    receipt = reading.detail(Request.objects.get(reference=reference))["messages"][3]["receipt"]
    assert receipt["signer"] != "in-node/evidence"  # this node signed what it received
    assert on_a.text("receipt-4") == (
        f"accepted, signed by {receipt['signer']}, {receipt['at'][:10]} {receipt['at'][11:19]} "
        f"(#{receipt['ledger_index']})"
    )
    on_a.shoot("two-nodes-5-us-acknowledged-with-receipt")
