"""``tracebridge import complaints FILE --agency CODE [--format …]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from tracebridge.agencies.services import get_agency
from tracebridge.commands import SubcommandCommand, console, run_service
from tracebridge.complaints.importers import FORMATS, ImportFormatError, import_file


def _complaints_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the file to import")
    parser.add_argument("--agency", required=True, help="code of the owning agency, e.g. US-FTC")
    parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    parser.add_argument("--rejects", type=Path, help="where bad rows go (JSON Lines)")
    parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")
    parser.add_argument(
        "--workers",
        type=int,
        help="processes that parse JSON Lines beside the writer (default: one per spare core "
        "for files over 4 MB; 0: none)",
    )


class Command(SubcommandCommand):
    help = "Import records from files: complaints (canonical JSON Lines, FTC DNC CSV, STIX, MISP)."
    verbs = {
        "complaints": (
            "Import complaints idempotently (source + ref is the identity); bad rows go to a "
            "rejects file with their line number and reason.",
            _complaints_args,
        )
    }

    def do_complaints(
        self,
        file: Path,
        agency: str,
        format: str,
        rejects: Path | None,
        batch: int,
        workers: int | None,
        **_: Any,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        owner = run_service(get_agency, agency)
        out = console()
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            DownloadColumn(),  # progress is bytes read: rows are not known until the end
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=out) as bar:
            task = bar.add_task(f"importing {file.name}", total=file.stat().st_size)
            try:
                summary = import_file(
                    file,
                    owner,
                    format,
                    rejects_path=rejects,
                    progress=lambda done: bar.update(task, completed=done),
                    batch=max(1, batch),
                    workers=workers,
                )
            except ImportFormatError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(summary.line())
