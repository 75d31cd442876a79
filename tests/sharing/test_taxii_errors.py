"""Every answer under /taxii2/ is TAXII's: the error shape, the right status, filters checked."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from django.test import RequestFactory

from tests.conftest import PASSWORD
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token
from tracebridge.sharing import taxii

pytestmark = pytest.mark.django_db(transaction=True)
TAXII = "application/taxii+json;version=2.1"


@pytest.fixture
def site(live_server: Any, complaints: Any, agreement_factory: Any, supervisor: Any,
         cbi_analyst: Any) -> dict[str, str]:  # fmt: skip
    shared = agreement_factory(approve_by=supervisor)
    return {
        "root": live_server.url + "/taxii2/",
        "coll": f"{live_server.url}/taxii2/root/collections/{shared.collection_id}/",
        "token": issue_token(cbi_analyst, "taxii").secret,
    }


def _get(url: str, token: str = "", **headers: str) -> requests.Response:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url, headers={"Accept": TAXII, **auth, **headers}, timeout=30)


def _error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"] == TAXII
    body = dict(response.json())
    assert set(body) == {"title", "description", "http_status"}
    assert body["http_status"] == str(status)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "root/status/22101993/",  # not a UUID
        "root/collections/24042009/manifest/",
        "root/collections/24042009/objects/not-an-id/versions/",
        "carbon1/collections/",  # an API root that does not exist
        "trustgroup2/",
        "root/nothing-here/",
    ],
)
def test_unknown_paths_answer_taxii_401_then_404(site: dict[str, str], path: str) -> None:
    _error(_get(site["root"] + path), 401)
    assert _error(_get(site["root"] + path, site["token"]), 404)["title"] == "Not Found"


def test_a_path_without_its_final_slash_is_served(site: dict[str, str]) -> None:
    objects = _get(site["coll"] + "objects/?match[type]=incident", site["token"]).json()
    incident = objects["objects"][0]["id"]
    versions = _get(site["coll"] + f"objects/{incident}/versions", site["token"])
    assert versions.json()["versions"] == [objects["objects"][0]["modified"]]
    assert (
        versions.headers["X-TAXII-Date-Added-First"] == versions.headers["X-TAXII-Date-Added-Last"]
    )


def test_a_method_an_endpoint_does_not_take_is_405(site: dict[str, str]) -> None:
    response = requests.delete(site["coll"], headers={"Accept": TAXII,
                               "Authorization": f"Bearer {site['token']}"}, timeout=30)  # fmt: skip
    _error(response, 405)
    assert response.headers["Allow"] == "GET"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("match[version]=yesterday", "match[version]"),
        ("match[version]=last,2026-13-01T00:00:00Z", "match[version]"),
        ("match[spec_version]=latest", "match[spec_version]"),
        ("added_after=2026-01-01", "added_after"),  # no time zone
        ("next=12", "next"),
        ("limit=0", "limit"),
    ],
)
def test_bad_filters_are_400(site: dict[str, str], query: str, named: str) -> None:
    body = _error(_get(site["coll"] + f"objects/?{query}", site["token"]), 400)
    assert named in body["description"]


def test_changing_filters_between_pages_is_400(site: dict[str, str]) -> None:
    first = _get(site["coll"] + "manifest/?limit=2&match[type]=sighting", site["token"]).json()
    assert first["more"] is True
    same = _get(site["coll"] + f"manifest/?limit=3&match[type]=sighting&next={first['next']}",
                site["token"])  # fmt: skip
    assert same.status_code == 200  # the page size may change; the filters may not
    changed = _get(site["coll"] + f"manifest/?limit=2&match[type]=indicator&next={first['next']}",
                   site["token"])  # fmt: skip
    assert "filters changed" in _error(changed, 400)["description"]
    elsewhere = _get(site["coll"] + f"objects/?limit=2&match[type]=sighting&next={first['next']}",
                     site["token"])  # fmt: skip
    _error(elsewhere, 400)


def test_spec_version_filter_and_manifest_media_types(site: dict[str, str]) -> None:
    url = site["coll"] + "manifest/?match[spec_version]="
    every = _get(url + "2.1", site["token"]).json()["objects"]
    assert every and {m["media_type"] for m in every} == {"application/stix+json;version=2.1"}
    assert _get(url + "2.0", site["token"]).json() == {}


def _post(url: str, body: bytes, token: str, content_type: str) -> requests.Response:
    headers = {"Accept": TAXII, "Authorization": f"Bearer {token}", "Content-Type": content_type}
    return requests.post(url, data=body, headers=headers, timeout=30)


def test_posts_need_the_taxii_media_type_and_an_envelope(
    site: dict[str, str], agreement_factory: Any, make_user: Any
) -> None:
    inbound = agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")
    url = site["coll"].rsplit("/collections/", 1)[0] + f"/collections/{inbound.collection_id}/"
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    envelope = json.dumps({"objects": []}).encode()
    for wrong in ("application/json", "application/taxii+json;version=2.0", "text/plain"):
        body = _error(_post(url + "objects/", envelope, token, wrong), 415)
        assert wrong.split(";")[0] in body["description"]
    bare = {"type": "indicator", "spec_version": "2.1", "id": "indicator--x"}
    _error(_post(url + "objects/", json.dumps(bare).encode(), token, TAXII), 422)
    _error(_post(url + "objects/", b"[1, 2]", token, TAXII), 422)
    assert _post(url + "objects/", envelope, token, TAXII).status_code == 202


def test_sign_in_lockout_is_answered_in_taxii_json(site: dict[str, str], cbi_analyst: Any) -> None:
    def basic(password: str) -> requests.Response:
        pair = base64.b64encode(f"{cbi_analyst.username}:{password}".encode()).decode()
        return _get(site["coll"], Authorization=f"Basic {pair}")

    assert [basic("wrong").status_code for _ in range(4)] == [401] * 4
    for password in ("wrong", PASSWORD):  # the fifth failure locks; then even the right one
        response = basic(password)
        assert _error(response, 429)["title"] == "Too Many Requests"
        assert response.headers["Retry-After"] == "900"
    locked = AuditEvent.objects.filter(action="auth.locked_out")
    assert locked.count() == 2
    assert {e.username for e in locked} == {cbi_analyst.username}


def test_an_unexpected_failure_is_a_taxii_500(cbi_analyst: Any) -> None:
    @taxii.taxii_view("GET")
    def broken(request: Any) -> Any:
        raise RuntimeError("a bug")

    token = issue_token(cbi_analyst, "x").secret
    request = RequestFactory().get("/taxii2/x/", HTTP_ACCEPT=TAXII,
                                   HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    answer = broken(request)
    assert (answer.status_code, answer["Content-Type"]) == (500, TAXII)
    assert json.loads(answer.content)["http_status"] == "500"
