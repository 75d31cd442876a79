"""A partner's ledger (the Indian node's) and this node as its witness, over the real route."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tracebridge.agencies.models import User
from tracebridge.agencies.services import issue_token
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys
from tracebridge.evidence.merkle import MerkleTree
from tracebridge.sharing.sync import add_partner

ORIGIN = "in-node/evidence"
URL = "/api/v1/witness/add-checkpoint"


class Log:
    """A partner's ledger: a Merkle tree and the Ed25519 key that signs its checkpoints."""

    def __init__(self, origin: str = ORIGIN) -> None:
        self.signer = notes.generate_signer(origin)
        self.tree = MerkleTree()

    def grow(self, n: int, tag: str = "leaf") -> None:
        for i in range(n):
            self.tree.append(f"{tag}-{len(self.tree)}-{i}".encode())

    def note(self, size: int | None = None, tree: MerkleTree | None = None) -> bytes:
        tree = tree or self.tree
        size = len(tree) if size is None else size
        body = notes.Checkpoint(self.signer.name, size, tree.root(size)).body()
        return notes.sign_note(body, self.signer).encode()

    def body(self, old: int, size: int | None = None, proof: list[bytes] | None = None) -> bytes:
        size = len(self.tree) if size is None else size
        if proof is None:
            proof = self.tree.consistency_proof(old, size) if 0 < old < size else []
        return notes.AddCheckpoint(old, tuple(proof), self.note(size)).encode()

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.signer.verifier.public_key).decode()


@pytest.fixture
def log() -> Log:
    return Log()


@pytest.fixture
def partner_node(log: Log, make_user: Callable[..., User]) -> Client:
    """This node witnesses the Indian node: its partner record and its account (CBI)."""
    keys.init_keys()
    add_partner("in-node", "https://in.example/taxii2/root/", "tb_x", log.public_key, ["IN-CBI"])
    token = issue_token(make_user("analyst", "IN-CBI", "in-node"), "in-node").secret
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(client: Client, body: bytes) -> Any:
    return client.post(URL, body, content_type="text/plain")


def cosignature_of(response: Any, note: bytes) -> int:
    """The answer is one cosignature line by this node's cosigner key, over the checkpoint."""
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert text.startswith("\u2014 ") and text.endswith("\n") and text.count("\n") == 1
    signed = notes.parse_note(note + response.content)
    return notes.verify_cosignature(signed, keys.signer("cosigner").verifier)
