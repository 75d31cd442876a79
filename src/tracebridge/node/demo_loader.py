"""The demo world: agencies, one user per role, and each app's share of the simulated world,
loaded by running every app's ``demo.load(ctx)`` in pipeline order (``tracebridge demo``)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from rich.console import Console

from tracebridge.demo import DemoContext
from tracebridge.progress import console_progress, stage_reporter
from tracebridge.wiring import app_modules


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
    for app, module in app_modules("demo"):
        started = time.perf_counter()
        with console.status(f"demo: loading {app.rsplit('.', 1)[1]}"):
            module.load(ctx)
        console.log(f"{app.rsplit('.', 1)[1]}: done in {time.perf_counter() - started:.1f}s")
    return ctx
