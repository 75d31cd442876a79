"""The public's "check before you pay" job in real Chromium: a 360 px phone in Hindi and a
desktop in English, asserting what the page shows (the reading, the count, the report link)."""

from pathlib import Path
from typing import Any

import pytest

from tracebridge.portal import policy

pytestmark = pytest.mark.browser


def test_phone_in_hindi_reads_a_messy_upi_id_counted_under_i4c_policy(
    phone_page: Any, live_server: Any, reported: Any, agencies: Any, tmp_path: Path
) -> None:
    policy.set_policy(agencies["IN-I4C"], "CLEAR,GREEN,AMBER", 3)
    for tlp in ("GREEN", "AMBER", "GREEN"):
        reported(["upi:pooja.4738@okicici"], tlp=tlp)
    page = phone_page
    page.goto(f"{live_server.url}/check/")
    assert page.locator("#q").get_attribute("inputmode") == "text"
    page.fill("#q", "pooja.4738 @ okicici")
    page.keyboard.press("Enter")
    result = page.locator("[data-testid=check-result]")
    result.wait_for()
    assert result.get_attribute("data-status") == "reported"
    reading = page.locator("[data-testid=reading]").inner_text()
    assert reading == "हमने इसे UPI आईडी pooja.4738@okicici पढ़ा"
    warning = page.locator("[data-testid=warning]").inner_text()
    assert "चेतावनी" in warning and "3" in warning
    assert page.locator("a[href='tel:1930']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "check-phone-hindi.png"), full_page=True)
    page.locator("[data-testid=report-this]").click()
    page.wait_for_url("**/report/?*")
    assert page.locator("input[name=suspect_upi]").input_value() == "pooja.4738@okicici"
    page.screenshot(path=str(tmp_path / "report-prefilled-hindi.png"), full_page=True)


def test_desktop_in_english_finds_a_us_number_and_names_the_other_reading(
    page: Any, live_server: Any, reported: Any, tmp_path: Path
) -> None:
    for _ in range(2):
        reported(["phone:+18448834034"], country="US")
    page.goto(f"{live_server.url}/check/")
    page.fill("#q", "(844) 883 4034")
    page.select_option("#region", "IN")
    page.click("form[role=search] button[type=submit]")
    result = page.locator("[data-testid=check-result]")
    result.wait_for()
    reading = page.locator("[data-testid=reading]").inner_text()
    assert reading.startswith("We read this as phone number +18448834034")
    assert "we also tried +918448834034: no reports" in reading
    assert page.locator("[data-testid=warning]").inner_text() == (
        "Warning: reported 2 times as a scam"
    )
    link = page.locator("[data-testid=report-this]").get_attribute("href")
    assert link == "/report/?what=call&kind=phone&country=US&value=%2B18448834034"
    page.screenshot(path=str(tmp_path / "check-desktop-english.png"), full_page=True)
    page.fill("#q", "nobody@okaxis")
    page.click("form[role=search] button[type=submit]")
    page.locator("[data-testid=check-result][data-status=not_reported]").wait_for()
    assert page.locator("h2").first.inner_text() == "No reports of this UPI ID yet"


def test_charts_on_a_phone_keep_readable_labels(
    phone_page: Any, live_server: Any, reported: Any
) -> None:
    for _ in range(5):
        reported(["upi:a@okaxis"], loss="500.00", method="upi")
    phone_page.goto(f"{live_server.url}/stats/")
    label = phone_page.locator("figure.chart svg text").first.bounding_box()
    assert label is not None and label["height"] >= 10  # 12 px, not shrunk to 6
