"""The navigation groups its links into menus a keyboard can use (issue 20, point 9)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import browser_login
from tracebridge.agencies.models import User


def _menus(html: str) -> dict[str, list[str]]:
    """Menu key -> the link paths inside it, read from the rendered navigation."""
    nav = html.split('data-testid="nav-menus"', 1)[1].split("</nav>", 1)[0]
    out = {}
    for chunk in nav.split('<details class="menu" data-menu="')[1:]:
        key = chunk.split('"', 1)[0]
        out[key] = [a.split('"', 1)[0] for a in chunk.split("</details>", 1)[0].split('href="')[1:]]
    return out


def test_an_admin_sees_every_group_in_order(
    agency_admin: User, client_for: Callable[..., Client]
) -> None:
    menus = _menus(client_for(agency_admin).get(reverse("home")).content.decode())
    assert list(menus) == [
        "intelligence", "telecom", "money", "cases", "sharing", "admin", "public"
    ]  # fmt: skip
    assert menus["intelligence"] == ["/dashboard/", "/complaints/", "/campaigns/", "/search/",
                                     "/follows/"]  # fmt: skip
    assert menus["admin"] == ["/agency/users/", "/agency/tokens/", "/audit/"]
    assert reverse("money-registry") in menus["money"]
    assert reverse("statistics") in menus["public"]


def test_an_analyst_has_no_admin_menu_and_the_current_page_is_marked(
    analyst: User, client_for: Callable[..., Client]
) -> None:
    html = client_for(analyst).get(reverse("campaign-list")).content.decode()
    menus = _menus(html)
    assert "admin" not in menus
    assert '<details class="menu" data-menu="intelligence" data-active>' in html
    assert '<a href="/campaigns/" aria-current="page">' in html


def test_the_public_sees_a_flat_list_and_sign_in(client: Client) -> None:
    html = client.get(reverse("check")).content.decode()
    assert 'data-testid="nav-menus"' not in html
    assert 'href="/login/"' in html and 'href="/learn/"' in html


@pytest.mark.browser
def test_menus_fit_a_laptop_screen_and_work_by_keyboard(
    _browser: Any, live_server: Any, agency_admin: User, tmp_path: Path
) -> None:
    context = _browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_login(page, live_server, agency_admin)
    nav = page.locator("nav.nav")
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth")
    top = nav.evaluate("n => n.querySelector('ul').getBoundingClientRect().height")
    assert top < 60  # one row of menus, not wrapped lines
    summary = page.locator("details[data-menu=telecom] > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details[data-menu=telecom]").evaluate("d => d.open")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == reverse("telecom-robocalls")
    page.screenshot(path=str(tmp_path / "navigation-menu-open.png"))
    page.keyboard.press("Escape")
    assert not page.locator("details[data-menu=telecom]").evaluate("d => d.open")
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{reverse('telecom-robocalls')}")
    page.screenshot(path=str(tmp_path / "navigation-1366.png"))
    context.close()
