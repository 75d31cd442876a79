"""The witness side of C2SP tlog-witness over the real route (POST /api/v1/witness/add-checkpoint
with a partner node's token): a good add and each refusal the spec names, the state kept per
log, and a split view caught with both signed checkpoints kept."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from django.test import Client

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.agencies.services import issue_token
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence.merkle import MerkleTree
from tracebridge.witness.models import SplitView, WitnessedCheckpoint, WitnessedLog

from .conftest import ORIGIN, URL, Log, cosignature_of, post

pytestmark = pytest.mark.django_db


def test_a_good_add_is_cosigned_and_recorded_before_the_answer(
    log: Log, partner_node: Client
) -> None:
    log.grow(5)
    first = post(partner_node, log.body(0))
    assert cosignature_of(first, log.note()) > 0
    state = WitnessedLog.objects.get(origin=ORIGIN)
    assert (state.size, state.root) == (5, log.tree.root().hex())
    assert state.partner.name == "in-node"
    log.grow(6)
    second = post(partner_node, log.body(5))
    cosignature_of(second, log.note())
    state.refresh_from_db()
    assert state.size == 11 and state.note.endswith(second.content.decode())
    assert list(WitnessedCheckpoint.objects.values_list("size", flat=True)) == [11, 5]
    # the same checkpoint again (old size = its size, same root) is cosigned again
    cosignature_of(post(partner_node, log.body(11)), log.note())
    assert AuditEvent.objects.filter(action="witness.cosign").count() == 3


def test_a_wrong_old_size_is_409_with_the_size_held(log: Log, partner_node: Client) -> None:
    log.grow(4)
    cosignature_of(post(partner_node, log.body(0)), log.note())
    log.grow(3)
    for old in (0, 2, 6):
        response = post(partner_node, log.body(old))
        assert response.status_code == 409
        assert response["Content-Type"] == "text/x.tlog.size"
        assert response.content == b"4\n"
    assert WitnessedLog.objects.get(origin=ORIGIN).size == 4


def test_a_bad_proof_is_422_and_nothing_changes(log: Log, partner_node: Client) -> None:
    log.grow(4)
    cosignature_of(post(partner_node, log.body(0)), log.note())
    log.grow(5)
    proof = log.tree.consistency_proof(4, 9)
    proof[0] = bytes(32)
    response = post(partner_node, log.body(4, proof=proof))
    assert response.status_code == 422
    assert json.loads(response.content)["error"]["code"] == "inconsistent"
    assert "not consistent with size 4" in json.loads(response.content)["error"]["message"]
    # a proof from size 0, and a size-0 checkpoint with another root, are bad proofs too
    state = WitnessedLog.objects.get(origin=ORIGIN)
    assert state.size == 4 and WitnessedCheckpoint.objects.count() == 1
    assert not SplitView.objects.exists()


def test_proof_lines_from_size_zero_are_422(log: Log, partner_node: Client) -> None:
    log.grow(3)
    response = post(partner_node, log.body(0, proof=[bytes(32)]))
    assert response.status_code == 422
    assert "from size 0 must be empty" in response.content.decode()


def test_an_unknown_origin_is_404_and_a_bad_signature_403(log: Log, partner_node: Client) -> None:
    stranger = Log("elsewhere.example/log")
    stranger.grow(2)
    unknown = post(partner_node, stranger.body(0))
    assert unknown.status_code == 404
    assert "unknown log 'elsewhere.example/log'" in unknown.content.decode()
    # the partner's origin signed by another key with the same name: no trusted signature
    impostor = Log(ORIGIN)
    impostor.grow(2)
    assert post(partner_node, impostor.body(0)).status_code == 404
    # a signature line of the trusted key that does not verify: 403
    log.grow(2)
    note = log.note()
    tampered = note.replace(b"\n2\n", b"\n3\n", 1)
    response = post(partner_node, notes.AddCheckpoint(0, (), tampered).encode())
    assert response.status_code == 403
    assert "not signed by its key" in response.content.decode()
    assert not WitnessedLog.objects.exists()
    assert AuditEvent.objects.filter(action="witness.refused", outcome="denied").count() == 3


def test_a_caller_that_is_no_partner_node_is_403(
    log: Log, partner_node: Client, make_user: Callable[..., User]
) -> None:
    token = issue_token(make_user("analyst", "IN-I4C", "i4c"), "i4c").secret
    log.grow(2)
    response = post(Client(headers={"Authorization": f"Bearer {token}"}), log.body(0))
    assert response.status_code == 403
    assert "not of a partner node" in response.content.decode()
    unsigned = Client().post(URL, log.body(0), content_type="text/plain")
    assert unsigned.status_code == 401


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"old 0\n", "no blank line"),
        (b"new 0\n\n", "line 1 must be 'old <size>'"),
        (b"old 01\n\n", "line 1 (the old size)"),
        (b"old 0\nnot-base64!\n\n", "line 2"),
        (b"old 0\n" + base64.b64encode(bytes(31)) + b"\n\n", "32 bytes, not 31"),
        (b"old 0\n" + (base64.b64encode(bytes(32)) + b"\n") * 64 + b"\n", "more than 63"),
        (b"old 0\n\nin-node/evidence\n1\n", "note"),
    ],
)
def test_a_malformed_body_is_400_naming_the_line(
    partner_node: Client, body: bytes, says: str
) -> None:
    response = post(partner_node, body)
    assert response.status_code == 400, response.content
    error = json.loads(response.content)["error"]
    assert error["code"] == "malformed" and says in error["message"]


def test_an_old_size_beyond_the_checkpoint_is_400(log: Log, partner_node: Client) -> None:
    log.grow(3)
    response = post(partner_node, notes.AddCheckpoint(4, (), log.note()).encode())
    assert response.status_code == 400
    assert "old size 4 is larger than the checkpoint's 3" in response.content.decode()


def test_a_split_view_raises_an_alert_keeping_both_checkpoints(
    log: Log, partner_node: Client
) -> None:
    log.grow(4)
    cosignature_of(post(partner_node, log.body(0)), log.note())
    held = log.note()
    fork = MerkleTree(log.tree.leaf(i) for i in range(3))
    fork.append(b"a leaf shown to someone else")
    other = log.note(tree=fork)
    response = post(partner_node, notes.AddCheckpoint(4, (), other).encode())
    assert response.status_code == 422
    assert "split view" in response.content.decode()
    alert = SplitView.objects.get()
    assert (alert.size, alert.held_root, alert.other_root) == (
        4,
        log.tree.root().hex(),
        fork.root().hex(),
    )
    assert alert.held_note.encode() == held and alert.other_note.encode() == other
    # both are validly signed by the log: the alert is proof on its own
    for kept in (alert.held_note, alert.other_note):
        notes.verify_note(notes.parse_note(kept.encode()), log.signer.verifier)
    # sent again (even from the wrong old size): still refused, one alert
    assert post(partner_node, notes.AddCheckpoint(0, (), other).encode()).status_code == 409
    assert SplitView.objects.count() == 1
    assert WitnessedLog.objects.get().root == log.tree.root().hex()
    event = AuditEvent.objects.get(action="witness.split_view")
    assert event.detail["other_root"] == fork.root().hex() and event.outcome == "denied"


def test_an_older_size_with_another_root_is_a_split_view_too(
    log: Log, partner_node: Client
) -> None:
    log.grow(3)
    cosignature_of(post(partner_node, log.body(0)), log.note())
    log.grow(2)
    cosignature_of(post(partner_node, log.body(3)), log.note())
    fork = MerkleTree([log.tree.leaf(0), log.tree.leaf(1)])
    fork.append(b"rewritten")
    response = post(partner_node, notes.AddCheckpoint(5, (), log.note(tree=fork)).encode())
    assert response.status_code == 400  # old size beyond the checkpoint, but caught first
    alert = SplitView.objects.get()
    assert alert.size == 3
