from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

from tracebridge import simulate
from tracebridge.commands import console


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
            "--shaken-key", type=Path, help="ES256 key for PASSporTs (default: shared test key)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = console()
        tasks: dict[str, TaskID] = {}
        columns = (
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=out) as bar:

            def report(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.advance(tasks[stage], done)

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
