"""Evidence between two real nodes on loopback, as the federation tests run them.

Node A (the US node) is this test's live server and answers; node B (the Indian node) is a
``tracebridge runserver`` process with its own TRACEBRIDGE_HOME and SQLite database, set up only
through ``tracebridge`` commands: the CBI there asks the FBI here for records, and the FBI answers
with a package of its case, sent in 1 MiB chunks. Node B is killed with SIGKILL mid-transfer and
restarted; the transfer resumes with only the missing chunks. The other way round, node B's
`request transfer` process is killed while it sends, and the next one sends only the rest.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.sharing.test_federation import BIN, Node
from tracebridge.agencies.models import User
from tracebridge.agencies.services import issue_token
from tracebridge.assistance import answer, inbound, services, signed, transfer
from tracebridge.assistance.models import PackageTransfer, Request
from tracebridge.cases.services import create_case
from tracebridge.errors import Conflict, Unavailable
from tracebridge.evidence import keys
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.models import CustodyEvent
from tracebridge.evidence.services import add_evidence
from tracebridge.sharing.sync import add_partner

pytestmark = pytest.mark.django_db(transaction=True)
MIB = 1 << 20
PRODUCTION = {
    "requesting_authority": "CBI, Economic Offences Wing",
    "offence": "Cheating by impersonation (BNS s.319)",
    "identifiers": [
        {"value": "+12025550123", "from": "2026-01-01T00:00:00", "to": "2026-02-01T00:00:00",
         "zone": "America/New_York"},
    ],
    "data_categories": ["subscriber", "call_records"],
}  # fmt: skip


class IndianNode(Node):
    """Node B, restartable on the same port after a SIGKILL."""

    port = 0

    def start(self, port: int = 0) -> None:
        if not port:
            super().start()
            self.port = int(self.url.rsplit(":", 1)[1])
            return
        self.server = subprocess.Popen(
            [str(BIN), "runserver", f"127.0.0.1:{port}", "--noreload"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(300):
            try:
                requests.get(self.url + "/taxii2/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("node B did not restart")

    def kill(self) -> None:
        assert self.server is not None
        os.kill(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=30)

    def restart(self) -> None:
        self.start(self.port)


@pytest.fixture(scope="module")
def node_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndianNode]:
    node = IndianNode(tmp_path_factory.mktemp("node-b"))
    node.run("migrate", "-v0")
    node.run("keys", "init")
    node.run("agency", "create", "IN-CBI", "--country", "IN", "--name", "CBI")
    # the agency the US node's token user belongs to here: one the partner speaks for
    node.run("agency", "create", "US-NODE", "--country", "US", "--name", "US node")
    node.run("user", "create", "cbi.analyst", "--agency", "IN-CBI", "--role", "analyst")
    node.run("user", "create", "cbi.chief", "--agency", "IN-CBI", "--role", "supervisor")
    node.run("user", "create", "us-node", "--agency", "US-NODE", "--role", "analyst")
    node.token = node.run("token", "create", "--user", "us-node", "--name", "us-node")  # type: ignore[attr-defined]
    node.key = node.run("partner", "key")  # type: ignore[attr-defined]
    node.case = node.run(
        "case", "create", "--agency", "IN-CBI", "--title", "Calls to Pune"
    ).split()[0]  # type: ignore[attr-defined]
    (node.home / "fields.json").write_text(json.dumps(PRODUCTION))
    node.start()
    yield node
    assert node.server is not None
    node.server.kill()
    node.server.wait(timeout=30)


@pytest.fixture
def nodes(
    node_b: IndianNode, live_server: Any, make_user: Callable[..., User], monkeypatch: Any
) -> IndianNode:
    """Each node registers the other as a partner; chunks of 1 MiB."""
    keys.init_keys()
    monkeypatch.setattr(transfer, "CHUNK_SIZE", MIB)
    add_partner("in-node", node_b.url + "/taxii2/root/", node_b.token, node_b.key, ["IN-CBI"])  # type: ignore[attr-defined]
    token = issue_token(make_user("analyst", "IN-CBI", "in-node"), "in-node").secret
    node_b.run("partner", "add", "--name", "us-node", "--url", live_server.url + "/taxii2/root/",
               "--token", token, "--key", signed.own_key(), "--agencies", "US-FBI,US-NODE")  # fmt: skip
    return node_b


def _executing(node: IndianNode, fbi: User) -> Request:
    """A production request from the CBI on node B to the FBI here, being executed."""
    reference = node.run(
        "request", "create", "--agency", "IN-CBI", "--to", "US-FBI", "--kind", "production",
        "--case", node.case, "--fields", str(node.home / "fields.json"), "--by", "cbi.analyst",  # type: ignore[attr-defined]
    )  # fmt: skip
    node.run("request", "approve", reference, "--by", "cbi.chief")
    exported = node.home / f"{reference}.json"
    node.run("request", "export", reference, "--out", str(exported))
    services.import_file(exported.read_bytes())  # idempotent if delivery already brought them
    request = Request.objects.get(reference=reference)
    for step in ("acknowledge", "accept", "execute"):
        request = services.act(request, step, fbi)
    return request


@pytest.fixture
def fbi(make_user: Callable[..., User]) -> User:
    return make_user("analyst", "US-FBI", "fbi.agent")


@pytest.fixture
def package(fbi: User, tmp_path: Path) -> Path:
    """The FBI's case package: 3.5 MiB of records, four chunks of 1 MiB."""
    keys.init_keys()
    case = create_case("US-FBI", "Subscriber of +12025550123", by=fbi, lead=fbi)
    add_evidence(case, io.BytesIO(os.urandom(3 * MIB + MIB // 2)), "cdr.bin", by=fbi)
    add_evidence(case, io.BytesIO(b"+12025550123,J. Doe\n"), "subscriber.csv", by=fbi)
    out = tmp_path / "answer.zip"
    make_package(case, out, by=fbi)
    return out


def _b_state(node: IndianNode, reference: str) -> dict[str, Any]:
    """The request's status on node B and the evidence received there for it (node B's case
    is shared by the module's tests)."""
    return node.query(  # type: ignore[no-any-return]
        "import json; from tracebridge.assistance.models import Request as R; "
        "from tracebridge.evidence.models import CustodyEvent as C; "
        f"ref = {reference!r}; r = R.objects.get(reference=ref); "
        "events = [(c.item, json.loads(c.leaf.record)) for c in "
        "C.objects.filter(case=r.case, action='received').select_related('item', 'leaf').order_by('id')]; "
        "mine = [(i, e) for i, e in events if e.get('request') == ref]; "
        "print(json.dumps({'status': r.status, 'items': [[i.reference, i.sha256, i.filename, i.conditions] "
        "for i, _ in mine], 'received': [e for _, e in mine]}))"
    )


def test_round_trip_to_evidence_verified_on_the_receiving_node(
    nodes: IndianNode, fbi: User, package: Path
) -> None:
    request = _executing(nodes, fbi)
    out = answer.answer(request, package, fbi)
    sent: list[int] = []
    done = answer.deliver(out, chunks_sent=sent.append)
    assert done.state == "delivered", done.reason
    assert sent == [4]  # 3.5 MiB of records and the rest of the package: four chunks
    state = _b_state(nodes, request.reference)
    assert state["status"] == "verified"
    assert [i[2] for i in state["items"]] == [
        "cdr.bin", "subscriber.csv", f"certificate-of-authenticity-{request.reference}.txt"
    ]  # fmt: skip
    assert done.items == [i[0] for i in state["items"]]
    assert all(i[3]["onward_sharing"] == "consent_required" for i in state["items"])
    event = state["received"][0]
    assert event["package_sha256"] == out.package_sha256 and event["sender"] == "us-node"
    shared = json.loads(CustodyEvent.objects.get(action="shared").leaf.record)
    assert shared["package_sha256"] == out.package_sha256
    assert event["sender_checkpoint"] == shared["checkpoint"]
    assert sorted(e["sender_leaf"] for e in state["received"][:2]) == shared["leaves"]
    # the verdict came back as the receiving node's signed step, applied here
    request.refresh_from_db()
    last = request.messages.order_by("-seq").first()
    assert (request.status, last.action, last.signer_key) == ("verified", "verify", nodes.key)  # type: ignore[attr-defined]
    # resumed twice: nothing is sent or stored again
    with pytest.raises(Conflict, match="already delivered: nothing is sent twice"):
        answer.deliver(PackageTransfer.objects.get(pk=out.pk))
    client = transfer.Client(request.partner)
    again = client.call("POST", f"/{out.package_sha256}/complete")
    assert (again["http_status"], again["already"], again["state"]) == (200, True, "stored")
    chunk = client.call("PUT", f"/{out.package_sha256}/chunks/{'0' * 64}", b"x")
    assert chunk["http_status"] == 409 and "is finished (stored)" in chunk["error"]["message"]
    assert len(_b_state(nodes, request.reference)["items"]) == 3


def test_killed_receiving_node_resumes_with_only_the_missing_chunks(
    nodes: IndianNode, fbi: User, package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = _executing(nodes, fbi)
    out = answer.answer(request, package, fbi)
    real, puts = transfer.Client.call, []

    def kill_after_two_chunks(self: Any, method: str, path: str, body: bytes = b"") -> Any:
        if method == "PUT" and len(puts) == 2:
            nodes.kill()  # SIGKILL: no shutdown, whatever was in flight is lost
        if method == "PUT":
            puts.append(path)
        return real(self, method, path, body)

    monkeypatch.setattr(transfer.Client, "call", kill_after_two_chunks)
    with pytest.raises(Unavailable, match="run `tracebridge request transfer` again to resume"):
        answer.deliver(out)
    monkeypatch.setattr(transfer.Client, "call", real)
    nodes.restart()
    out.refresh_from_db()
    assert out.state == "sending"
    sent: list[int] = []
    done = answer.deliver(out, chunks_sent=sent.append)
    assert done.state == "delivered", done.reason
    assert sent == [2]  # chunks 0 and 1 were held before the kill
    assert _b_state(nodes, request.reference)["status"] == "verified"


def test_package_differing_from_the_announced_hash_is_refused_on_both_sides(
    nodes: IndianNode, fbi: User, package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = _executing(nodes, fbi)
    real = transfer.stage

    def lying(*args: Any, **kwargs: Any) -> Any:
        plan, path = real(*args, **kwargs)
        return transfer.Plan("f" * 64, plan.size, plan.chunk_size, plan.chunks), path

    monkeypatch.setattr(transfer, "stage", lying)
    out = answer.answer(request, package, fbi)
    monkeypatch.setattr(transfer, "stage", real)
    (transfer.outgoing_dir() / f"{'f' * 64}.zip").write_bytes(package.read_bytes())
    done = answer.deliver(out)
    assert done.state == "refused"
    assert f"not the {'f' * 64} the answer announced" in done.reason
    state = _b_state(nodes, request.reference)
    assert (state["status"], state["items"]) == ("executing", [])
    request.refresh_from_db()
    last = request.messages.order_by("-seq").first()
    assert (request.status, last.action, last.signer_key) == ("executing", "reject", nodes.key)  # type: ignore[attr-defined]
    assert json.loads(last.body)["data"]["reason"] == done.reason


def test_truncated_chunk_is_refused_and_complete_names_the_missing(
    nodes: IndianNode, fbi: User, package: Path
) -> None:
    request = _executing(nodes, fbi)
    out = answer.answer(request, package, fbi)
    data = json.loads(request.messages.get(message_id=out.message_id).body)["data"]["package"]
    plan = transfer.plan_of(data)
    client = transfer.Client(request.partner)
    offer = transfer._json_bytes({"messages": services.export(request)})
    status = client.call("POST", f"/{plan.sha256}", offer)
    assert (status["http_status"], status["held"], status["chunks"]) == (200, [], 4)
    first = transfer.read_chunk(transfer.outgoing_path(out), plan, 0)
    short = client.call("PUT", f"/{plan.sha256}/chunks/{plan.chunks[0]}", first[:-10])
    assert short["http_status"] == 422 and "truncated" in short["error"]["message"]
    unknown = client.call("PUT", f"/{plan.sha256}/chunks/{'a' * 64}", first)
    assert unknown["http_status"] == 404
    early = client.call("POST", f"/{plan.sha256}/complete")
    assert early["http_status"] == 409
    assert early["error"]["details"][0]["missing"] == [0, 1, 2, 3]
    assert _b_state(nodes, request.reference)["items"] == []
    done = answer.deliver(out)  # the resumed transfer sends all four, then completes
    assert done.state == "delivered"


def test_answer_to_an_unknown_or_withdrawn_request_is_refused(
    nodes: IndianNode, fbi: User, package: Path
) -> None:
    request = _executing(nodes, fbi)
    client = transfer.Client(request.partner)
    body = {
        "v": 1, "id": signed.new_id(), "request": "REQ-IN-CBI-2026-9999", "seq": 7,
        "action": "return", "from": "executing", "to": "returned", "agency": "US-FBI",
        "by": "fbi.agent", "at": "2026-03-01T00:00:00+00:00", "data": {},
    }  # fmt: skip
    alone = {"format": signed.FORMAT, "request": body["request"], "messages": [signed.sign(body).as_dict()]}  # fmt: skip
    refused = client.call("POST", f"/{'e' * 64}", transfer._json_bytes({"messages": alone}))
    assert refused["http_status"] == 422
    assert "no request REQ-IN-CBI-2026-9999 on this node" in refused["error"]["message"]
    # the CBI withdraws while this node cannot hear it: the answer reaches a withdrawn request
    nodes.run("partner", "add", "--name", "us-node", "--url", "http://127.0.0.1:9/taxii2/root/",
              "--token", "unreachable", "--key", signed.own_key(), "--agencies", "US-FBI,US-NODE")  # fmt: skip
    nodes.run("request", "withdraw", request.reference, "--by", "cbi.analyst")
    out = answer.answer(request, package, fbi)
    with pytest.raises(transfer.TransferError, match="the request is withdrawn"):
        answer.deliver(out)
    assert _b_state(nodes, request.reference) == {
        "status": "withdrawn", "items": [], "received": []
    }  # fmt: skip


def test_killed_sending_node_resumes_with_only_the_missing_chunks(
    nodes: IndianNode, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Node B answers a request of the FBI here: its `request transfer` process is killed with
    SIGKILL while this node holds one chunk, and `request transfer` again sends the other two."""
    agent, chief = (
        make_user("analyst", "US-FBI", "fbi.a"),
        make_user("supervisor", "US-FBI", "fbi.c"),
    )
    case = create_case("US-FBI", "Calls to Pune", by=agent, lead=agent)
    fields = {**PRODUCTION, "requesting_authority": "FBI"}
    fields["identifiers"] = [{**PRODUCTION["identifiers"][0], "value": "+919812345678"}]  # type: ignore[index]
    request = services.create(agent.agency, "IN-CBI", "production", case.reference, fields, agent)
    request = services.act(request, "approve", chief)
    exported = nodes.home / f"{request.reference}.json"
    exported.write_text(json.dumps(services.export(request)))
    nodes.run("request", "import", str(exported))
    for step in ("acknowledge", "accept", "execute"):
        nodes.run("request", step, request.reference, "--by", "cbi.analyst")
    theirs = nodes.run("case", "create", "--agency", "IN-CBI", "--title", "Execution").split()[0]
    records = nodes.home / "records.bin"
    records.write_bytes(os.urandom(20 * MIB))
    nodes.run("evidence", "add", "--case", theirs, str(records), "--by", "cbi.analyst")
    package = nodes.home / "answer.zip"
    nodes.run("evidence", "package", "--case", theirs, "--out", str(package))
    nodes.run("request", "answer", request.reference, "--package", str(package),
              "--by", "cbi.analyst", "--no-send")  # fmt: skip
    first, release = threading.Event(), threading.Event()
    real = inbound.receive_chunk

    def hold_the_second(*args: Any) -> Any:
        if first.is_set():
            release.wait(timeout=120)  # the sender dies while this chunk is in flight
        answered = real(*args)
        first.set()
        return answered

    monkeypatch.setattr(inbound, "receive_chunk", hold_the_second)
    sender = subprocess.Popen(
        [str(BIN), "request", "transfer", request.reference], env=nodes.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert first.wait(timeout=300)
    os.kill(sender.pid, signal.SIGKILL)
    sender.wait(timeout=30)
    release.set()
    monkeypatch.setattr(inbound, "receive_chunk", real)
    incoming = PackageTransfer.objects.get(direction="in", request__reference=request.reference)
    assert incoming.state == "receiving"
    resumed = nodes.run("request", "transfer", request.reference)
    assert ": 2 chunks sent; stored as " in resumed  # 3 chunks of 8 MiB, one held before
    request.refresh_from_db()
    assert request.status == "verified"
    assert case.evidence.filter(filename="records.bin").count() == 1
