"""The robocall and traceback pages in real Chromium, in English and Hindi, by keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import browser_login
from tracebridge.telecom import services

from .conftest import world_rows, write_cdrs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_robocalls_campaign_and_traceback_pages(
    page: Any, live_server: Any, analyst: Any, tmp_path: Path
) -> None:
    path = write_cdrs(tmp_path / "cdrs.parquet", world_rows())
    batch = services.import_cdrs(path, None, analyst.agency)
    services.run_analysis([services.cdr_store() / batch.path], tmp_path / "o")
    biggest = services.save_results(tmp_path / "o", analyst.agency)[0]
    call = biggest.sample_calls[0]
    request = services.open_traceback(analyst, call["call_id"], "browser check")
    browser_login(page, live_server, analyst)

    page.goto(f"{live_server.url}/robocalls/")
    link = page.get_by_test_id("robocalls").get_by_role("link", name=biggest.campaign_id)
    link.focus()
    page.keyboard.press("Enter")  # the campaign is reachable by keyboard
    page.wait_for_url(f"**/robocalls/{biggest.campaign_id}/")
    assert page.locator("h1").inner_text() == f"Robocall campaign {biggest.campaign_id}"
    assert page.get_by_test_id("reasons").locator("li").first.inner_text() == biggest.reason_list[0]
    assert call["call_id"] in page.get_by_test_id("calls").inner_text()

    page.goto(f"{live_server.url}/traceback/{request.reference}/")
    assert page.locator("h1").inner_text() == f"Traceback {request.reference}"
    assert page.get_by_test_id("path").locator("li").first.inner_text().startswith("Verizon")

    page.select_option("#lang-select", "hi")
    page.click(".lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "hi"
    page.goto(f"{live_server.url}/traceback/{request.reference}/")
    assert page.locator("h1").inner_text() == f"ट्रेसबैक {request.reference}"
    assert page.locator("h2").first.inner_text() == "मार्ग, कॉल पहुँचाने वाले कैरियर से पीछे की ओर"
    page.goto(f"{live_server.url}/robocalls/{biggest.campaign_id}/")
    assert page.locator("h1").inner_text() == f"रोबोकॉल अभियान {biggest.campaign_id}"
