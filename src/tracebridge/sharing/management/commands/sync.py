from __future__ import annotations

import argparse
import time
from functools import partial
from typing import Any

from django.core.management.base import CommandError

from tracebridge.commands import SubcommandCommand, console
from tracebridge.progress import console_progress
from tracebridge.sharing.sync import PAGE_SIZE, SyncError, get_partner, pull

SHOWN = 20  # rejected objects and marking notes listed after the summary (all are audited)


def _pull_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--partner", required=True, help="partner node name")
    p.add_argument("--every", type=float, default=0, help="repeat every SECONDS (0: once)")
    p.add_argument("--page-size", type=int, default=PAGE_SIZE)


class Command(SubcommandCommand):
    help = "Federation: pull shared intelligence from a partner node's TAXII server."
    verbs = {"pull": ("Pull, verify and import what the partner shares.", _pull_args)}

    def do_pull(self, partner: str, every: float, page_size: int, **_: Any) -> None:
        node = get_partner(partner)
        while True:
            started = time.perf_counter()
            with console_progress(console(), transient=True) as progress:
                task = progress.add_task(f"pulling from {node.name}", total=None)
                advance = partial(progress.advance, task)
                try:
                    result = pull(node, page_size=page_size, on_page=advance)
                except SyncError as exc:
                    raise CommandError(str(exc)) from None
            r = result.imported
            self.stdout.write(
                f"{node.name}: {result.collections} collections, {result.pages} pages, "
                f"{r.objects} objects, {r.created} complaints created, {r.updated} updated, "
                f"{r.unchanged} unchanged, {len(r.rejected)} rejected, "
                f"{len(r.notes)} marking notes in {time.perf_counter() - started:.1f}s"
            )
            for line in [*r.rejected, *r.notes][:SHOWN]:
                self.stdout.write(f"  {line}")
            if every <= 0:
                return
            time.sleep(every)
