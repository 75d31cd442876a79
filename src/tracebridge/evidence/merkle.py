"""RFC 9162 Merkle trees: hashing, an append-only tree, inclusion and consistency proofs.

Pure Python (hashlib only) so that the offline verifier can use it alone.
RFC 9162 §2.1: leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right),
the hash of the empty tree is SHA-256("").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or a request for a proof that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n >= 2): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only tree that keeps every complete subtree hash.

    ``_levels[h]`` holds, back to back, the hashes of the complete subtrees of 2**h leaves
    in order, so appending costs one leaf hash plus one node hash on average and any
    subtree hash, root or proof needs only O(log n) reads and hashes.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        for h in leaf_hashes:
            self.append_hash(h)

    def __len__(self) -> int:
        return self._size

    def append(self, data: bytes) -> int:
        """Add a leaf's data; returns its index."""
        return self.append_hash(sha256(b"\x00" + data).digest())

    def append_hash(self, h: bytes) -> int:
        if len(h) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, got {len(h)}")
        index = self._size
        levels = self._levels
        levels[0] += h
        self._size = n = index + 1
        level = 0
        # A subtree of 2**(level+1) leaves completes each time n is a multiple of it.
        while n & 1 == 0:
            row = levels[level]
            pair = row[-2 * HASH_SIZE :]
            if level + 1 == len(levels):
                levels.append(bytearray())
            levels[level + 1] += sha256(b"\x01" + pair).digest()
            n >>= 1
            level += 1
        return index

    def leaf(self, index: int) -> bytes:
        return self._stored(0, index)

    def _stored(self, level: int, position: int) -> bytes:
        start = position * HASH_SIZE
        return bytes(self._levels[level][start : start + HASH_SIZE])

    def _subtree(self, start: int, size: int) -> bytes:
        """MTH of leaves [start, start + size); ``start`` is a multiple of a power of two >= size."""
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            return self._stored(level, start >> level)
        k = _split(size)
        return node_hash(
            self._stored(k.bit_length() - 1, start // k), self._subtree(start + k, size - k)
        )

    def root(self, size: int | None = None) -> bytes:
        """RFC 9162 §2.1.1 MTH of the first ``size`` leaves (default: all)."""
        size = self._size if size is None else size
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self._size:
            raise ProofError(f"tree size {size} is outside 0..{self._size}")

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3.1 PATH(index, D[0:size])."""
        size = self._size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
        path: list[bytes] = []
        start = 0
        while size > 1:
            k = _split(size)
            if index < k:
                path.append(self._subtree(start + k, size - k))
                size = k
            else:
                path.append(self._subtree(start, k))
                start, index, size = start + k, index - k, size - k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4.1 PROOF(old_size, D[0:new_size])."""
        new_size = self._size if new_size is None else new_size
        self._check_size(new_size)
        if not 0 < old_size <= new_size:
            raise ProofError(f"no consistency proof from size {old_size} to {new_size}")
        path: list[bytes] = []
        start, m, n, complete = 0, old_size, new_size, True
        while m != n:
            k = _split(n)
            if m <= k:
                path.append(self._subtree(start + k, n - k))
                n = k
            else:
                path.append(self._subtree(start, k))
                start, m, n, complete = start + k, m - k, n - k, False
        if not complete:
            path.append(self._subtree(start, m))
        path.reverse()
        return path


def _check_hash(name: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{name} must be {HASH_SIZE} bytes, got {len(value)}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1-6: the root that ``proof`` implies for ``leaf``."""
    # (1) the index must lie inside the tree
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
    _check_hash("leaf hash", leaf)
    fn, sn, r = index, size - 1, leaf
    for i, p in enumerate(proof):
        _check_hash(f"proof element {i}", p)
        # (2)-(4) walk up: a right child (or the last node of a level) hashes from the left
        if sn == 0:
            raise ProofError(f"inclusion proof is too long: {len(proof)} elements, {i} expected")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # (5) every level must be consumed
    if sn != 0:
        raise ProofError(f"inclusion proof is too short: {len(proof)} elements")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows ``leaf`` at ``index`` in the tree of ``root``."""
    _check_hash("root", root)
    computed = root_from_inclusion_proof(index, size, leaf, proof)
    # (6) RFC 9162 §2.1.3.2: the computed root must equal the expected root
    if computed != root:
        raise ProofError(f"inclusion proof gives root {computed.hex()}, expected {root.hex()}")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless ``proof`` links root1 (size1) to root2 (size2)."""
    _check_hash("first root", root1)
    _check_hash("second root", root2)
    for i, p in enumerate(proof):
        _check_hash(f"proof element {i}", p)
    if not 0 <= size1 <= size2:
        raise ProofError(f"tree size {size1} is larger than {size2}")
    if size1 == size2:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if root1 != root2:
            raise ProofError("equal tree sizes with different roots")
        return
    if size1 == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    _verify_consistency_path(size1, size2, list(proof), root1, root2)


def _verify_consistency_path(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> None:
    # (1) when size1 is a power of two the first root itself starts the path
    if size1 & (size1 - 1) == 0:
        proof = [root1, *proof]
    # (2) set fn = size1 - 1 and sn = size2 - 1
    fn, sn = size1 - 1, size2 - 1
    # (3) shift right while fn's lowest bit is set
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # (4) fr and sr start from the first element
    fr = sr = proof[0]
    # (5) walk the rest of the proof
    for c in proof[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # (6) the proof must end at the top, with both roots matching
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != root1:
        raise ProofError(f"consistency proof gives old root {fr.hex()}, expected {root1.hex()}")
    if sr != root2:
        raise ProofError(f"consistency proof gives new root {sr.hex()}, expected {root2.hex()}")


def canonical_json(record: object) -> bytes:
    """The leaf encoding of a ledger record: sorted keys, no spaces, UTF-8.

    Records hold only strings, integers, booleans, lists and objects, for which this equals
    RFC 8785 (JCS), so any other tool can recompute a leaf hash.
    """
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_leaf_hash(record: object) -> bytes:
    return leaf_hash(canonical_json(record))
