"""Persona jobs in real Chromium: one page per test at a desktop or a 360 px phone size, in
English or Hindi, checked by axe-core and photographed for a person to look at.

The live server and the browser are the session's (tests/conftest.py); each test opens a
fresh context (cookies, language, viewport) on them. axe-core comes from the npm registry
(package.json; ``make install`` runs ``npm install``) and is injected into the page under test.
Screenshots go to ``test-results/screens/<persona>-<viewport>-<lang>.png`` (docs/testing.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# The parts' own fixtures, reused here (a conftest's fixtures reach only its own folder).
from tests.campaigns.conftest import make_complaint  # noqa: F401
from tests.conftest import PASSWORD, browser_login
from tests.evidence.conftest import case, node_keys  # noqa: F401
from tests.money.conftest import home_store, story_csv  # noqa: F401
from tests.portal.conftest import _clear_cache, reported  # noqa: F401
from tests.sharing.conftest import complaints  # noqa: F401
from tracebridge.agencies.models import User

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ROOT / "test-results" / "screens"
VIEWPORTS = {"desktop": (1366, 768), "phone": (360, 740)}
LOCALES = {"en": "en-US", "hi": "hi-IN"}
SERIOUS = ("serious", "critical")

pytestmark = pytest.mark.browser


@dataclass
class Screen:
    """One persona's browser tab and what a test checks on each page it lands on."""

    page: Any
    base: str
    viewport: str
    lang: str

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def sign_in(self, user: User, live_server: Any) -> None:
        browser_login(self.page, live_server, user, PASSWORD)

    def text(self, test_id: str) -> str:
        return str(self.page.get_by_test_id(test_id).inner_text()).strip()

    def check(self) -> None:
        """No serious axe violation, and nothing scrolls sideways on the phone."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [v for v in result["violations"] if v["impact"] in SERIOUS]
        width = self.page.evaluate("document.documentElement.scrollWidth")
        wide = width > VIEWPORTS[self.viewport][0]
        if serious or wide:  # the page as it failed, to look at
            self.shoot(f"failed-{self.page.url.split('/', 3)[3].strip('/').replace('/', '_')}")
        assert not serious, axe_report(self.page.url, serious)
        assert not wide, f"{self.page.url} is {width} px wide: {self.widest()}"

    def widest(self) -> list[str]:
        """The elements that stick out past the right edge (the innermost first)."""
        return list(
            self.page.evaluate(
                """[...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                .reverse().slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                     + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
            )
        )

    def shoot(self, name: str) -> Path:
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{name}-{self.viewport}-{self.lang}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def finish(self, persona: str) -> Path:
        """Check the job's final page and save its full-page screenshot."""
        self.check()
        return self.shoot(persona)


def axe_report(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found serious violations on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def lang() -> str:
    """English unless a test parametrizes ``lang`` (the public pages run in both)."""
    return "en"


@pytest.fixture
def screen(_browser: Any, live_server: Any, viewport: str, lang: str) -> Iterator[Screen]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm installs axe-core)")
    width, height = VIEWPORTS[viewport]
    phone = viewport == "phone"
    context = _browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        locale=LOCALES[lang],
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Screen(page, live_server.url, viewport, lang)
    context.close()
