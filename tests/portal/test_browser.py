from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/check/?q=kyc.update%40okaxis", "/learn/", "/learn/digital-arrest/", "/stats/"]


def test_phone_sized_hindi_check_of_a_upi_id(
    phone_page: Any, live_server: Any, reported: Any
) -> None:
    reported(["upi:kyc.update@okaxis"])
    phone_page.goto(f"{live_server.url}/check/")
    assert phone_page.locator("html").get_attribute("lang") == "hi"
    phone_page.fill("#q", "KYC.Update@okaxis")
    phone_page.keyboard.press("Enter")
    warning = phone_page.locator("[data-testid=warning]")
    warning.wait_for()
    assert "चेतावनी" in warning.inner_text()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_statistics_page_draws_its_charts(page: Any, live_server: Any, reported: Any) -> None:
    for _ in range(5):
        reported(["upi:a@okaxis"], loss="500.00", method="upi")
    page.goto(f"{live_server.url}/stats/")
    assert page.locator("figure.chart svg").count() == 3
    assert page.locator("figure.chart svg rect").count() >= 3
    box = page.locator("figure.chart svg").first.bounding_box()
    assert box is not None and box["height"] > 10


def test_public_pages_pass_axe_stay_light_and_local(
    _browser: Any, live_server: Any, reported: Any
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm installs axe-core)")
    reported(["upi:kyc.update@okaxis"])
    context = _browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    hosts: set[str] = set()
    sizes: list[int] = []
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.on("response", lambda response: sizes.append(len(response.body())))
    for path in PAGES:
        sizes.clear()
        page.goto(f"{live_server.url}{path}")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (path, serious)
        assert sum(sizes) <= 200_000, (path, sum(sizes))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
    assert hosts == {live_server.url.split("/")[2]}
    context.close()
