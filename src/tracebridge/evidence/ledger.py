"""The node's append-only Merkle log in the database: appending, checkpoints, cosignatures,
and the full recomputation behind `tracebridge ledger verify`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from tracebridge.agencies.services import ServiceError
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys
from tracebridge.evidence.blobs import BlobError, BlobStore, hash_blob
from tracebridge.evidence.merkle import MerkleTree, canonical_json, leaf_hash
from tracebridge.evidence.models import (
    Cosignature,
    EvidenceItem,
    LedgerEntry,
    LedgerHead,
    SignedCheckpoint,
)

# Sent (after the transaction commits) with ``checkpoint`` each time this node signs a new
# checkpoint: the witness app asks its partners to cosign it (C2SP tlog-witness).
checkpoint_signed = Signal()


def append(kind: str, record: dict[str, Any]) -> LedgerEntry:
    """Append one leaf; the caller's transaction keeps it with the row it records."""
    data = canonical_json(record)
    with transaction.atomic():
        head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
        entry = LedgerEntry.objects.create(
            index=head.size, kind=kind, record=data.decode(), leaf_hash=leaf_hash(data).hex()
        )
        LedgerHead.objects.filter(pk=1).update(size=head.size + 1)
    return entry


def size() -> int:
    return LedgerEntry.objects.count()


def load_tree() -> MerkleTree:
    hashes = LedgerEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
    return MerkleTree(bytes.fromhex(h) for h in hashes.iterator(chunk_size=10_000))


def sign_checkpoint(tree: MerkleTree | None = None) -> SignedCheckpoint:
    """Sign the current tree (or reuse the checkpoint already signed at this size)."""
    tree = tree or load_tree()
    if len(tree) == 0:
        raise ServiceError("the ledger is empty: add evidence before signing a checkpoint")
    existing = SignedCheckpoint.objects.filter(size=len(tree), origin=keys.origin()).first()
    if existing is not None:
        return existing
    body = notes.Checkpoint(keys.origin(), len(tree), tree.root()).body()
    note = notes.sign_note(body, keys.signer("node"))
    checkpoint = SignedCheckpoint.objects.create(
        origin=keys.origin(), size=len(tree), root=tree.root().hex(), note=note.encode().decode()
    )
    transaction.on_commit(
        lambda: checkpoint_signed.send(sender=SignedCheckpoint, checkpoint=checkpoint)
    )
    return checkpoint


def latest_checkpoint() -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.filter(origin=keys.origin()).order_by("-size").first()


def cosigned_note(checkpoint: SignedCheckpoint) -> notes.Note:
    note = notes.parse_note(checkpoint.note.encode())
    for cosig in checkpoint.cosignatures.all():
        note = note.with_signature(notes.parse_signature_line(cosig.line))
    return note


def latest_cosigned() -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.filter(cosignatures__isnull=False).order_by("-size").first()


def cosign(note_text: bytes, log_key: str, now: int | None = None) -> str:
    """Act as the partner's witness: check the log's signature and return our cosignature line."""
    try:
        note = notes.parse_note(note_text)
        notes.verify_note(note, notes.parse_verifier(log_key))
        notes.parse_checkpoint(note.body)
    except notes.NoteError as exc:
        raise ServiceError(f"refusing to cosign: {exc}") from None
    line = notes.cosign(note.body, keys.signer("cosigner"), int(now or time.time()))
    return line.line()


def add_cosignature(note_text: bytes, cosigner_key: str) -> Cosignature:
    """Keep a partner's cosignature of one of our checkpoints, after verifying it."""
    try:
        note = notes.parse_note(note_text)
        verifier = notes.parse_verifier(cosigner_key)
        timestamp = notes.verify_cosignature(note, verifier)
    except notes.NoteError as exc:
        raise ServiceError(f"cosignature refused: {exc}") from None
    checkpoint = _signed_here(note.body)
    if checkpoint is None:
        raise ServiceError("the cosigned checkpoint is not one this node signed")
    line = next(
        s for s in note.signatures if s.key_id == verifier.key_id and s.name == verifier.name
    )
    existing = checkpoint.cosignatures.filter(cosigner_key=verifier.encode()).first()
    return existing or Cosignature.objects.create(
        checkpoint=checkpoint, cosigner_key=verifier.encode(), line=line.line(), timestamp=timestamp
    )


