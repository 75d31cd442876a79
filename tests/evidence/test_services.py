"""Evidence in the database: ledger leaves, custody, checkpoints, cosignatures, packages."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.conftest import CSV, WAV
from tracebridge.agencies.models import AppendOnlyError, User
from tracebridge.agencies.services import ServiceError
from tracebridge.cases.models import Case
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys, ledger
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.merkle import canonical_json, leaf_hash
from tracebridge.evidence.models import EvidenceItem, LedgerEntry
from tracebridge.evidence.services import add_evidence, blob_store
from tracebridge.evidence.verifier import verify_package


def test_adding_evidence_writes_blob_and_leaves(items: list[EvidenceItem], case: Case) -> None:
    wav, csv = items
    assert wav.reference == f"{case.reference}-E001" and csv.reference == f"{case.reference}-E002"
    assert wav.sha256 == hashlib.sha256(WAV).hexdigest() and wav.size == len(WAV)
    assert wav.filename == "call recording.wav" and wav.media_type == "audio/x-wav"
    with blob_store().open(csv.sha256) as f:
        assert f.read() == CSV
    entries = list(LedgerEntry.objects.values_list("index", "kind"))
    assert entries == [(0, "evidence"), (1, "custody"), (2, "evidence"), (3, "custody")]
    record = json.loads(wav.leaf.record)
    assert record["sha256"] == wav.sha256 and record["device"].startswith("Samsung A52")
    assert wav.leaf.leaf_hash == leaf_hash(canonical_json(record)).hex()
    assert [e.action for e in wav.custody.all()] == ["collected"]


def test_ledger_rows_are_append_only(items: list[EvidenceItem]) -> None:
    entry = LedgerEntry.objects.first()
    assert entry is not None
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(index=0).update(kind="x")


def test_unknown_metadata_is_refused(case: Case) -> None:
    with pytest.raises(ServiceError, match="unknown metadata colour"):
        add_evidence(case, io.BytesIO(b"x"), "x.txt", colour="red")


def test_checkpoint_signing_and_cosignature(items: list[EvidenceItem]) -> None:
    cp = ledger.sign_checkpoint()
    assert cp.size == 4 and ledger.sign_checkpoint().pk == cp.pk  # same size: reused
    node_key = keys.verifier_key("node")
    line = ledger.cosign(cp.note.encode(), node_key, now=1_790_000_000)  # we witness ourselves here
    cosig = ledger.add_cosignature(
        cp.note.encode() + line.encode() + b"\n", keys.verifier_key("cosigner")
    )
    assert cosig.timestamp == 1_790_000_000 and ledger.latest_cosigned() == cp
    note = notes.parse_note(ledger.cosigned_note(cp).encode())
    notes.verify_cosignature(note, notes.parse_verifier(keys.verifier_key("cosigner")))
    with pytest.raises(ServiceError, match="refusing to cosign"):
        ledger.cosign(cp.note.encode().replace(b"\n4\n", b"\n5\n"), node_key)
    with pytest.raises(ServiceError, match="cosignature refused"):
        ledger.add_cosignature(cp.note.encode(), keys.verifier_key("cosigner"))


def test_cosignature_lands_on_the_checkpoint_it_signs(
    items: list[EvidenceItem], case: Case
) -> None:
    older = ledger.sign_checkpoint()
    add_evidence(case, io.BytesIO(b"later"), "later.txt")
    newer = ledger.sign_checkpoint()
    assert (older.size, newer.size) == (4, 6)
    cosigner = keys.verifier_key("cosigner")
    line = ledger.cosign(older.note.encode(), keys.verifier_key("node"), now=1_790_000_000)
    cosig = ledger.add_cosignature(older.note.encode() + line.encode() + b"\n", cosigner)
    assert cosig.checkpoint == older and not newer.cosignatures.exists()
    # A checkpoint of the same size and origin that this node never signed (another root).
    other = notes.Checkpoint(older.origin, older.size, bytes(32)).body()
    forged = notes.sign_note(other, keys.signer("node"))
    forged = forged.with_signature(notes.cosign(other, keys.signer("cosigner"), 1_790_000_000))
    with pytest.raises(ServiceError, match="not one this node signed"):
        ledger.add_cosignature(forged.encode(), cosigner)


def test_ledger_verify_passes_then_finds_the_first_inconsistency(items: list[EvidenceItem]) -> None:
    ledger.sign_checkpoint()
    report = ledger.verify_ledger(blob_store())
    assert (report.problem, report.leaves, report.blobs, report.checkpoints) == (None, 4, 2, 1)
    # A blob changed on disk behind the node's back (root can still write the read-only file).
    path = blob_store().path(items[1].sha256)  # type: ignore[attr-defined]
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered")
    report = ledger.verify_ledger(blob_store())
    assert report.problem == (
        f"item {items[1].reference}: stored file hashes to {hashlib.sha256(b'tampered').hexdigest()} "
        f"(8 bytes), expected {items[1].sha256}"
    )
    assert ledger.verify_ledger(None).problem is None  # --no-blobs skips the files


def test_ledger_verify_detects_a_rewritten_record(items: list[EvidenceItem]) -> None:
    # Bypass the model's refusal the way an attacker with database access would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE evidence_ledgerentry SET record = %s WHERE "index" = 2', ['{"kind":"x"}']
        )
    problem = ledger.verify_ledger(None).problem
    assert problem is not None and problem.startswith("leaf 2: stored hash")


def test_package_round_trip_with_cosignature(
    items: list[EvidenceItem], case: Case, supervisor: User, tmp_path: Path
) -> None:
    cp = ledger.sign_checkpoint()
    line = ledger.cosign(cp.note.encode(), keys.verifier_key("node"), now=1_790_000_000)
    ledger.add_cosignature(cp.note.encode() + line.encode() + b"\n", keys.verifier_key("cosigner"))
    out = tmp_path / "case.zip"
    result = make_package(case, out, by=supervisor, place="Washington, DC")
    assert (result.items, result.bytes, result.cosigned) == (2, len(WAV) + len(CSV), True)
    report = verify_package(out, keys.verifier_key("node"), keys.verifier_key("cosigner"))
    assert report.ok, report.failures
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        bsa = zf.read("certificates/bsa-section-63.txt").decode()
        fre = zf.read("certificates/fre-902-14.txt").decode()
        assert zf.read("certificates/bsa-section-63.pdf").startswith(b"%PDF-")
        manifest = json.loads(zf.read("manifest.json"))
    assert {
        "files/0001-call_recording.wav",
        "files/0002-cdr.csv",
        "cosigned/checkpoint.txt",
    } <= names
    assert "PART A" in bsa and "PART B" in bsa and "Time (IST)" in bsa and items[0].sha256 in bsa
    assert "Samsung A52, IMEI 356789104567891" in bsa and "Place: Washington, DC" in bsa
    assert "28 U.S.C. § 1746" in fre and items[1].sha256 in fre
    assert [i["record"]["item"] for i in manifest["items"]] == [i.reference for i in items]
    assert [c["record"]["event"] for c in manifest["custody"]] == ["collected", "collected"]
    assert case.custody.filter(action="exported").count() == 1


def test_package_refuses_a_corrupted_blob_and_unknown_items(
    items: list[EvidenceItem], case: Case, tmp_path: Path
) -> None:
    with pytest.raises(ServiceError, match="no evidence NOPE"):
        make_package(case, tmp_path / "x.zip", refs=["NOPE"])
    path = blob_store().path(items[0].sha256)  # type: ignore[attr-defined]
    os.chmod(path, 0o644)
    path.write_bytes(b"swapped")
    from tracebridge.evidence.package_writer import PackageError

    with pytest.raises(PackageError, match="run `tracebridge ledger verify`"):
        make_package(case, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.partial").exists()


def test_package_of_selected_items_only(
    items: list[EvidenceItem], case: Case, tmp_path: Path
) -> None:
    result = make_package(case, tmp_path / "one.zip", refs=[items[1].reference])
    assert result.items == 1 and verify_package(tmp_path / "one.zip").ok


def test_keys_file_mode_and_environment(node_keys: None, monkeypatch: Any, _home: Path) -> None:
    path = _home / "keys" / "node.key"
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)
    with pytest.raises(ServiceError, match="chmod 600"):
        keys.signer("node")
    other = notes.generate_signer("env.node/evidence")
    monkeypatch.setenv("TRACEBRIDGE_NODE_KEY", other.encode())
    assert keys.verifier_key("node") == other.verifier.encode()
    monkeypatch.setenv("TRACEBRIDGE_NODE_KEY", "garbage")
    with pytest.raises(ServiceError, match="TRACEBRIDGE_NODE_KEY"):
        keys.signer("node")


def test_missing_keys_say_how_to_create_them(db: None) -> None:
    with pytest.raises(ServiceError, match="tracebridge keys init"):
        keys.signer("node")
