"""The evidence commands, run as an operator would."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge.cases.models import Case
from tracebridge.evidence import keys
from tracebridge.evidence.models import EvidenceItem


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_keys_init_and_show(db: None, _home: Path) -> None:
    first = run("keys", "init")
    node_line, cosigner_line = first.splitlines()
    assert node_line.startswith("node\ttracebridge-node/evidence+")
    assert cosigner_line.startswith("cosigner\ttracebridge-node/witness+")
    assert run("keys", "init") == first  # kept, not replaced
    assert run("keys", "show") == first
    assert run("keys", "init", "--force") != first


def test_add_package_verify(case: Case, analyst: Any, tmp_path: Path) -> None:
    recording = tmp_path / "call.wav"
    recording.write_bytes(b"RIFF" + bytes(100))
    out = run(
        "evidence",
        "add",
        "--case",
        case.reference,
        str(recording),
        "--device",
        "Pixel 7",
        "--collected-at",
        "2026-11-01T10:00:00+05:30",
        "--by",
        analyst.username,
    )
    reference, sha256, size, name = out.strip().split("\t")
    item = EvidenceItem.objects.get(reference=reference)
    assert (item.sha256, str(item.size), item.filename, item.device) == (
        sha256,
        size,
        name,
        "Pixel 7",
    )
    assert (
        item.collected_at is not None
        and item.collected_at.isoformat() == "2026-11-01T04:30:00+00:00"
    )
    pkg = tmp_path / "pkg.zip"
    summary = run(
        "evidence", "package", "--case", case.reference, "--out", str(pkg), "--place", "Delhi"
    )
    assert summary.startswith(
        f"wrote {pkg}: 1 items, 104 bytes, checkpoint size 3, without partner cosignature"
    )
    verified = run("verify", str(pkg), "--trusted-key", keys.verifier_key("node"))
    assert verified.rstrip().endswith(f"VERIFIED: {pkg}")
    pkg.write_bytes(pkg.read_bytes()[:200])
    with pytest.raises(CommandError, match="did NOT verify"):
        run("verify", str(pkg))


def test_command_errors(case: Case, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no case CASE-NOPE"):
        run("evidence", "add", "--case", "CASE-NOPE", str(tmp_path))
    with pytest.raises(CommandError, match="is not a file"):
        run("evidence", "add", "--case", case.reference, str(tmp_path / "absent"))
    with pytest.raises(CommandError, match="ISO 8601"):
        run(
            "evidence",
            "add",
            "--case",
            case.reference,
            str(tmp_path),
            "--collected-at",
            "yesterday",
        )
    with pytest.raises(CommandError, match="has no evidence"):
        run("evidence", "package", "--case", case.reference, "--out", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="ledger is empty"):
        run("ledger", "checkpoint")


def test_ledger_commands(items: list[EvidenceItem], tmp_path: Path) -> None:
    assert run("ledger", "verify").startswith("ledger OK: 4 leaves, 2 files, 0 checkpoints")
    note = tmp_path / "checkpoint.txt"
    note.write_text(run("ledger", "checkpoint"))
    assert note.read_text().split("\n")[1] == "4"
    line = run("ledger", "cosign", str(note), "--log-key", keys.verifier_key("node")).strip()
    cosigned = tmp_path / "cosigned.txt"
    cosigned.write_text(note.read_text() + line + "\n")
    kept = run(
        "ledger", "add-cosignature", str(cosigned), "--cosigner-key", keys.verifier_key("cosigner")
    )
    assert kept.startswith("kept cosignature of checkpoint size 4")
    assert "1 checkpoints, 1 cosignatures" in run("ledger", "verify", "--no-blobs")
    with pytest.raises(CommandError, match="refusing to cosign"):
        run("ledger", "cosign", str(note), "--log-key", keys.verifier_key("cosigner"))