def _signed_here(body: bytes) -> SignedCheckpoint | None:
    """The checkpoint this node signed with exactly this body (looked up by origin, size, root)."""
    try:
        parsed = notes.parse_checkpoint(body)
    except notes.NoteError:
        return None
    candidates = SignedCheckpoint.objects.filter(
        origin=parsed.origin, size=parsed.size, root=parsed.root.hex()
    )
    return next((c for c in candidates if c.note.startswith(body.decode() + "\n")), None)


# --- full verification ----------------------------------------------------------------------


@dataclass
class LedgerReport:
    leaves: int = 0
    blobs: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    problem: str | None = None


class Inconsistency(Exception):
    pass


def _entries() -> Iterator[LedgerEntry]:
    return LedgerEntry.objects.order_by("index").iterator(chunk_size=5000)


def _check_entry(entry: LedgerEntry, expected: int) -> bytes:
    if entry.index != expected:
        raise Inconsistency(f"leaf {expected} is missing (next stored leaf is {entry.index})")
    data = entry.record.encode()
    if canonical_json(json.loads(data)) != data:
        raise Inconsistency(f"leaf {entry.index}: record is not canonical JSON")
    digest = leaf_hash(data)
    if digest.hex() != entry.leaf_hash:
        raise Inconsistency(
            f"leaf {entry.index}: stored hash {entry.leaf_hash} != recomputed {digest.hex()}"
        )
    return digest


def _check_item(item: EvidenceItem, store: BlobStore | None) -> None:
    record = json.loads(item.leaf.record)
    for field in ("sha256", "size", "filename"):
        if record.get(field) != getattr(item, field):
            raise Inconsistency(
                f"item {item.reference}: {field} is {getattr(item, field)!r} but leaf {item.leaf.index} says {record.get(field)!r}"
            )
    if store is None:
        return
    try:
        found, size = hash_blob(store, item.sha256)
    except BlobError as exc:
        raise Inconsistency(f"item {item.reference}: {exc}") from None
    if (found, size) != (item.sha256, item.size):
        raise Inconsistency(
            f"item {item.reference}: stored file hashes to {found} ({size} bytes), expected {item.sha256}"
        )


def _check_checkpoints(tree: MerkleTree, report: LedgerReport) -> None:
    key = keys.signer("node").verifier
    for cp in SignedCheckpoint.objects.order_by("size").prefetch_related("cosignatures"):
        try:
            note = notes.parse_note(cp.note.encode())
            notes.verify_note(note, key)
            body = notes.parse_checkpoint(note.body)
        except notes.NoteError as exc:
            raise Inconsistency(f"checkpoint at size {cp.size}: {exc}") from None
        if body.size > len(tree) or tree.root(body.size) != body.root:
            raise Inconsistency(
                f"checkpoint at size {cp.size}: its root is not the log's root at that size"
            )
        report.checkpoints += 1
        for cosig in cp.cosignatures.all():
            try:
                signed = note.with_signature(notes.parse_signature_line(cosig.line))
                notes.verify_cosignature(signed, notes.parse_verifier(cosig.cosigner_key))
            except notes.NoteError as exc:
                raise Inconsistency(f"checkpoint at size {cp.size}: {exc}") from None
            report.cosignatures += 1


def verify_ledger(
    store: BlobStore | None, progress: Callable[[int], None] | None = None
) -> LedgerReport:
    """Recompute the whole log from the database (and the blobs unless ``store`` is None)."""
    report = LedgerReport()
    tree = MerkleTree()
    try:
        for expected, entry in enumerate(_entries()):
            tree.append_hash(_check_entry(entry, expected))
            report.leaves += 1
            if progress:
                progress(1)
        for item in EvidenceItem.objects.select_related("leaf").iterator(chunk_size=1000):
            _check_item(item, store)
            report.blobs += store is not None
        _check_checkpoints(tree, report)
    except Inconsistency as exc:
        report.problem = str(exc)
    return report
