from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracebridge import simulate
from tracebridge.commands import console
from tracebridge.progress import console_progress, stage_reporter


class Command(BaseCommand):
    help = (
        "Write a reproducible synthetic fraud world (complaints, FTC DNC rows, CDRs, "
        "transactions and their ground truth) to a directory. Same seed, same bytes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help="directory to write")
        parser.add_argument("--scale", choices=sorted(simulate.SCALES), default="small")
        parser.add_argument("--complaints", type=int, help="override the scale's complaints")
        parser.add_argument("--calls", type=int, help="override the scale's calls")
        parser.add_argument("--txns", type=int, help="override the scale's transactions")
        parser.add_argument(
            "--shaken-key",
            type=Path,
            help="ES256 key for PASSporTs (default: the package's published test key)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = console()
        with console_progress(out) as bar:
            report = stage_reporter(bar)
            try:
                summary = simulate.generate(
                    options["out"],
                    options["seed"],
                    options["scale"],
                    complaints=options["complaints"],
                    calls=options["calls"],
                    txns=options["txns"],
                    progress=report,
                    shaken_key=options["shaken_key"],
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        out.print(f"simulate: {summary.line()}")
