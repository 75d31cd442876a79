"""The evidence custodian's job: enter an item with when, where and by whom it was collected,
export the case's court package, and read the custody timeline that records both."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from tracebridge.cases.models import Case
from tracebridge.evidence.models import EvidenceItem

from .conftest import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COLLECTED = "2026-12-01 10:30 EST (UTC-05:00, America/New_York; 15:30 UTC)"


def test_custodian_enters_evidence_exports_the_package_and_reads_custody(
    screen: Screen, live_server: Any, analyst: Any, case: Case, tmp_path: Path
) -> None:
    recording = tmp_path / "call recording 1.wav"
    recording.write_bytes(b"RIFF" + bytes(30_000))
    page = screen.page
    screen.sign_in(analyst, live_server)
    screen.go(f"/cases/{case.reference}/")
    form = page.locator("#upload-form")
    form.get_by_label("File").set_input_files(str(recording))
    form.get_by_label("What it is").fill("Recorded call from the 'bank'")
    form.get_by_label("Collected by").fill("SA J. Doe")
    form.get_by_label("Collected at").fill("2026-12-01T10:30")
    form.get_by_label("Time zone of that time").select_option("America/New_York")
    form.get_by_label("Place").first.fill("Newark, NJ")
    with page.expect_navigation():
        form.get_by_role("button", name="Upload").click()
    item = EvidenceItem.objects.get()
    row = page.get_by_test_id("evidence-list").locator("tbody tr")
    assert row.locator("td").all_inner_texts()[:3] == [item.reference, recording.name, "30004"]
    assert row.locator("td").nth(4).inner_text().startswith(COLLECTED)
    screen.check()

    page.get_by_role("link", name=item.reference).click()
    assert screen.text("item-collected-at") == COLLECTED  # the collector's zone, kept
    assert screen.text("item-sha256") == item.sha256
    screen.go(f"/cases/{case.reference}/")
    with page.expect_download() as download:
        page.locator("#package-form").get_by_role("button").click()
    assert download.value.suggested_filename == f"{case.reference}-evidence.zip"
    with zipfile.ZipFile(download.value.path()) as package:
        names = package.namelist()
        readme = package.read("README.txt").decode()
    assert [n for n in names if n.startswith("files/")] == ["files/0001-call_recording_1.wav"]
    assert download.value.suggested_filename in readme

    screen.go(f"/evidence/case/{case.reference}/custody/")
    timeline = page.get_by_test_id("custody-timeline")
    assert timeline.get_by_test_id("collected").inner_text() == (
        f"collected {COLLECTED} by SA J. Doe"
    )
    assert timeline.get_by_test_id("entered").inner_text() == f"entered by {analyst.username}"
    assert timeline.get_by_test_id("covered").inner_text() == f"covering 1 item: {item.reference}"
    screen.finish("custodian-custody")
