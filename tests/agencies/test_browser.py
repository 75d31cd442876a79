from typing import Any

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_analyst_signs_in_and_sees_their_agency(page: Any, live_server: Any, analyst: Any) -> None:
    browser_login(page, live_server, analyst)
    assert page.locator("[data-testid=who] .agency").inner_text() == "US-FBI"
    assert (
        page.locator("[data-testid=agency-name]").inner_text() == "Federal Bureau of Investigation"
    )
    page.select_option("#lang-select", "hi")
    page.click(".lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "hi"
