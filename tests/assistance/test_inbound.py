"""The inbound route (POST /api/v1/request-messages) against bad input: a partner node's messages
signed with its own key (a real Ed25519 key pinned here), posted with its token and a nonce.
Each refusal names its reason, is audited, is signed over the nonce like a receipt, and stores
nothing: no message, no receipt, no ledger leaf."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from jsonschema import Draft202012Validator

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.agencies.services import issue_token
from tracebridge.assistance import services, signed
from tracebridge.assistance.models import Message, Request
from tracebridge.assistance.outbox import Receipt
from tracebridge.evidence import ledger
from tracebridge.evidence.merkle import canonical_json
from tracebridge.sharing import signing
from tracebridge.sharing.models import Partner

from .conftest import PRESERVATION

URL = "/api/v1/request-messages"
REF = f"REQ-IN-CBI-{dt.date.today().year}-0001"
STEPS = {  # seq -> action, from, to (a request from the CBI's node to the DOJ-CPB here)
    1: ("create", "", "draft"),
    2: ("submit", "draft", "supervisor_review"),
    3: ("approve", "supervisor_review", "sent"),
    4: ("withdraw", "sent", "withdrawn"),
}


class InNode:
    """The CBI's node as this node sees it: its key, pinned as partner in-node."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.public = signing.public_key_text(self.key)

    def body(self, seq: int, reference: str = REF) -> dict[str, Any]:
        action, before, after = STEPS[seq]
        now = dt.datetime.now(dt.UTC)
        data: dict[str, Any] = {}
        if action == "create":
            data = {
                "kind": "preservation", "from_code": "IN-CBI", "to_code": "US-DOJ-CPB",
                "case": "CASE-IN-CBI-2026-0001", "links": {}, "fields": dict(PRESERVATION),
                "created_at": now.isoformat(), "due_at": (now + dt.timedelta(days=3)).isoformat(),
            }  # fmt: skip
        if action == "approve":
            data = {"due_at": (now + dt.timedelta(days=3)).isoformat()}
        body = {
            "v": 1, "id": signed.new_id(), "request": reference, "seq": seq, "action": action,
            "from": before, "to": after, "agency": "IN-CBI", "by": "cbi.officer",
            "at": now.isoformat(), "data": data,
        }  # fmt: skip
        return body

    def sign(self, body: dict[str, Any], key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
        signature = signing.sign(key or self.key, body["id"], "assistance", canonical_json(body))
        return {"body": body, "signature": signature, "key": self.public, "signer": "in/evidence"}


@pytest.fixture
def in_node(db: None) -> InNode:
    node = InNode()
    Partner.objects.create(name="in-node", api_root="https://in.example/taxii2/root/",
                           token="t", public_key=node.public, agency_codes=["IN-CBI"])  # fmt: skip
    return node


@pytest.fixture
def token(make_user: Callable[..., User]) -> str:
    """The account this node gave the CBI's node (an IN-CBI user here)."""
    return issue_token(make_user("analyst", "IN-CBI", "in-node"), "in-node").secret


def _post(token: str | None, item: Any, nonce: str = "n-1") -> Any:
    headers = {"X-TraceBridge-Nonce": nonce}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = item if isinstance(item, bytes) else json.dumps(item).encode()
    response = Client().post(URL, raw, content_type="application/json", headers=headers)
    if response.status_code != 401:  # every answer of the route is signed over the nonce
        signing.verify_page(
            signed.own_key(), response["X-TraceBridge-Signature"], nonce, URL,
            response.content, response.headers,
        )  # fmt: skip
    return response


def _stored() -> tuple[int, int, int]:
    return Message.objects.count(), Receipt.objects.count(), ledger.size()


def test_a_message_is_applied_once_and_answered_with_a_signed_receipt(
    in_node: InNode, token: str, make_user: Callable[..., User]
) -> None:
    make_user("analyst", "US-DOJ-CPB", "doj.analyst")
    item = in_node.sign(in_node.body(1))
    first = _post(token, item)
    assert first.status_code == 200, first.content
    receipt = signed.parse(first.json()["receipt"], "receipt")
    signed.verify(receipt, signed.RECEIPT_TARGET)
    assert receipt.key == signed.own_key()
    assert (receipt.body["message"], receipt.body["status"]) == (item["body"]["id"], "accepted")
    assert receipt.body["request_status"] == "draft"
    again = _post(token, item, nonce="n-2")  # a retry after a lost answer
    assert again.json() == first.json()
    assert _stored() == (1, 1, 2)
    for seq in (2, 3):
        assert _post(token, in_node.sign(in_node.body(seq))).status_code == 200
    request = Request.objects.get()
    assert (request.status, request.recipient.code, request.partner.name) == (
        "sent", "US-DOJ-CPB", "in-node"
    )  # fmt: skip
    with pytest.raises(signing.SignatureError):  # the answer is bound to the caller's nonce
        signing.verify_page(signed.own_key(), again["X-TraceBridge-Signature"], "n-1", URL,
                            again.content, again.headers)  # fmt: skip


def test_a_message_that_came_in_a_file_first_gets_a_delivered_receipt(
    in_node: InNode, token: str
) -> None:
    item = in_node.sign(in_node.body(1))
    document = {"format": signed.FORMAT, "messages": [item]}
    services.import_file(json.dumps(document).encode())
    answer = _post(token, item)
    assert answer.json()["receipt"]["body"]["status"] == "delivered"
    assert _stored() == (1, 1, 2)


def _forged(node: InNode) -> Any:
    return node.sign(node.body(1), key=Ed25519PrivateKey.generate())


def _altered(node: InNode) -> Any:
    item = node.sign(node.body(1))
    item["body"]["data"]["fields"]["necessity"] = "none at all"
    return item


def _unknown_request(node: InNode) -> Any:
    return node.sign(node.body(2, reference="REQ-IN-CBI-2026-9999"))


BAD = {
    "forged signature": (_forged, 422, "invalid", r"forged or altered: \(3\)"),
    "altered body": (_altered, 422, "invalid", r"forged or altered: \(3\)"),
    "unknown request": (_unknown_request, 422, "invalid", "no request REQ-IN-CBI-2026-9999"),
    "not a message": (lambda n: b'{"body": 1}', 422, "invalid", "not a signed message"),
    "not JSON": (lambda n: b"[[[", 422, "invalid", "the body"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_audited_and_stores_nothing(
    in_node: InNode, token: str, case: str
) -> None:
    make, status, code, reason = BAD[case]
    _refused(_post(token, make(in_node)), status, code, reason)


def _refused(response: Any, status: int, code: str, reason: str, before: Any = (0, 0, 0)) -> None:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert re.search(reason, error["message"])
    event = AuditEvent.objects.filter(action="request.message_refused").last()
    assert event is not None and event.outcome == "denied"
    assert event.detail["reason"] == error["message"]
    assert _stored() == before


def test_a_replay_with_different_content_is_refused(in_node: InNode, token: str) -> None:
    body = in_node.body(1)
    assert _post(token, in_node.sign(body)).status_code == 200
    replay = in_node.sign({**body, "by": "someone.else"})
    _refused(_post(token, replay), 422, "invalid", "replayed with a different body", (1, 1, 2))


def test_an_unknown_partner_is_refused(in_node: InNode, make_user: Callable[..., User]) -> None:
    ftc = issue_token(make_user("analyst", "US-FTC", "ftc-node"), "ftc").secret
    _refused(_post(ftc, in_node.sign(in_node.body(1))), 403, "unknown_partner",
             "unknown partner: no partner node registered here speaks for US-FTC")  # fmt: skip


def test_a_changed_partner_key_is_refused(in_node: InNode, token: str) -> None:
    rotated = InNode()
    reason = (
        f"in-node is pinned with {in_node.public} but the message is signed with {rotated.public}"
    )
    _refused(_post(token, rotated.sign(rotated.body(1))), 403, "partner_key_changed",
             re.escape(reason))  # fmt: skip


def test_a_message_for_a_closed_request_is_refused(in_node: InNode, token: str) -> None:
    for seq in (1, 2, 3, 4):
        assert _post(token, in_node.sign(in_node.body(seq))).status_code == 200
    late = in_node.sign({**in_node.body(4), "seq": 5, "from": "withdrawn"})
    _refused(_post(token, late), 422, "invalid", "the request is withdrawn", (4, 4, 8))


def test_an_out_of_order_message_is_refused_for_a_later_attempt(
    in_node: InNode, token: str
) -> None:
    assert _post(token, in_node.sign(in_node.body(1))).status_code == 200
    _refused(_post(token, in_node.sign(in_node.body(3))), 422, "out_of_order",
             "out of order, step 2 is the next one", (1, 1, 2))  # fmt: skip


def test_the_route_takes_a_partner_token_only(
    in_node: InNode, make_user: Callable[..., User]
) -> None:
    item = in_node.sign(in_node.body(1))
    assert _post(None, item).status_code == 401
    user = make_user("analyst", "IN-CBI", "cbi.reader")
    read_only = issue_token(user, "read", scopes=["read"]).secret
    assert _post(read_only, item).status_code == 401
    session = Client()
    session.force_login(user)
    assert session.post(URL, json.dumps(item), content_type="application/json").status_code == 401
    assert _stored() == (0, 0, 0)
    assert AuditEvent.objects.filter(action="api.auth", outcome="denied").count() == 1  # the token


DOCS = Path(__file__).resolve().parents[2] / "docs" / "assistance.md"


@pytest.mark.parametrize("name", ["message", "receipt"])
def test_docs_hold_the_wire_schemas(name: str) -> None:
    section = DOCS.read_text(encoding="utf-8").split(f"\n### {name}\n", 1)[1]
    block = section.split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == getattr(signed, f"{name.upper()}_SCHEMA")


def test_messages_and_receipts_follow_the_documented_schemas(
    in_node: InNode, token: str, sent: Callable[..., Request]
) -> None:
    messages = services.export(sent())["messages"]
    receipt = _post(token, in_node.sign(in_node.body(1))).json()["receipt"]
    for schema, items in ((signed.MESSAGE_SCHEMA, messages), (signed.RECEIPT_SCHEMA, [receipt])):
        checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for item in items:
            assert list(checker.iter_errors(item)) == []
    wrong = {**receipt, "body": {**receipt["body"], "status": "maybe"}}
    assert not Draft202012Validator(signed.RECEIPT_SCHEMA).is_valid(wrong)


def test_send_to_a_partner_without_a_url_says_export_instead(
    doj: User, doj_chief: User, doj_case: Any, fields: Callable[[str], dict[str, Any]]
) -> None:
    from tracebridge.assistance import delivery

    Partner.objects.create(name="in-files", public_key=InNode().public, agency_codes=["IN-ED"])
    request = services.create(
        doj.agency, "IN-ED", "preservation", doj_case.reference, fields("preservation"), doj
    )
    request = services.act(request, "approve", doj_chief)
    with pytest.raises(services.Refused, match=r"in-files has no URL .* request export REQ-"):
        delivery.send(request)
    assert not Message.objects.filter(outbox__state="delivered").exists()


def test_request_send_exits_3_naming_why_nothing_travels(
    made: Callable[..., Request], capsys: pytest.CaptureFixture[str], in_process_cli: None
) -> None:
    from tracebridge.node.cli import main

    request = made()
    with pytest.raises(SystemExit) as exit_:
        main(["request", "send", request.reference])
    assert exit_.value.code == 3
    assert "is addressed to IN-CBI on this node: nothing travels" in capsys.readouterr().err
