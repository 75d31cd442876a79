"""Issue 20.13 in Chromium: a supervisor reads the preview, declines one share with a reason,
approves another, and sees both in the history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import browser_login
from tracebridge.sharing.services import create_agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_declines_and_approves_shares(
    page: Any, live_server: Any, complaints: Any, supervisor: Any, tmp_path: Path
) -> None:
    declined = create_agreement("US-FBI", "IN-CBI", ["GREEN", "AMBER"], kinds=["complaint"])
    approved = create_agreement("US-FBI", "US-FTC", ["AMBER"], kinds=["complaint"])
    browser_login(page, live_server, supervisor)
    page.goto(f"{live_server.url}/sharing/approvals/")
    card = page.get_by_test_id(f"pending-{declined.pk}")
    rows = card.get_by_test_id("preview").locator("tbody tr")
    assert rows.all_inner_texts() == ["complaint\tTLP:AMBER\t1", "complaint\tTLP:GREEN\t1"]
    card.get_by_role("button", name="Decline").click()  # the reason is required: nothing sent
    assert page.get_by_test_id(f"pending-{declined.pk}").count() == 1
    card.get_by_label("Reason for declining").fill("No MoU for victims' data")
    card.get_by_role("button", name="Decline").click()
    page.wait_for_load_state()
    assert "Declined: nothing flows under this agreement." in page.locator("main").inner_text()
    page.get_by_test_id(f"pending-{approved.pk}").get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    history = page.get_by_test_id("history").locator("tbody tr").all_inner_texts()
    assert len(history) == 2
    assert "Approved" in history[0] and "us-fbi-supervisor" in history[0]
    assert "Declined" in history[1] and "No MoU for victims' data" in history[1]
    assert page.get_by_text("Nothing awaits approval.").is_visible()
    page.screenshot(path=str(tmp_path / "approvals.png"), full_page=True)
