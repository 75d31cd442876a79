"""Two real nodes on loopback, as the federation tests run them: node A (the US node, this
test's live server process) signs checkpoints of its ledger and node B (the Indian node, a
``tracebridge runserver`` process with its own home, keys and SQLite database, set up only
through ``tracebridge`` commands) cosigns each one automatically as A's witness."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tracebridge.agencies.models import AuditEvent
from tracebridge.cases.services import create_case
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys, ledger
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.models import SignedCheckpoint
from tracebridge.evidence.services import add_evidence
from tracebridge.evidence.verifier import verify_package
from tracebridge.sharing.models import Partner
from tracebridge.sharing.sync import add_partner
from tracebridge.witness import client
from tracebridge.witness.models import WitnessPeer

from ..sharing.test_federation import Node

pytestmark = pytest.mark.django_db(transaction=True)

SETUP_B = """
import json
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.evidence import keys
from tracebridge.sharing.signing import load_node_key, public_key_text
create_agency("IN-CBI", "IN", "Central Bureau of Investigation")
create_agency("US-FBI", "US", "Federal Bureau of Investigation")
us, _ = create_user("us-node", "US-FBI", "analyst")
print(json.dumps({"token": issue_token(us, "us-node").secret,
                  "key": public_key_text(load_node_key()),
                  "cosigner": keys.verifier_key("cosigner")}))
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Node B's home once: migrated, its keys, the CBI and an account for the US node."""
    node = Node(tmp_path_factory.mktemp("in-template"))
    node.run("migrate", "-v0")
    return node.home, node.query(SETUP_B)


@pytest.fixture
def node_b(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Node]:
    """A fresh copy of the template per test."""
    shutil.copytree(template[0], tmp_path / "in-node")
    node = Node(tmp_path / "in-node")
    node.setup = template[1]  # type: ignore[attr-defined]
    node.start()
    yield node
    if node.server is not None:
        node.server.kill()
        node.server.wait(timeout=30)


@pytest.fixture
def node_a(node_b: Node, agencies: Any, live_server: Any) -> Partner:
    """Node A: its keys and a ledger of 3 leaves; B registered as a partner with a URL, and
    A registered on B (its node key is what B trusts for A's log)."""
    keys.init_keys()
    for n in range(3):
        ledger.append("test", {"n": n})
    setup = node_b.setup  # type: ignore[attr-defined]
    node_b.run("partner", "add", "--name", "us-node", "--url", live_server.url + "/taxii2/root/",
               "--token", "tb_unused", "--key", _own_key(), "--agencies", "US-FBI")  # fmt: skip
    return add_partner(
        "in-node", node_b.url + "/taxii2/root/", setup["token"], setup["key"], ["IN-CBI"]
    )


def _own_key() -> str:
    from tracebridge.sharing.signing import load_node_key, public_key_text

    return public_key_text(load_node_key())


def _witnessed_on_b(node_b: Node) -> dict[str, Any]:
    status = json.loads(node_b.run("witness", "status", "--json"))
    return {log["origin"]: log for log in status["witnessed"]}


def _cosigned_by_b(checkpoint: SignedCheckpoint, node_b: Node) -> int:
    """B's cosignature is kept beside A's checkpoint and verifies under B's cosigner key."""
    cosig = checkpoint.cosignatures.get()
    assert cosig.cosigner_key == node_b.setup["cosigner"]  # type: ignore[attr-defined]
    note = ledger.cosigned_note(checkpoint)
    return notes.verify_cosignature(note, notes.parse_verifier(cosig.cosigner_key))


