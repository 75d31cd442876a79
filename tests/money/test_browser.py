"""The trail tree in real Chromium: drawn, readable, and no CSP violation."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trail_tree_renders_without_csp_errors(
    page: Any, live_server: Any, analyst: Any, home_store: Any, make_complaint: Callable[..., Any]
) -> None:
    make_complaint("IC3-1")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_login(page, live_server, analyst)
    page.goto(f"{live_server.url}/home/")
    baseline = set(errors)  # whatever every page logs (the base template's, not ours)
    errors.clear()
    page.goto(f"{live_server.url}/money/trails/?q=IC3-1")
    tree = page.locator("svg.trail-svg")
    assert tree.is_visible()
    assert tree.locator("g.node").count() == 5  # the victim and four accounts
    assert page.get_by_test_id("holdable").inner_text() == "759.04 USD"
    fill = page.eval_on_selector("g.node.hold rect", "e => getComputedStyle(e).fill")
    assert fill == "rgb(255, 248, 197)"  # money.css applied: the stylesheet was allowed
    if os.environ.get("MONEY_SCREENSHOT"):
        page.screenshot(path=os.environ["MONEY_SCREENSHOT"], full_page=True)
    assert [e for e in errors if e not in baseline] == [], errors
