"""Issue 20.14: TAXII in a browser. A challenge Chromium understands, and a signed-in user's
session reads what their agency may read (GET only; writes keep needing a token or basic)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.conftest import browser_login
from tracebridge.agencies.models import User

TAXII = "application/taxii+json;version=2.1"


@pytest.fixture
def shared(complaints: Any, agreement_factory: Any, supervisor: Any) -> Any:
    return agreement_factory(approve_by=supervisor)


@pytest.mark.django_db
def test_the_challenge_is_one_basic_challenge(shared: Any) -> None:
    response = Client().get("/taxii2/", headers={"Accept": TAXII})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="TAXII", charset="UTF-8"'


@pytest.mark.django_db
def test_a_session_reads_what_the_agency_may_read(
    shared: Any, cbi_analyst: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(cbi_analyst)
    url = f"/taxii2/root/collections/{shared.collection_id}/objects/"
    response = client.get(url, headers={"Accept": TAXII})
    assert response.status_code == 200
    refs = {o["id"].split("--")[0] for o in json.loads(response.content)["objects"]}
    assert "incident" in refs
    assert "FBI-RED" not in response.content.decode()


@pytest.mark.django_db
def test_a_session_may_not_write(
    shared: Any, supervisor: User, client_for: Callable[[User], Client]
) -> None:
    url = f"/taxii2/root/collections/{shared.collection_id}/objects/"
    response = client_for(supervisor).post(
        url, json.dumps({"objects": []}), content_type=TAXII, headers={"Accept": TAXII}
    )
    assert response.status_code == 401
    assert "session only reads" in json.loads(response.content)["description"]


@pytest.mark.django_db
def test_a_session_sees_no_collection_of_another_partner(
    shared: Any, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    outsider = make_user("analyst", "US-FTC")
    url = f"/taxii2/root/collections/{shared.collection_id}/objects/"
    assert client_for(outsider).get(url, headers={"Accept": TAXII}).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_taxii_in_chromium_when_signed_in(
    page: Any, live_server: Any, shared: Any, cbi_analyst: User, tmp_path: Path
) -> None:
    url = f"{live_server.url}/taxii2/root/collections/"
    anonymous = page.request.get(url)
    assert anonymous.status == 401
    assert anonymous.headers["www-authenticate"] == 'Basic realm="TAXII", charset="UTF-8"'
    browser_login(page, live_server, cbi_analyst)
    response = page.goto(url)
    assert response.status == 200
    body = json.loads(page.locator("body").inner_text())
    assert [c["id"] for c in body["collections"]] == [str(shared.collection_id)]
    page.screenshot(path=str(tmp_path / "taxii-signed-in.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_answers_the_challenge_with_basic_credentials(
    _browser: Any, live_server: Any, shared: Any, cbi_analyst: User
) -> None:
    from tests.conftest import PASSWORD

    credentials = {"username": cbi_analyst.username, "password": PASSWORD}
    context = _browser.new_context(http_credentials=credentials)
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}/taxii2/root/collections/")
        assert response.status == 200
        assert "US-FBI to IN-CBI" in page.locator("body").inner_text()
    finally:
        context.close()
