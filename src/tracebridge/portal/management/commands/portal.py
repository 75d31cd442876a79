from __future__ import annotations

import argparse
import time
from typing import Any

from tracebridge.commands import SubcommandCommand
from tracebridge.portal import services


def _no_args(parser: argparse.ArgumentParser) -> None:
    """refresh takes no arguments."""


class Command(SubcommandCommand):
    help = "Maintain the public portal's aggregates (CLEAR data only)."
    verbs = {"refresh": ("Rebuild the public identifier counts and statistics.", _no_args)}

    def do_refresh(self, **_: Any) -> None:
        started = time.perf_counter()
        rows = services.refresh_identifier_stats()
        services.forget_statistics()
        self.stdout.write(
            f"public aggregates: {rows} identifiers in {time.perf_counter() - started:.1f}s"
        )
