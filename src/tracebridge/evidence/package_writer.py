"""Writing evidence packages (the ZIP that ``verifier.py`` checks). Pure: no Django.

Layout (see docs/evidence.md):
  manifest.json            case, items (path, ledger leaf index, leaf record), custody, documents
  proofs.json              checkpoint size and root, inclusion proof per leaf, export record,
                           consistency proof to the cosigned checkpoint when there is one
  checkpoint.txt           the node's signed checkpoint (C2SP signed note)
  node.vkey                the node's verifier key
  cosigned/checkpoint.txt  the latest partner-cosigned checkpoint, cosigned/cosigner.vkey their keys
  files/…                  the evidence files, stored uncompressed (media is already compressed,
                           and storing keeps packaging as fast as hashing)
  certificates/…, README.txt

The manifest's SHA-256 goes into an "exported" ledger record before the checkpoint is signed,
so the signature covers every byte of the manifest and, through it, every file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tracebridge.evidence.blobs import copy_hashing
from tracebridge.evidence.merkle import MerkleTree
from tracebridge.evidence.verifier import (
    CHECKPOINT,
    COSIGNED,
    COSIGNER_KEY,
    FORMAT,
    MANIFEST,
    NODE_KEY,
    PROOFS,
)


class PackageError(RuntimeError):
    """A package could not be written (e.g. a stored file no longer matches its hash)."""


@dataclass(frozen=True)
class ItemFile:
    path: str
    leaf_index: int
    record: dict[str, Any]
    open: Callable[[], IO[bytes]]


@dataclass(frozen=True)
class Document:
    path: str
    data: bytes

    def entry(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "size": len(self.data),
        }


@dataclass(frozen=True)
class CosignedCheckpoint:
    """The freshest checkpoint partners cosigned: the note with every cosignature line, and
    the cosigners' verifier keys (written one a line)."""

    note: bytes
    cosigner_keys: tuple[str, ...]
    size: int


def _portable(char: str) -> bool:
    """Letters, marks and digits of any script, and . _ -: safe on every file system."""
    return char in "._-" or unicodedata.category(char)[0] in "LMN"


def safe_filename(name: str, ordinal: int) -> str:
    """files/0001-<name> keeping the real name in any script (स्क्रीनशॉट.png, call.wav).

    Path separators, spaces, punctuation and control characters become "_"; the name is
    NFC-normalised so that one name has one spelling inside the ZIP (stored as UTF-8).
    """
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    stem = "".join(c if _portable(c) else "_" for c in base).strip("._") or "file"
    return f"files/{ordinal:04d}-{stem[:80]}"


def build_manifest(
    case: dict[str, Any],
    origin: str,
    created_at: str,
    items: Iterable[ItemFile],
    custody: Iterable[tuple[int, dict[str, Any]]],
    documents: Iterable[Document],
) -> bytes:
    manifest = {
        "format": FORMAT,
        "origin": origin,
        "created_at": created_at,
        "case": case,
        "hash_algorithm": "SHA-256",
        "items": [{"path": i.path, "leaf_index": i.leaf_index, "record": i.record} for i in items],
        "custody": [{"leaf_index": index, "record": record} for index, record in custody],
        "documents": [d.entry() for d in documents],
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def build_proofs(
    tree: MerkleTree,
    size: int,
    leaf_indexes: Iterable[int],
    export: tuple[int, dict[str, Any]],
    cosigned_size: int | None = None,
) -> dict[str, Any]:
    """Inclusion proofs of every leaf against the tree of ``size`` leaves (the checkpoint)."""
    indexes = sorted({*leaf_indexes, export[0]})
    proofs: dict[str, Any] = {
        "tree_size": size,
        "root": _b64(tree.root(size)),
        "inclusion": {str(i): [_b64(p) for p in tree.inclusion_proof(i, size)] for i in indexes},
        "export": {"leaf_index": export[0], "record": export[1]},
    }
    if cosigned_size is not None:
        older, newer = sorted((size, cosigned_size))
        proofs["consistency"] = (
            [_b64(p) for p in tree.consistency_proof(older, newer)] if older else []
        )
    return proofs


def _copy_checked(item: ItemFile, target: IO[bytes]) -> int:
    """Copy a stored file into the ZIP, re-hashing it: a corrupted blob must never ship."""
    with item.open() as source:
        found, size = copy_hashing(source, target)
    if found != item.record["sha256"] or size != item.record["size"]:
        raise PackageError(
            f"stored file for {item.path} has SHA-256 {found} ({size} bytes); "
            f"the ledger says {item.record['sha256']}: run `tracebridge ledger verify`"
        )
    return size


def write_package(
    out: Path,
    manifest: bytes,
    proofs: dict[str, Any],
    checkpoint_note: bytes,
    node_key: str,
    items: Iterable[ItemFile],
    documents: Iterable[Document],
    cosigned: CosignedCheckpoint | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the ZIP to ``out`` (first to a temporary name, so a failure leaves no package)."""
    partial = out.with_name(out.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr(MANIFEST, manifest)
            zf.writestr(PROOFS, json.dumps(proofs, indent=1, sort_keys=True) + "\n")
            zf.writestr(CHECKPOINT, checkpoint_note)
            zf.writestr(NODE_KEY, node_key + "\n")
            if cosigned is not None:
                zf.writestr(COSIGNED, cosigned.note)
                zf.writestr(COSIGNER_KEY, "".join(k + "\n" for k in cosigned.cosigner_keys))
            for doc in documents:
                zf.writestr(doc.path, doc.data)
            for item in items:
                info = zipfile.ZipInfo(item.path, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_STORED
                with zf.open(info, "w", force_zip64=True) as target:
                    copied = _copy_checked(item, target)
                if progress:
                    progress(copied)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
