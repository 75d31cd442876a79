"""The demo world: agencies, one user per role, and each app's share of the simulated world.

Each app may have a ``demo`` module with ``load(ctx: DemoContext) -> None``; they run in the
order of ``settings.TRACEBRIDGE_APPS`` (the pipeline order), so later stages see earlier data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from rich.console import Console

from tracebridge.progress import console_progress, stage_reporter

DEMO_PASSWORD = "tracebridge-demo"  # noqa: S105 - printed for the demo; never used in production
DEMO_SEED = 20261129


@dataclass
class DemoContext:
    home: Path
    console: Console
    world_dir: Path
    seed: int = DEMO_SEED
    agencies: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)

    def note(self, what: str, value: object) -> None:
        self.summary.append((what, str(value)))


def _generate_world(ctx: DemoContext) -> None:
    """Write the small simulated world once; later runs reuse it (same seed, same bytes)."""
    from tracebridge.simulate import generate

    if (ctx.world_dir / "truth.json").exists():
        return
    with console_progress(ctx.console) as progress:
        report = stage_reporter(progress, "simulating ")
        summary = generate(ctx.world_dir, seed=ctx.seed, scale="small", progress=report)
    ctx.note("simulated world", summary.line())


def load_world(console: Console) -> DemoContext:
    home = Path(settings.HOME)
    ctx = DemoContext(home=home, console=console, world_dir=home / "demo-world")
    _generate_world(ctx)
    for app in settings.TRACEBRIDGE_APPS:
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        started = time.perf_counter()
        with console.status(f"demo: loading {app.rsplit('.', 1)[1]}"):
            module.load(ctx)
        console.log(f"{app.rsplit('.', 1)[1]}: done in {time.perf_counter() - started:.1f}s")
    return ctx
