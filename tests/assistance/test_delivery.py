"""Delivery between two real nodes on loopback, as the federation tests run them.

Node A (the US node, DOJ-CPB) is this test's live server; node B (the Indian node, CBI) is a
``tracebridge runserver`` process with its own TRACEBRIDGE_HOME, key and SQLite database, set up
only through ``tracebridge`` commands (a fresh copy of one migrated database per test).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.assistance import delivery, services, signed
from tracebridge.assistance.models import Message, Request
from tracebridge.assistance.outbox import Outbox, Receipt
from tracebridge.cases.services import create_case
from tracebridge.evidence import ledger
from tracebridge.evidence.models import LedgerEntry
from tracebridge.sharing.models import Partner
from tracebridge.sharing.sync import add_partner

from ..sharing.test_federation import Node
from .conftest import PRESERVATION

pytestmark = pytest.mark.django_db(transaction=True)

SETUP_B = """
import json
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.sharing.signing import load_node_key, public_key_text
create_agency("IN-CBI", "IN", "Central Bureau of Investigation")
create_agency("US-DOJ-CPB", "US", "DOJ Consumer Protection Branch")
create_user("cbi.officer", "IN-CBI", "analyst")
us, _ = create_user("us-node", "US-DOJ-CPB", "analyst")
print(json.dumps({"token": issue_token(us, "us-node").secret,
                  "key": public_key_text(load_node_key())}))
"""
STATE_B = """
import json
from tracebridge.assistance.models import Request
from tracebridge.assistance.outbox import Receipt
from tracebridge.evidence import ledger
r = Request.objects.first()
print(json.dumps({"status": r and r.status,
                  "seqs": sorted(r.messages.values_list("seq", flat=True)) if r else [],
                  "receipts": Receipt.objects.count(), "leaves": ledger.size(),
                  "ledger_ok": ledger.verify_ledger(None).problem is None}))
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Node B's home once: migrated, the CBI and its officer, an account for the US node."""
    node = Node(tmp_path_factory.mktemp("in-template"))
    node.run("migrate", "-v0")
    return node.home, node.query(SETUP_B)


@pytest.fixture
def node_b(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Node]:
    home = tmp_path / "in-node"
    shutil.copytree(template[0], home)
    node = Node(home)
    node.token, node.key = template[1]["token"], template[1]["key"]  # type: ignore[attr-defined]
    node.start()
    yield node
    if node.server is not None:
        node.server.kill()
        node.server.wait(timeout=30)


class UsNode:
    def __init__(self, analyst: User, chief: User, case_ref: str) -> None:
        self.analyst, self.chief, self.case_ref = analyst, chief, case_ref

    def create(self) -> Request:
        return services.create(
            self.analyst.agency, "IN-CBI", "preservation", self.case_ref, dict(PRESERVATION),
            self.analyst,
        )  # fmt: skip

    def approve(self, request: Request) -> Request:
        return services.act(request, "approve", self.chief)


@pytest.fixture
def us(node_b: Node, live_server: Any) -> UsNode:
    """Node A: the DOJ-CPB, an account for the Indian node, both partners registered."""
    create_agency("US-DOJ-CPB", "US", "DOJ Consumer Protection Branch")
    create_agency("IN-CBI", "IN", "Central Bureau of Investigation")  # the in-node's account
    analyst, _ = create_user("doj.analyst", "US-DOJ-CPB", "analyst")
    chief, _ = create_user("doj.chief", "US-DOJ-CPB", "supervisor")
    account, _ = create_user("in-node", "IN-CBI", "analyst")
    add_partner("in-node", node_b.url + "/taxii2/root/", node_b.token, node_b.key, ["IN-CBI"])  # type: ignore[attr-defined]
    node_b.run("partner", "add", "--name", "us-node", "--url", live_server.url + "/taxii2/root/",
               "--token", issue_token(account, "in-node").secret, "--key", signed.own_key(),
               "--agencies", "US-DOJ-CPB")  # fmt: skip
    case = create_case("US-DOJ-CPB", "Call centre", by=analyst, lead=analyst)
    return UsNode(analyst, chief, case.reference)


