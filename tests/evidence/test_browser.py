"""A real Chromium uploads evidence with the progress bar and opens the item's custody."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import browser_login
from tracebridge.cases.models import Case
from tracebridge.evidence.models import EvidenceItem

pytestmark = pytest.mark.browser


def test_upload_with_progress_then_custody(
    page: Any, live_server: Any, analyst: Any, case: Case, tmp_path: Path
) -> None:
    recording = tmp_path / "call.wav"
    recording.write_bytes(b"RIFF" + bytes(300_000))
    browser_login(page, live_server, analyst)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.set_input_files("#id_file", str(recording))
    page.fill("#id_device", "Pixel 7, IMEI 3567")
    with page.expect_navigation(), page.expect_response(lambda r: "/upload/" in r.url) as sent:
        page.click("#upload-form button[type=submit]")
    # The script posted with XHR (JSON answer, progress bar), then reloaded the page.
    assert sent.value.headers["content-type"] == "application/json"
    assert page.locator("[data-testid=evidence-list] tbody tr").count() == 1
    item = EvidenceItem.objects.get()
    assert item.size == 300_004 and item.device == "Pixel 7, IMEI 3567"
    page.click(f"text={item.reference}")
    assert page.locator("[data-testid=item-sha256]").inner_text() == item.sha256
    assert "Collected" in page.locator("[data-testid=custody-timeline]").inner_text()
