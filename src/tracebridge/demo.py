"""What an app's demo module is given: the demo world's context, password and seed.

Each app may have a ``demo`` module with ``load(ctx: DemoContext) -> None``;
``tracebridge.node.demo_loader`` runs them in the order of ``settings.TRACEBRIDGE_APPS`` (the
pipeline order), so later stages see earlier data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from tracebridge.agencies.models import Agency, User

DEMO_PASSWORD = "tracebridge-demo"  # noqa: S105 - printed for the demo; never used in production
DEMO_SEED = 20261129


@dataclass
class DemoContext:
    home: Path
    console: Console
    world_dir: Path
    seed: int = DEMO_SEED
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)

    def note(self, what: str, value: object) -> None:
        self.summary.append((what, str(value)))