def _state(node: Node) -> dict[str, Any]:
    return node.query(STATE_B)  # type: ignore[no-any-return]


def _show(node: Node, reference: str) -> dict[str, Any]:
    return json.loads(node.run("request", "show", reference, "--json"))  # type: ignore[no-any-return]


def test_a_request_round_trip_over_http_with_signed_receipts(node_b: Node, us: UsNode) -> None:
    request = us.create()
    assert Outbox.objects.count() == 0  # a draft under review does not leave the node
    request = us.approve(request)
    sent = list(Outbox.objects.order_by("message__seq"))
    assert [(o.message.seq, o.state, o.attempts) for o in sent] == [
        (1, "delivered", 1), (2, "delivered", 1), (3, "delivered", 1)
    ]  # fmt: skip
    in_key = node_b.key  # type: ignore[attr-defined]
    for o in sent:
        receipt = delivery.receipt_of(o.message.receipt)
        signed.verify(receipt, signed.RECEIPT_TARGET)
        assert (receipt.key, receipt.body["status"]) == (in_key, "accepted")
        assert receipt.body["digest"] == delivery.digest(o.message)
        entry = LedgerEntry.objects.get(index=o.message.receipt.ledger_index)
        assert entry.kind == "request_receipt"
        assert json.loads(entry.record)["signature"] == receipt.signature
    assert _state(node_b)["status"] == "sent"

    # The CBI acknowledges and preserves on its node: each step arrives here with a receipt.
    for verb in ("acknowledge", "preserve"):
        node_b.run("request", verb, request.reference, "--by", "cbi.officer")
    request.refresh_from_db()
    assert request.status == "preserved" and request.preserved_until is not None
    arrived = list(request.messages.filter(seq__gte=4).order_by("seq"))
    assert [(m.action, m.signer_key) for m in arrived] == [("acknowledge", in_key)] * 1 + [
        ("preserve", in_key)
    ]
    assert all(m.receipt.signer_key == signed.own_key() for m in arrived)

    request = services.act(request, "close", us.analyst)
    state = _state(node_b)
    assert state["status"] == "closed" and state["seqs"] == [1, 2, 3, 4, 5, 6]
    assert state["receipts"] == 6 and state["ledger_ok"]
    view = _show(node_b, request.reference)
    rows = [
        (m["action"], m["receipt"]["status"], m["delivery"] is not None) for m in view["messages"]
    ]
    assert rows == [
        ("create", "accepted", False), ("submit", "accepted", False),
        ("approve", "accepted", False), ("acknowledge", "accepted", True),
        ("preserve", "accepted", True), ("close", "accepted", False),
    ]  # fmt: skip
    assert view["messages"][3]["delivery"]["state"] == "delivered"
    printed = node_b.run("request", "send", request.reference).splitlines()
    assert printed[0] == "0 delivered, 0 pending, 0 refused"  # nothing left to send
    assert [line.split()[1:3] for line in printed[1:]] == [
        ["acknowledge", "accepted"], ["preserve", "accepted"]
    ]  # fmt: skip
    assert view["messages"][0]["receipt"]["signer"] == "in-node/evidence"
    assert Receipt.objects.count() == 6 and Message.objects.count() == 6
    report = ledger.verify_ledger(None)
    assert (report.problem, report.leaves) == (None, 12)  # six messages, six receipts


def test_receiving_node_killed_then_the_outbox_resumes_without_duplicates(
    node_b: Node, us: UsNode
) -> None:
    request = us.approve(us.create())
    node_b.run("request", "ask", request.reference, "--by", "cbi.officer", "--note", "Which?")
    request.refresh_from_db()
    assert request.status == "needs_information"
    port = int(node_b.url.rsplit(":", 1)[1])
    assert node_b.server is not None
    node_b.server.kill()  # kill -9
    node_b.server.wait(timeout=30)

    request = services.act(request, "inform", us.analyst, note="The Kolkata number")
    request = services.act(request, "withdraw", us.analyst)
    waiting = list(Outbox.objects.filter(state="pending").order_by("message__seq"))
    assert [(o.message.action, o.attempts) for o in waiting] == [("inform", 2), ("withdraw", 0)]
    assert "no answer from http://127.0.0.1" in waiting[0].last_error
    assert delivery.deliver_due().delivered == 0  # the next attempt is not due yet

    node_b.start(port)
    result = delivery.send(request)
    assert (result.delivered, result.pending, result.refused) == (2, 0, 0)
    state = _state(node_b)
    assert state["status"] == "withdrawn" and state["seqs"] == [1, 2, 3, 4, 5, 6]
    assert state["receipts"] == 6 and state["ledger_ok"]  # five issued there, one received
    again = delivery.send(request)
    assert (again.delivered, again.pending) == (0, 0) and _state(node_b) == state


