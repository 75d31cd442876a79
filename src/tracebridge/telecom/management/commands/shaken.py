"""tracebridge shaken verify|bulk: STIR/SHAKEN PASSporT verification."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tracebridge.commands import SubcommandCommand, console
from tracebridge.progress import console_progress
from tracebridge.telecom import services, shaken, shaken_bulk
from tracebridge.telecom.analytics import AnalyticsError


def _trust_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cert", type=Path, help="the signer's certificate (PEM); else x5u")
    p.add_argument("--ca", type=Path, action="append", default=[], help="trusted STI-CA root(s)")
    p.add_argument("--intermediate", type=Path, action="append", default=[])
    p.add_argument("--max-age", type=float, default=shaken.DEFAULT_MAX_AGE, metavar="S")
    p.add_argument("--strict", action="store_true", help="warnings become failures")
    p.add_argument("--offline", action="store_true", help="never fetch x5u")


def _verify_args(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--token", help="a compact PASSporT")
    which.add_argument("--identity", help="a SIP Identity header value")
    p.add_argument("--now", type=float, help="verify as of this epoch time")
    _trust_args(p)


def _bulk_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE", help="a CDR file with an identity column")
    p.add_argument("--out", type=Path, help="write one result row per call to this CSV")
    _trust_args(p)


def _load(path: Path) -> list[Any]:
    try:
        return shaken.load_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: not a PEM certificate ({exc})") from None


def _verifier(ca: list[Path], intermediate: list[Path], offline: bool) -> shaken.Verifier:
    """--ca roots plus the node's trust store; x5u certificates cached under TRACEBRIDGE_HOME."""
    verifier = services.node_verifier(not offline, [c for path in ca for c in _load(path)])
    verifier.intermediates = [c for path in intermediate for c in _load(path)]
    return verifier


class Command(SubcommandCommand):
    help = "Verify STIR/SHAKEN PASSporTs (RFC 8224/8225/8588, ATIS-1000074)."
    verbs = {
        "verify": (
            "Verify one token or Identity header; prints JSON; exit 0 only when valid.",
            _verify_args,
        ),
        "bulk": ("Verify the identity column of a CDR file.", _bulk_args),
    }

    def do_verify(
        self,
        token: str | None,
        identity: str | None,
        now: float | None,
        cert: Path | None,
        ca: list[Path],
        intermediate: list[Path],
        max_age: float,
        strict: bool,
        offline: bool,
        **_: Any,
    ) -> None:
        verifier = _verifier(ca, intermediate, offline)
        signer = _load(cert)[0] if cert else None
        text = token if token is not None else identity or ""
        result = shaken.verify_report(
            verifier, text, cert=signer, now=now, max_age=max_age, strict=strict
        )
        self.stdout.write(json.dumps(result, indent=2))
        if not result["valid"]:
            raise CommandError(f"not valid: {result['error']['step']}", returncode=1)

    def do_bulk(
        self,
        file: Path,
        out: Path | None,
        cert: Path | None,
        ca: list[Path],
        intermediate: list[Path],
        max_age: float,
        strict: bool,
        offline: bool,
        **_: Any,
    ) -> None:
        verifier = _verifier(ca, intermediate, offline)
        signer = _load(cert)[0] if cert else None
        try:
            total = shaken_bulk.count_records(file)[1]
            with console_progress(console()) as progress:
                task = progress.add_task("verifying", total=total)
                summary = shaken_bulk.verify_file(
                    file,
                    verifier,
                    signer,
                    max_age,
                    strict,
                    out,
                    lambda n: progress.advance(task, n),
                )
        except AnalyticsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary.line() + (f"; results in {out}" if out else ""))
