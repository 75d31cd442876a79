"""RFC 9162 Merkle code against the transparency-dev vectors and a naive reference."""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import vector_files
from tracebridge.evidence.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# Parametrisation happens at collection: a missing or short folder stops it (vector_files).
INCLUSION = vector_files("merkle/inclusion", "**/*.json", least=80)
CONSISTENCY = vector_files("merkle/consistency", "**/*.json", least=80)


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(items: list[str] | None) -> list[bytes]:
    return [_b64(p) for p in items or []]


@pytest.mark.parametrize("path", INCLUSION, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_inclusion_vectors(path: Path) -> None:
    case: dict[str, Any] = json.loads(path.read_text())
    args = (
        case["leafIdx"],
        case["treeSize"],
        _b64(case["leafHash"]),
        _proof(case["proof"]),
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_consistency_vectors(path: Path) -> None:
    case: dict[str, Any] = json.loads(path.read_text())
    args = (
        case["size1"],
        case["size2"],
        _proof(case["proof"]),
        _b64(case["root1"]),
        _b64(case["root2"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def _reference_root(hashes: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, written as the recursive definition."""
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(_reference_root(hashes[:k]), _reference_root(hashes[k:]))


def test_known_roots() -> None:
    assert MerkleTree().root() == sha256(b"").digest()
    assert leaf_hash(b"") == bytes.fromhex(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    tree = MerkleTree()
    # The RFC 6962 reference leaves behind the vectors' 8-leaf tree (transparency-dev).
    for hex_leaf in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ):
        tree.append(bytes.fromhex(hex_leaf))
    assert base64.b64encode(tree.root()).decode() == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_proofs_round_trip(size: int, data: st.DataObject) -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    tree = MerkleTree(hashes)
    assert tree.root() == _reference_root(hashes)
    old = data.draw(st.integers(min_value=1, max_value=size))
    assert tree.root(old) == _reference_root(hashes[:old])
    index = data.draw(st.integers(min_value=0, max_value=old - 1))
    verify_inclusion(index, old, hashes[index], tree.inclusion_proof(index, old), tree.root(old))
    proof = tree.consistency_proof(old, size)
    verify_consistency(old, size, proof, tree.root(old), tree.root())


def test_proof_requests_outside_the_tree_are_refused() -> None:
    tree = MerkleTree([leaf_hash(b"a"), leaf_hash(b"b")])
    with pytest.raises(ProofError, match="outside a tree of 2"):
        tree.inclusion_proof(2)
    with pytest.raises(ProofError, match="tree size 3"):
        tree.root(3)
    with pytest.raises(ProofError, match="no consistency proof from size 0"):
        tree.consistency_proof(0)
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append_hash(b"short")


def test_wrong_leaf_names_both_roots() -> None:
    tree = MerkleTree([leaf_hash(bytes([i])) for i in range(5)])
    proof = tree.inclusion_proof(3)
    with pytest.raises(ProofError, match=f"expected {tree.root().hex()}"):
        verify_inclusion(3, 5, leaf_hash(b"other"), proof, tree.root())
    with pytest.raises(ProofError, match="too short"):
        verify_inclusion(3, 5, tree.leaf(3), proof[:-1], tree.root())
