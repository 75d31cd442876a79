"""The TAXII 2.1 server, driven by taxii2-client over real HTTP against a live server."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token
from tracebridge.sharing import signing, stix
from tracebridge.sharing.exports import store
from tracebridge.sharing.models import SharedObject
from tracebridge.sharing.stix_extensions import tb_property

pytestmark = pytest.mark.django_db(transaction=True)
TAXII = "application/taxii+json;version=2.1"


@pytest.fixture
def shared(complaints: Any, agreement_factory: Any, supervisor: Any) -> Any:
    return agreement_factory(approve_by=supervisor)


@pytest.fixture
def cbi_token(cbi_analyst: Any) -> str:
    return issue_token(cbi_analyst, "taxii").secret


def _client(url: str, token: str, cls: Any = Server) -> Any:
    return cls(url, auth=_Bearer(token))


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def _collection_url(live_server: Any, agreement: Any) -> str:
    return f"{live_server.url}/taxii2/root/collections/{agreement.collection_id}/"


def test_discovery_roots_and_collections(live_server: Any, shared: Any, cbi_token: str) -> None:
    server = _client(f"{live_server.url}/taxii2/", cbi_token)
    assert server.default.url == f"{live_server.url}/taxii2/root/"
    root = server.api_roots[0]
    assert isinstance(root, ApiRoot)
    assert [c.id for c in root.collections] == [str(shared.collection_id)]
    assert root.collections[0].can_read and not root.collections[0].can_write


def test_objects_are_paged_and_never_red(live_server: Any, shared: Any, cbi_token: str) -> None:
    collection = _client(_collection_url(live_server, shared), cbi_token, Collection)
    seen: list[dict[str, Any]] = []
    pages = 0
    for envelope in as_pages(collection.get_objects, per_request=7):
        seen += envelope.get("objects", [])
        pages += 1
    assert pages > 2
    ids = [o["id"] for o in seen]
    assert len(ids) == len(set(ids)) == SharedObject.objects.filter(agreement=shared).count()
    refs = {tb_property(o, "complaint")["ref"] for o in seen if o["type"] == "incident"}
    assert refs == {"FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}
    assert "FBI-RED" not in json.dumps(seen) and stix.TLP_IDS["RED"] not in json.dumps(seen)


def test_filters_manifest_and_versions(live_server: Any, shared: Any, cbi_token: str) -> None:
    collection = _client(_collection_url(live_server, shared), cbi_token, Collection)
    incidents = collection.get_objects(**{"type": "incident"})["objects"]
    assert {o["type"] for o in incidents} == {"incident"} and len(incidents) == 3
    one = collection.get_object(incidents[0]["id"])["objects"]
    assert [o["id"] for o in one] == [incidents[0]["id"]]
    by_id = collection.get_objects(id=incidents[1]["id"])["objects"]
    assert [o["id"] for o in by_id] == [incidents[1]["id"]]
    versions = collection.object_versions(incidents[0]["id"])["versions"]
    assert versions == [incidents[0]["modified"]]
    manifest = collection.get_manifest()["objects"]
    assert {m["media_type"] for m in manifest} == {"application/stix+json;version=2.1"}
    last = manifest[-1]["date_added"]
    assert collection.get_objects(added_after=last).get("objects", []) == []
    middle = manifest[len(manifest) // 2]["date_added"]
    later = collection.get_objects(added_after=middle)["objects"]
    assert 0 < len(later) < len(manifest)


def test_responses_are_signed_over_the_nonce(live_server: Any, shared: Any, cbi_token: str) -> None:
    url = _collection_url(live_server, shared) + "objects/?limit=5"
    response = requests.get(url, headers={"Authorization": f"Bearer {cbi_token}", "Accept": TAXII,
                                          "X-TraceBridge-Nonce": "n1"}, timeout=30)  # fmt: skip
    key = signing.public_key_text(signing.load_node_key())
    signature = response.headers["X-TraceBridge-Signature"]
    target, body, headers = response.request.path_url, response.content, response.headers
    signing.verify_page(key, signature, "n1", target, body, headers)
    with pytest.raises(signing.SignatureError, match=r"\(3\)"):
        signing.verify_page(key, signature, "n2", target, body, headers)  # a replayed answer
    with pytest.raises(signing.SignatureError, match=r"\(3\)"):
        signing.verify_page(key, signature, "n1", target, body + b" ", headers)
    with pytest.raises(signing.SignatureError, match=r"\(2\)"):
        signing.verify_page(key, "!!", "n1", target, body, headers)
    # The date-added headers are signed too: the resume cursor of `sync pull` comes from them.
    moved = {**headers, "X-TAXII-Date-Added-Last": "2099-01-01T00:00:00.000000Z"}
    with pytest.raises(signing.SignatureError, match=r"X-TAXII-Date-Added-Last"):
        signing.verify_page(key, signature, "n1", target, body, moved)
    dropped = {k: v for k, v in headers.items() if not k.startswith("X-TAXII-Date-Added")}
    with pytest.raises(signing.SignatureError, match=r"\(3\)"):
        signing.verify_page(key, signature, "n1", target, body, dropped)


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers={"Accept": TAXII, **headers}, timeout=30)


def _taxii_error(response: requests.Response, status: int) -> None:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"title", "description", "http_status"}
    assert body["http_status"] == str(status)


def test_unknown_or_wrong_partner_learns_nothing(
    live_server: Any, shared: Any, make_user: Any, cbi_token: str
) -> None:
    url = _collection_url(live_server, shared) + "objects/"
    _taxii_error(_get(url), 401)
    _taxii_error(_get(url, Authorization="Bearer tb_nope_nope"), 401)
    basic = base64.b64encode(b"nobody:wrong").decode()
    _taxii_error(_get(url, Authorization=f"Basic {basic}"), 401)
    stranger = issue_token(make_user("analyst", "IN-I4C"), "x").secret
    forbidden = _get(url, Authorization=f"Bearer {stranger}")
    missing = _get(
        f"{live_server.url}/taxii2/root/collections/00000000-0000-4000-8000-000000000000/objects/",
        Authorization=f"Bearer {stranger}",
    )
    _taxii_error(forbidden, 404)
    _taxii_error(missing, 404)
    assert forbidden.json() == missing.json()
    _taxii_error(_get(url, Authorization=f"Bearer {cbi_token}", Accept="text/html"), 406)
    _taxii_error(_get(url + "?added_after=yesterday", Authorization=f"Bearer {cbi_token}"), 400)
    _taxii_error(_get(url + "?limit=x", Authorization=f"Bearer {cbi_token}"), 400)
    denied = AuditEvent.objects.filter(outcome="denied", action__startswith="taxii.")
    assert denied.count() >= 5


def test_basic_auth_works(live_server: Any, shared: Any, cbi_analyst: Any) -> None:
    from tests.conftest import PASSWORD

    url = _collection_url(live_server, shared)
    basic = base64.b64encode(f"{cbi_analyst.username}:{PASSWORD}".encode()).decode()
    assert _get(url, Authorization=f"Basic {basic}").json()["id"] == str(shared.collection_id)


def test_amber_waits_for_approval_on_the_wire(
    live_server: Any, complaints: Any, agreement_factory: Any, cbi_token: str
) -> None:
    agreement = agreement_factory()
    # Even an AMBER object that reached the store is held back until a supervisor approves.
    store(agreement, stix.complaint_objects(
        {"source": "IC3", "ref": "LATE", "received_at": "2026-01-01T00:00:00Z"}, [],
        agency="US-FBI", tlp="AMBER"))  # fmt: skip
    collection = _client(_collection_url(live_server, agreement), cbi_token, Collection)
    text = json.dumps(collection.get_objects())
    assert "FBI-GREEN" in text and "FBI-AMBER" not in text and "LATE" not in text


def test_post_envelope_and_status(live_server: Any, complaints: Any, agencies: Any,
                                  agreement_factory: Any, make_user: Any) -> None:  # fmt: skip
    inbound = agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    collection = _client(_collection_url(live_server, inbound), token, Collection)
    objects = stix.complaint_objects(
        {"source": "NCRP", "ref": "PUSHED", "country": "IN",
         "received_at": "2026-02-02T00:00:00+00:00", "suspect": {"phones": ["+919812345678"]}},
        ["phone:+919812345678"], agency="IN-CBI", tlp="GREEN",
    )  # fmt: skip
    bad = {"type": "x-weird", "id": "x-weird--1", "spec_version": "2.1"}
    unmarked = {**objects[0], "id": stix.sdo_id("incident", "unmarked")}
    unmarked.pop("object_marking_refs")
    status = collection.add_objects(
        {"objects": [*objects, bad, unmarked]}, wait_for_completion=False
    )
    assert status.success_count == len(objects)
    assert status.failure_count == 2
    assert {f["id"]: f["message"] for f in status.failures} == {
        "x-weird--1": "x-weird--1: unknown object type 'x-weird'",
        unmarked["id"]: f"{unmarked['id']}: no TLP marking",
    }
    again = _get(
        f"{live_server.url}/taxii2/root/status/{status.id}/", Authorization=f"Bearer {token}"
    )
    assert again.json()["success_count"] == len(objects)
    from tracebridge.complaints.models import Complaint

    assert Complaint.objects.get(ref="PUSHED").agency.code == "IN-CBI"
    fbi = issue_token(make_user("analyst", "US-FBI"), "x").secret
    refused = requests.post(_collection_url(live_server, inbound) + "objects/",
                            data=json.dumps({"objects": objects}),
                            headers={"Authorization": f"Bearer {fbi}", "Accept": TAXII,
                                     "Content-Type": TAXII}, timeout=30)  # fmt: skip
    _taxii_error(refused, 403)
    junk = requests.post(_collection_url(live_server, inbound) + "objects/", data=b"{not json",
                         headers={"Authorization": f"Bearer {token}", "Accept": TAXII,
                                  "Content-Type": TAXII}, timeout=30)  # fmt: skip
    _taxii_error(junk, 400)
    # OpenCTI's own AMBER+STRICT definition, matched by name: refused for its marking.
    strict_mark = {"type": "marking-definition", "spec_version": "2.1", "name": "TLP:AMBER+STRICT",
                   "id": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
                   "created": stix.TLP_EPOCH}  # fmt: skip
    strict = {**objects[0], "id": stix.sdo_id("incident", "strict"),
              "object_marking_refs": [strict_mark["id"]]}  # fmt: skip
    status = collection.add_objects({"objects": [strict_mark, strict]}, wait_for_completion=False)
    assert [(f["id"], f["message"]) for f in status.failures] == [
        (strict["id"], f"{strict['id']}: marked TLP:AMBER+STRICT, which never leaves its agency")
    ]


def test_envelope_over_the_upload_limit_is_413(
    live_server: Any, agencies: Any, agreement_factory: Any, make_user: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 << 16
    inbound = agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    body = json.dumps({"objects": [{"type": "note", "content": "x" * (1 << 17)}]})
    response = requests.post(_collection_url(live_server, inbound) + "objects/", data=body,
                             headers={"Authorization": f"Bearer {token}", "Accept": TAXII,
                                      "Content-Type": TAXII}, timeout=30)  # fmt: skip
    _taxii_error(response, 413)
    assert response.json()["description"] == "The limit is 65536 bytes."
