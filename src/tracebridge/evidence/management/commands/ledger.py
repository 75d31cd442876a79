from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tracebridge.commands import SubcommandCommand, console
from tracebridge.evidence import ledger
from tracebridge.evidence.services import blob_store
from tracebridge.progress import console_progress


def _verify_args(p: Any) -> None:
    p.add_argument("--no-blobs", action="store_true", help="skip re-hashing the stored files")


def _cosign_args(p: Any) -> None:
    p.add_argument("note", type=Path, help="the partner's signed checkpoint (a C2SP note file)")
    p.add_argument("--log-key", required=True, help="the partner log's verifier key")


def _add_args(p: Any) -> None:
    p.add_argument("note", type=Path, help="our checkpoint carrying the partner's cosignature line")
    p.add_argument("--cosigner-key", required=True, help="the partner's cosigner verifier key")


class Command(SubcommandCommand):
    help = "The evidence ledger: verify it, sign checkpoints, cosign and collect cosignatures."
    verbs = {
        "verify": ("Recompute the whole log from the database and the blobs.", _verify_args),
        "checkpoint": ("Sign a checkpoint of the current log and print it.", lambda p: None),
        "cosign": (
            "Cosign a partner's checkpoint (C2SP tlog-cosignature); prints the line.",
            _cosign_args,
        ),
        "add-cosignature": ("Keep a partner's cosignature of one of our checkpoints.", _add_args),
    }

    def do_verify(self, no_blobs: bool, **_: Any) -> None:
        started = time.perf_counter()
        total = ledger.size()
        with console_progress(console(), transient=True) as bar:
            task = bar.add_task("verifying leaves", total=total)
            report = ledger.verify_ledger(
                None if no_blobs else blob_store(), lambda n: bar.advance(task, n)
            )
        took = time.perf_counter() - started
        summary = (
            f"{report.leaves} leaves, {report.blobs} files, {report.checkpoints} checkpoints, "
            f"{report.cosignatures} cosignatures in {took:.1f}s"
        )
        if report.problem:
            raise CommandError(f"ledger INCONSISTENT: {report.problem} (checked {summary})")
        self.stdout.write(f"ledger OK: {summary}")

    def do_checkpoint(self, **_: Any) -> None:
        self.stdout.write(ledger.sign_checkpoint().note, ending="")

    def do_cosign(self, note: Path, log_key: str, **_: Any) -> None:
        self.stdout.write(ledger.cosign(note.read_bytes(), log_key))

    def do_add_cosignature(self, note: Path, cosigner_key: str, **_: Any) -> None:
        data = sys.stdin.buffer.read() if str(note) == "-" else note.read_bytes()
        cosig = ledger.add_cosignature(data, cosigner_key)
        self.stdout.write(
            f"kept cosignature of checkpoint size {cosig.checkpoint.size} at {cosig.timestamp}"
        )
