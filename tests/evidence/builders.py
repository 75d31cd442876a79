"""Builds real evidence packages with the pure modules only (no database), for verifier tests."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence.merkle import MerkleTree, canonical_json
from tracebridge.evidence.package_writer import (
    CosignedCheckpoint,
    Document,
    ItemFile,
    build_manifest,
    build_proofs,
    safe_filename,
    write_package,
)

ORIGIN = "test.node/US-FBI/evidence"


@dataclass
class Built:
    path: Path
    signer: notes.Signer
    cosigner: notes.Signer
    tree: MerkleTree
    old_note: bytes  # a checkpoint signed before the package's own
    cosigners: tuple[notes.Signer, ...] = ()  # every partner that cosigned (cosigner first)


def _sign(tree: MerkleTree, signer: notes.Signer, size: int) -> bytes:
    body = notes.Checkpoint(ORIGIN, size, tree.root(size)).body()
    return notes.sign_note(body, signer).encode()


def build_package(
    out: Path, files: dict[str, bytes], cosign: bool = True, cosigners: int = 1
) -> Built:
    signer = notes.generate_signer(ORIGIN)
    partners = tuple(
        notes.generate_signer(f"test.node/IN-{n}/witness", notes.ALG_COSIGNATURE_V1)
        for n in ["CBI", "I4C"][:cosigners]
    )
    cosigner = partners[0]
    tree = MerkleTree()
    tree.append(canonical_json({"kind": "genesis"}))
    old_note = _sign(tree, signer, 1)
    items, custody = [], []
    for n, (name, data) in enumerate(files.items(), start=1):
        record = {
            "kind": "evidence",
            "item": f"EV-{n}",
            "filename": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
        index = tree.append(canonical_json(record))
        items.append(ItemFile(safe_filename(name, n), index, record, lambda d=data: io.BytesIO(d)))
        event = {"kind": "custody", "event": "collected", "item": f"EV-{n}"}
        custody.append((tree.append(canonical_json(event)), event))
    cosigned = None
    if cosign:
        body = notes.Checkpoint(ORIGIN, len(tree), tree.root()).body()
        note = notes.sign_note(body, signer)
        for partner in partners:
            note = note.with_signature(notes.cosign(body, partner, 1_790_000_000))
        keys = tuple(p.verifier.encode() for p in partners)
        cosigned = CosignedCheckpoint(note.encode(), keys, len(tree))
    docs = [Document("certificates/bsa-s63.txt", b"certificate\n")]
    manifest = build_manifest(
        {"reference": "CASE-1"}, ORIGIN, "2026-11-29T00:00:00Z", items, custody, docs
    )
    export = {
        "kind": "custody",
        "event": "exported",
        "case": "CASE-1",
        "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
    }
    export_index = tree.append(canonical_json(export))
    size = len(tree)
    proofs = build_proofs(
        tree,
        size,
        [i.leaf_index for i in items] + [c[0] for c in custody],
        (export_index, export),
        cosigned.size if cosigned else None,
    )
    write_package(
        out,
        manifest,
        proofs,
        _sign(tree, signer, size),
        signer.verifier.encode(),
        items,
        docs,
        cosigned,
    )
    return Built(out, signer, cosigner, tree, old_note, partners)