def test_each_new_checkpoint_is_cosigned_by_the_partner_automatically(
    node_a: Partner, node_b: Node
) -> None:
    first = ledger.sign_checkpoint()  # committed at once: the signal sends it to B
    assert _cosigned_by_b(first, node_b) > 0
    peer = WitnessPeer.objects.get(partner=node_a)
    assert (peer.size, peer.last_error) == (3, "")
    assert peer.cosigner_key == node_b.setup["cosigner"]  # type: ignore[attr-defined]
    assert _witnessed_on_b(node_b)[keys.origin()]["size"] == 3
    # the ledger grows: the next checkpoint goes with a consistency proof from 3
    for n in range(3, 8):
        ledger.append("test", {"n": n})
    second = ledger.sign_checkpoint()
    _cosigned_by_b(second, node_b)
    assert _witnessed_on_b(node_b)[keys.origin()] == {
        "origin": keys.origin(), "partner": "us-node", "size": 8, "root": second.root,
    }  # fmt: skip
    assert ledger.latest_cosigned() == second
    assert AuditEvent.objects.filter(action="witness.cosigned").count() == 2
    assert AuditEvent.objects.filter(action="witness.key_pinned").count() == 1


def test_a_stale_size_is_corrected_from_the_witness_409(node_a: Partner, node_b: Node) -> None:
    ledger.sign_checkpoint()
    WitnessPeer.objects.filter(partner=node_a).update(size=0)  # as if A forgot what B holds
    ledger.append("test", {"n": 3})
    checkpoint = ledger.sign_checkpoint()
    _cosigned_by_b(checkpoint, node_b)
    assert WitnessPeer.objects.get(partner=node_a).size == 4


def test_a_partner_down_never_blocks_the_ledger_and_witness_run_catches_up(
    node_a: Partner, node_b: Node
) -> None:
    assert node_b.server is not None
    node_b.server.kill()
    node_b.server.wait(timeout=30)
    checkpoint = ledger.sign_checkpoint()  # signed and kept although B is down
    assert not checkpoint.cosignatures.exists()
    peer = WitnessPeer.objects.get(partner=node_a)
    assert "no answer from" in peer.last_error and peer.next_attempt_at is not None
    with pytest.raises(CommandError, match="not cosigned by in-node"):
        call_command("witness", "run")  # still waiting to retry: not tried, reported
    node_b.start(int(node_b.url.rsplit(":", 1)[1]))
    ledger.append("test", {"n": 3})
    call_command("witness", "run", "--all")  # signs size 4 (the ledger grew) and sends it
    latest = ledger.latest_checkpoint()
    assert latest is not None and latest.size == 4
    _cosigned_by_b(latest, node_b)
    peer.refresh_from_db()
    assert (peer.size, peer.attempts, peer.last_error) == (4, 0, "")
    assert AuditEvent.objects.filter(action="witness.failed").count() >= 1


def test_a_package_carries_the_partners_cosignature_and_the_verifier_checks_it(
    node_a: Partner, node_b: Node, make_user: Any, tmp_path: Path
) -> None:
    analyst = make_user("analyst", "US-FBI")
    case = create_case("US-FBI", "Call centre", by=analyst, lead=analyst)
    add_evidence(
        case, io.BytesIO(b"call_id,start\n1,2026-11-01T10:00:00Z\n"), "cdr.csv", by=analyst
    )
    ledger.sign_checkpoint()
    client.push_all(due_only=False)  # B has cosigned a checkpoint before the package is made
    result = make_package(case, tmp_path / "pkg.zip", by=analyst)
    assert result.cosigned  # the freshest cosigned checkpoint (the package's own once B answers)
    cosigner = node_b.setup["cosigner"]  # type: ignore[attr-defined]
    report = verify_package(result.path, keys.verifier_key("node"), [cosigner])
    assert report.ok, report.failures
    [line] = [c.message for c in report.checks if c.step == "partner cosignature"]
    assert line.startswith("+".join(cosigner.split("+")[:2])) and "cosigned size" in line
    with zipfile.ZipFile(result.path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    note = notes.parse_note(members["cosigned/checkpoint.txt"])
    *own, cosig = note.signatures
    forged = notes.NoteSignature(
        cosig.name, cosig.key_id, cosig.signature[:-1] + bytes([cosig.signature[-1] ^ 1])
    )
    members["cosigned/checkpoint.txt"] = notes.Note(note.body, (*own, forged)).encode()
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    refused = verify_package(tampered, keys.verifier_key("node"), [cosigner])
    assert [(c.step, "does not verify" in c.message) for c in refused.failures] == [
        ("partner cosignature", True)
    ]
