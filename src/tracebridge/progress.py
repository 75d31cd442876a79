"""One look for long work: a rich progress bar on stderr."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def console_progress(console: Console | None = None, transient: bool = False) -> Progress:
    """A progress bar with counts, elapsed and remaining time (use as a context manager)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=transient,
    )


def stage_reporter(progress: Progress, prefix: str = "") -> Callable[[str, int, int], None]:
    """A ``report(stage, rows just done, stage total)`` callback: one bar per stage."""
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(f"{prefix}{stage}", total=total)
        progress.advance(tasks[stage], done)

    return report
