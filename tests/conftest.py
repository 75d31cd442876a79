"""Fixtures every test can use: agencies, users per role, API clients, real Chromium."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tracebridge.agencies.demo import NAMES_HI
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.services import create_agency, create_user, issue_token

PASSWORD = "correct-horse-battery-staple"
VECTORS = Path(__file__).resolve().parent / "vectors"  # published vectors: vectors/README.md
AGENCIES = [
    ("US-DOJ-CPB", "US", "DOJ Consumer Protection Branch"),
    ("US-FBI", "US", "Federal Bureau of Investigation"),
    ("US-FTC", "US", "Federal Trade Commission"),
    ("IN-CBI", "IN", "Central Bureau of Investigation"),
    ("IN-I4C", "IN", "Indian Cyber Crime Coordination Centre"),
]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, settings: Any) -> Path:
    """Each test gets its own TRACEBRIDGE_HOME for blobs, Parquet and keys."""
    home = tmp_path / "home"
    home.mkdir()
    settings.HOME = home
    settings.FILE_UPLOAD_TEMP_DIR = str(home / "tmp" / "uploads")
    return home


def vector_files(folder: str, pattern: str = "*", least: int = 1) -> list[Path]:
    """The files of a vector folder, for parametrisation at collection time.

    A folder that is missing or holds fewer than ``least`` files stops collection with an
    error, so lost vectors can never turn into an empty, vacuously passing parametrisation.
    """
    found = sorted(p for p in (VECTORS / folder).glob(pattern) if p.is_file())
    if len(found) < least:
        raise pytest.UsageError(
            f"test vectors missing: {VECTORS / folder} has {len(found)} files matching "
            f"{pattern!r}, at least {least} expected (tests/vectors/README.md)"
        )
    return found


@pytest.fixture
def in_process_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``tracebridge.node.cli.main`` in this process, inside the test's transaction.

    Django's ``run_from_argv`` closes every database connection when a command ends; on
    PostgreSQL that closes the test's own connection, so the test's next query (and its
    rollback) fail with "the connection is closed". A node's process exits there anyway.
    """
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def vectors_dir() -> Path:
    return VECTORS


@pytest.fixture
def agencies(db: None) -> dict[str, Agency]:
    return {code: create_agency(code, cc, name, NAMES_HI[code]) for code, cc, name in AGENCIES}


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> Callable[..., User]:
    def make(role: str = "analyst", agency: str = "US-FBI", username: str | None = None) -> User:
        name = username or f"{agency.lower()}-{role}"
        user, _ = create_user(name, agency, role, password=PASSWORD)
        return user

    return make


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user("analyst", "US-FBI")


@pytest.fixture
def cbi_analyst(make_user: Callable[..., User]) -> User:
    return make_user("analyst", "IN-CBI")


@pytest.fixture
def supervisor(make_user: Callable[..., User]) -> User:
    return make_user("supervisor", "US-FBI")


@pytest.fixture
def agency_admin(make_user: Callable[..., User]) -> User:
    return make_user("agency_admin", "US-FBI")


@pytest.fixture
def viewer(make_user: Callable[..., User]) -> User:
    return make_user("viewer", "US-FBI")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A browser-like client signed in as ``user`` (session auth, CSRF enforced)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


class ApiClient:
    """Talks to /api/v1 with a real API token, as a machine client would."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _url(self, path: str) -> str:
        return path if path.startswith("/") and path.startswith("/api/") else f"/api/v1{path}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self._url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.client.post(
            self._url(path),
            json.dumps(body),
            content_type="application/json",
            headers=self.headers,
            **kwargs,
        )

    def put(self, path: str, body: Any = None) -> Any:
        return self.client.put(
            self._url(path), json.dumps(body), content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any = None) -> Any:
        return self.client.patch(
            self._url(path), json.dumps(body), content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(self._url(path), headers=self.headers)


@pytest.fixture
def api_for() -> Callable[[User | None], ApiClient]:
    def make(user: User | None) -> ApiClient:
        return ApiClient(issue_token(user, "test").secret if user else None)

    return make


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one API error shape: {"error": {"code", "message", "details"}}."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


# --- real Chromium through Playwright ------------------------------------------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (see README)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser: Any, live_server: Any) -> Iterator[Any]:
    """A desktop-sized page; use ``phone_page`` for a 360 px wide phone."""
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(_browser: Any, live_server: Any) -> Iterator[Any]:
    context = _browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="hi-IN"
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def browser_login(page: Any, live_server: Any, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real login form."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
