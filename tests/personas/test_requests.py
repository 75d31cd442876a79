"""The DOJ analyst makes a preservation request to the CBI and reads its status, clocks and
signed receipts; India's central authority sees it come in on its country's queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.assistance.conftest import PRESERVATION
from tracebridge.agencies.models import User
from tracebridge.agencies.services import create_agency
from tracebridge.assistance import delivery, reading, services
from tracebridge.assistance.models import Request
from tracebridge.cases.services import create_case

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(screen: Screen, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        box = screen.page.locator(f'[data-testid="request-form"] [name="{name}"]')
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)


def _preserved_and_received(request: Request, cbi: User, chief: User) -> Request:
    """The DOJ's supervisor approves, the CBI acknowledges and preserves; each step's
    receipt is signed (as the recipient's node signs one when a step arrives)."""
    services.act(request, "approve", chief)
    services.act(request, "acknowledge", cbi)
    services.act(request, "preserve", cbi)
    for message in request.messages.order_by("seq"):
        delivery._issue(message, "accepted")
    soon = timezone.now() + dt.timedelta(days=5)
    Request.objects.filter(pk=request.pk).update(preserved_until=soon, due_at="2026-01-02T10:00Z")
    request.refresh_from_db()
    return request


def test_doj_analyst_requests_preservation_and_reads_its_receipts_and_clocks(
    screen: Screen, live_server: Any, make_user: Callable[..., User], node_keys: None
) -> None:
    doj = make_user("analyst", "US-DOJ-CPB", "doj.analyst")
    chief = make_user("supervisor", "US-DOJ-CPB", "doj.chief")
    cbi = make_user("analyst", "IN-CBI", "cbi.officer")
    create_agency("IN-MHA", "IN", "Ministry of Home Affairs", central_authority=True)
    mha = make_user("viewer", "IN-MHA", "mha.viewer")
    case = create_case("US-DOJ-CPB", "Call centre", by=doj, lead=doj)
    page = screen.page
    screen.sign_in(doj, live_server)
    screen.go("/requests/new/?kind=preservation")
    page.locator('select[name="to"]').select_option("IN-CBI")
    _fill(screen, {k: v for k, v in PRESERVATION.items() if k != "necessity"})
    page.get_by_role("button", name="Create and send for review").click()
    assert "necessity" in screen.text("request-missing")  # what is missing, by name
    screen.check()
    screen.shoot("doj-request-form")
    _fill(screen, {"necessity": PRESERVATION["necessity"]})
    page.get_by_role("button", name="Create and send for review").click()
    page.wait_for_url("**/requests/REQ-US-DOJ-CPB-*/")
    request = Request.objects.get(case=case)
    assert screen.text("request-status") == "supervisor review"
    screen.check()

    request = _preserved_and_received(request, cbi, chief)
    shown = reading.detail(request)["messages"]
    screen.go(f"/requests/{request.reference}/")
    assert screen.text("request-status") == "preserved"
    steps = page.get_by_test_id("request-messages").locator("tbody tr td:nth-child(2)")
    assert steps.all_inner_texts() == ["create", "submit", "approve", "acknowledge", "preserve"]
    for m in shown:
        receipt = m["receipt"]
        text = screen.text(f"receipt-{m['seq']}")
        assert text == (
            f"accepted, signed by {receipt['signer']}, {receipt['at'][:10]} {receipt['at'][11:19]} "
            f"(#{receipt['ledger_index']})"
        )
    assert page.get_by_test_id("extension-prompt").get_attribute("data-alert") == "expiring"
    screen.finish("doj-request")

    page.context.clear_cookies()
    screen.sign_in(mha, live_server)
    screen.go("/requests/")
    assert "central authority (India)" in screen.text("central-authority")
    row = page.get_by_test_id("requests-incoming").locator("tbody tr", has_text=request.reference)
    cells = row.locator("td").all_inner_texts()
    until = timezone.localtime(request.preserved_until).strftime("%Y-%m-%d")
    assert cells[:5] == [request.reference, "preservation", "preserved", "US-DOJ-CPB", "IN-CBI"]
    assert cells[5] == "2026-01-02 10:00 overdue" and cells[6] == f"{until} expiring"
    assert "No requests." in screen.text("requests-outgoing")
    alerts = page.get_by_test_id("request-alerts").locator("li").all_inner_texts()
    assert alerts == [
        f"Overdue: {request.reference} (preservation) was due 2026-01-02 10:00. "
        "IN-CBI is to act on it.",
        f"Preservation expiring: the data preserved under {request.reference} may be "
        f"deleted after {until}.",
    ]
    assert page.get_by_role("link", name="New request").count() == 0  # a viewer creates none
    screen.finish("central-authority-queue")
