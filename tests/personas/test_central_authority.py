"""The demo's US central authority (DOJ's Office of International Affairs) reads the demo's
DOJ-CPB requests on its queue and can take no step on them: only the agency on each side acts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.conftest import browser_login
from tracebridge.agencies import demo as agencies_demo
from tracebridge.agencies.models import User
from tracebridge.assistance import demo as assistance_demo
from tracebridge.assistance import rules, services
from tracebridge.assistance.models import Request
from tracebridge.demo import DEMO_PASSWORD, DemoContext
from tracebridge.errors import TracebridgeError

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OIA = agencies_demo.username("US-DOJ-OIA", agencies_demo.CENTRAL_ROLE)


@pytest.fixture
def demo(_home: Path) -> list[Request]:
    """The demo's agencies, people and formal requests (a preserved one, a verified one)."""
    ctx = DemoContext(home=_home, console=Console(quiet=True), world_dir=_home / "demo-world")
    agencies_demo.load(ctx)
    assistance_demo.load(ctx)
    return list(Request.objects.order_by("reference"))


def test_the_oia_reads_the_demo_requests_and_can_act_on_none(
    screen: Screen, live_server: Any, demo: list[Request]
) -> None:
    oia = User.objects.get(username=OIA)
    assert oia.agency is not None and oia.agency.central_authority
    browser_login(screen.page, live_server, oia, DEMO_PASSWORD)
    screen.go("/requests/")
    assert "central authority (United States)" in screen.text("central-authority")
    rows = screen.page.get_by_test_id("requests-outgoing").locator("tbody tr")
    cells = [row.locator("td").all_inner_texts()[:5] for row in rows.all()]
    assert sorted(cells) == sorted(
        [r.reference, r.kind, r.status, "US-DOJ-CPB", "IN-CBI"] for r in demo
    )
    assert "No requests." in screen.text("requests-incoming")
    screen.check()
    kept = demo[0]
    screen.page.get_by_role("link", name=kept.reference).click()
    screen.page.wait_for_url(f"**/requests/{kept.reference}/")
    assert screen.text("request-status") == kept.status
    for form in ("request-steps", "request-answer"):  # no step is offered
        assert screen.page.get_by_test_id(form).count() == 0
    screen.finish("central-authority-oia")
    for request in demo:  # nor taken, whichever step its status allows
        for action in rules.actions_from(request.kind, request.status):
            with pytest.raises(
                TracebridgeError, match=rf"^{OIA} is not a user of (IN-CBI|US-DOJ-CPB)$"
            ):
                services.act(request, action, oia)
    assert [r.status for r in Request.objects.order_by("reference")] == [r.status for r in demo]
