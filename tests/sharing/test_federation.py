"""Two nodes, two databases, real HTTP on loopback.

Node A (the US node) is this test's live server; node B (the Indian node) is a separate
``tracebridge runserver`` process with its own TRACEBRIDGE_HOME and SQLite database, set up
only through ``tracebridge`` commands.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token
from tracebridge.campaigns.models import CampaignMember
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.services import ingest
from tracebridge.node.partner_node import BATCH
from tracebridge.sharing import sync
from tracebridge.sharing.models import Partner
from tracebridge.sharing.sync import SyncError, add_partner, pull

from .conftest import record

pytestmark = pytest.mark.django_db(transaction=True)
BIN = Path(sys.executable).parent / "tracebridge"
PHONE, UPI = "+919812345678", "fraud.desk@okaxis"


def _indian(ref: str, tlp: str = "GREEN") -> dict[str, Any]:
    return record(ref, tlp, source="NCRP", country="IN", scam_type="digital_arrest",
                  victim={"name": "A. Kumar", "city": "Pune"},
                  suspect={"phones": [PHONE], "upi_ids": [UPI]},
                  loss={"amount": "75000", "currency": "INR", "payment_method": "upi"})  # fmt: skip


class Node:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TRACEBRIDGE_")},
            "TRACEBRIDGE_HOME": str(home), "TRACEBRIDGE_DEBUG": "1",
            "TRACEBRIDGE_NODE_NAME": "in-node", "DATABASE_URL": f"sqlite:///{home}/db.sqlite3",
        }  # fmt: skip
        self.url = ""
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> str:
        return self.run_all(list(args))[0]

    def run_all(self, *commands: list[str]) -> list[str]:
        """Each command's output; the commands run in order in one process of node B."""
        done = subprocess.run(
            [sys.executable, "-c", BATCH, json.dumps(commands)], env=self.env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [str(out) for out in json.loads(done.stdout.splitlines()[-1])]

    def query(self, code: str) -> Any:
        """What ``code`` prints last, as JSON, run by node B's ``tracebridge shell``."""
        return json.loads(self.run("shell", "-c", code).splitlines()[-1])

    def start(self, port: int = 0) -> None:
        """Serve on ``port`` (a free one by default; the same one again after a kill)."""
        if not port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.server = subprocess.Popen(
            [str(BIN), "runserver", f"127.0.0.1:{port}", "--noreload"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(self.url + "/taxii2/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("node B did not start")


@pytest.fixture(scope="module")
def node_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    node = Node(tmp_path_factory.mktemp("node-b"))
    complaints = node.home / "in.jsonl"
    rows = [_indian(f"IN-{i}") for i in range(1, 8)] + [_indian("IN-RED", "RED")]
    complaints.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    *_, token, _, _, key = node.run_all(
        ["migrate", "-v0"],
        ["agency", "create", "IN-CBI", "--country", "IN", "--name", "CBI"],
        ["agency", "create", "US-FBI", "--country", "US", "--name", "FBI"],
        ["user", "create", "us-node", "--agency", "US-FBI", "--role", "analyst"],
        ["token", "create", "--user", "us-node", "--name", "us-node"],
        ["import", "complaints", str(complaints), "--agency", "IN-CBI"],
        ["agreement", "create", "--from", "IN-CBI", "--to", "US-FBI", "--tlp", "CLEAR,GREEN"],
        ["partner", "key"],
    )
    node.token, node.key = token, key  # type: ignore[attr-defined]
    node.start()
    yield node
    assert node.server is not None
    node.server.terminate()
    node.server.wait(timeout=30)


@pytest.fixture
def us_node(agencies: Any, agreement_factory: Any) -> Any:
    ingest([record(f"US-{i}") for i in range(1, 4)] + [record("US-RED", "RED")], agencies["US-FBI"])
    agreement_factory(owner="US-FBI", partner="IN-CBI", tlp="CLEAR,GREEN")
    return agencies


def _partner_b(node_b: Node, key: str | None = None) -> Partner:
    return add_partner("in-node", node_b.url + "/taxii2/root/", node_b.token, key or node_b.key,  # type: ignore[attr-defined]
                       ["IN-CBI"])  # fmt: skip


STATE = (
    "import json; from tracebridge.campaigns.models import CampaignMember as M; "
    "from tracebridge.complaints.models import Complaint as C; "
    "print(json.dumps({'campaigns': sorted(set(M.objects.values_list('campaign_id', flat=True))),"
    " 'refs': sorted(C.objects.values_list('ref', flat=True))}))"
)


def _campaigns(refs: list[str]) -> set[int]:
    members = CampaignMember.objects.filter(complaint__ref__in=refs)
    return set(members.values_list("campaign_id", flat=True))


def test_cross_border_campaign_appears_on_both_nodes(
    node_b: Node, us_node: Any, live_server: Any, make_user: Any
) -> None:
    result = pull(_partner_b(node_b), page_size=5)
    indian = [f"IN-{i}" for i in range(1, 8)]
    assert result.imported.created == 7
    imported = Complaint.objects.filter(ref__in=indian)
    assert {c.agency.code for c in imported} == {"IN-CBI"} and {c.tlp for c in imported} == {
        "GREEN"
    }
    assert not Complaint.objects.filter(ref="IN-RED").exists()
    assert all(c.victim == {} for c in imported)  # no agreement named a victim field
    assert len(_campaigns([*indian, "US-1", "US-2", "US-3"])) == 1
    # ... and on node B, after it pulls from this node.
    token = issue_token(make_user("analyst", "IN-CBI", "in-node"), "in-node").secret

    from tracebridge.sharing.signing import load_node_key, public_key_text

    key = public_key_text(load_node_key())
    _, summary, state = node_b.run_all(
        ["partner", "add", "--name", "us-node", "--url", live_server.url + "/taxii2/root/",
         "--token", token, "--key", key, "--agencies", "US-FBI"],
        ["sync", "pull", "--partner", "us-node"],
        ["shell", "-c", STATE],
    )  # fmt: skip
    assert "3 complaints created" in summary
    state = json.loads(state.splitlines()[-1])
    assert len(state["campaigns"]) == 1
    assert "US-RED" not in state["refs"] and {"US-1", "US-2", "US-3"} <= set(state["refs"])
    assert "1 unchanged" not in node_b.run("sync", "pull", "--partner", "us-node")


def test_interrupted_sync_resumes_without_loss_or_duplicates(
    node_b: Node, us_node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = _partner_b(node_b)
    calls = {"n": 0}
    real = sync.import_objects

    def crash_on_fifth_page(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            real(*args, **kwargs)  # the page is imported, then the process dies mid-transaction
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(sync, "import_objects", crash_on_fifth_page)
    with pytest.raises(KeyboardInterrupt):
        pull(partner, page_size=8)
    partial = Complaint.objects.filter(source="NCRP").count()
    assert 0 < partial < 7
    monkeypatch.setattr(sync, "import_objects", real)
    partner.refresh_from_db()
    pull(partner, page_size=8)
    refs = list(Complaint.objects.filter(source="NCRP").values_list("ref", flat=True))
    assert sorted(refs) == [f"IN-{i}" for i in range(1, 8)]
    again = pull(partner, page_size=8)
    assert (again.imported.created, again.imported.updated) == (0, 0)


def test_forged_altered_and_replayed_bundles_are_rejected(
    node_b: Node, us_node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tracebridge.sharing.signing import public_key_text

    forged = _partner_b(node_b, key=public_key_text(Ed25519PrivateKey.generate()))
    with pytest.raises(SyncError, match="rejected"):
        pull(forged)
    partner = _partner_b(node_b)
    real_get = requests.Session.get

    def altered(self: Any, url: str, **kwargs: Any) -> Any:
        response = real_get(self, url, **kwargs)
        if "/objects/" in url:
            response._content = response.content.replace(b"GREEN", b"CLEAR")
        return response

    monkeypatch.setattr(requests.Session, "get", altered)
    with pytest.raises(SyncError, match="rejected"):
        pull(partner)
    first: dict[str, Any] = {}

    def replayed(self: Any, url: str, **kwargs: Any) -> Any:
        if "/objects/" in url and "response" in first:
            return first["response"]
        response = real_get(self, url, **kwargs)
        if "/objects/" in url:
            first["response"] = response
        return response

    monkeypatch.setattr(requests.Session, "get", replayed)
    partner.cursors = {}
    with pytest.raises(SyncError, match="rejected"):
        pull(partner, page_size=2)
    assert AuditEvent.objects.filter(action="sync.rejected", outcome="denied").count() == 3
    assert Complaint.objects.filter(source="NCRP").count() <= 2  # only the first, genuine page


def test_pull_links_what_it_imported_once_at_the_end(
    node_b: Node, us_node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracebridge.campaigns import services as campaigns

    batches: list[list[int]] = []
    real = campaigns._link_collected
    monkeypatch.setattr(campaigns, "_link_collected", lambda ids: batches.append(ids) or real(ids))
    result = pull(_partner_b(node_b), page_size=3)
    assert result.pages >= 3
    indian = Complaint.objects.filter(source="NCRP")
    assert [sorted(b) for b in batches] == [sorted(indian.values_list("pk", flat=True))]
    assert len(_campaigns([*(c.ref for c in indian), "US-1"])) == 1
    assert sync.LINK_PENDING not in Partner.objects.get(name="in-node").cursors


def test_pull_killed_before_linking_links_on_the_next_pull(
    node_b: Node, us_node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracebridge.campaigns import services as campaigns

    def killed(ids: list[int]) -> None:
        raise KeyboardInterrupt("killed after the last page, before linking")

    partner = _partner_b(node_b)
    real = campaigns._link_collected
    monkeypatch.setattr(campaigns, "_link_collected", killed)
    with pytest.raises(KeyboardInterrupt):
        pull(partner, page_size=4)
    indian = [f"IN-{i}" for i in range(1, 8)]
    assert Complaint.objects.filter(ref__in=indian).count() == 7
    assert not _campaigns(indian)
    partner.refresh_from_db()
    assert partner.cursors[sync.LINK_PENDING] is True
    monkeypatch.setattr(campaigns, "_link_collected", real)
    again = pull(partner, page_size=4)
    assert (again.imported.created, again.imported.updated) == (0, 0)  # nothing new to import...
    assert len(_campaigns([*indian, "US-1", "US-2", "US-3"])) == 1  # ...but all of it is linked
    partner.refresh_from_db()
    assert sync.LINK_PENDING not in partner.cursors


def test_a_rewritten_cursor_header_is_refused_and_the_cursor_stays(
    node_b: Node, us_node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy between the nodes moves X-TAXII-Date-Added-Last to 2099: the page's signature
    covers that header, so the page is refused, audited, and the cursor does not move."""
    future = "2099-01-01T00:00:00.000000Z"
    partner = _partner_b(node_b)
    real_get = requests.Session.get

    def proxy(self: Any, url: str, **kwargs: Any) -> Any:
        response = real_get(self, url, **kwargs)
        if "/objects/" in url and "X-TAXII-Date-Added-Last" in response.headers:
            response.headers["X-TAXII-Date-Added-Last"] = future
        return response

    monkeypatch.setattr(requests.Session, "get", proxy)
    with pytest.raises(SyncError, match="X-TAXII-Date-Added-Last") as refused:
        pull(partner, page_size=4)
    assert "cursor not moved" in str(refused.value)
    partner.refresh_from_db()
    assert [k for k in partner.cursors if k != sync.LINK_PENDING] == []
    assert not Complaint.objects.filter(source="NCRP").exists()
    event = AuditEvent.objects.get(action="sync.rejected")
    assert event.outcome == "denied" and "X-TAXII-Date-Added-Last" in event.detail["reason"]
    monkeypatch.undo()
    assert pull(partner, page_size=4).imported.created == 7
    partner.refresh_from_db()
    assert all(v < future for k, v in partner.cursors.items() if k != sync.LINK_PENDING)