def test_a_sender_killed_after_the_receiver_committed_gets_the_same_receipt(
    node_b: Node, us: UsNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = us.create()

    def killed(row: Outbox, answer: dict[str, Any], what: str) -> str:
        answers.append(answer)
        raise KeyboardInterrupt("the sender dies before it stores the receipt")

    answers: list[dict[str, Any]] = []
    monkeypatch.setattr(delivery, "_receipt_of", killed)
    with pytest.raises(KeyboardInterrupt):
        us.approve(request)
    monkeypatch.undo()
    assert _state(node_b)["seqs"] == [1]  # the receiver applied the first message
    assert Outbox.objects.filter(state="pending").count() == 3 and not Receipt.objects.exists()

    result = delivery.send(Request.objects.get())
    assert (result.delivered, result.pending) == (3, 0)
    first = Receipt.objects.get(message__seq=1)
    assert first.receipt_id == answers[0]["receipt"]["body"]["id"]  # the same receipt again
    state = _state(node_b)
    assert state["seqs"] == [1, 2, 3] and state["receipts"] == 3 and state["ledger_ok"]


def test_partner_key_changed_receipts_are_refused_and_the_message_waits(
    node_b: Node, us: UsNode
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tracebridge.sharing.signing import public_key_text

    Partner.objects.filter(name="in-node").update(
        public_key=public_key_text(Ed25519PrivateKey.generate())
    )
    request = us.approve(us.create())
    row = Outbox.objects.get(message__seq=1)
    assert (row.state, row.attempts) == ("pending", 1)
    assert "the answer is not signed by in-node's pinned key" in row.last_error
    assert not Receipt.objects.exists()
    event = AuditEvent.objects.get(action="request.delivery_refused")
    assert event.outcome == "denied" and "pinned key" in event.detail["reason"]
    # The receiver applied it (its answer is what could not be trusted); once the right key
    # is pinned again the same receipt comes back and nothing is applied twice.
    Partner.objects.filter(name="in-node").update(public_key=node_b.key)  # type: ignore[attr-defined]
    assert delivery.send(request).delivered == 3
    assert _state(node_b)["seqs"] == [1, 2, 3]


def test_the_partner_refusing_a_message_marks_it_refused(node_b: Node, us: UsNode) -> None:
    """A fork: both sides took step 5. Each node refuses the other's, with a reason."""
    request = us.approve(us.create())
    node_b.run("request", "acknowledge", request.reference, "--by", "cbi.officer")
    node_b.server.kill()  # type: ignore[union-attr]
    node_b.server.wait(timeout=30)  # type: ignore[union-attr]
    port = int(node_b.url.rsplit(":", 1)[1])
    request.refresh_from_db()
    request = services.act(request, "withdraw", us.analyst)  # step 5 here, not delivered
    node_b.run("request", "accept", request.reference, "--by", "cbi.officer")  # step 5 there
    node_b.start(port)
    result = delivery.send(request)
    assert (result.delivered, result.refused) == (0, 1)
    row = Outbox.objects.get(message__seq=5)
    assert row.state == "refused" and "step 5 is already another message" in row.last_error
    assert AuditEvent.objects.filter(action="request.delivery_refused").exists()


def test_send_refuses_a_request_that_has_not_left(us: UsNode) -> None:
    request = us.create()
    with pytest.raises(services.Refused, match="leaves this node only after a supervisor"):
        delivery.send(request)
    assert not Outbox.objects.exists()
