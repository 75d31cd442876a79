"""The demo loads a preserved DOJ-CPB request to the CBI and an open production request."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tracebridge.agencies import demo as agencies_demo
from tracebridge.assistance import demo as assistance_demo
from tracebridge.assistance.models import Request
from tracebridge.demo import DemoContext


def test_demo_requests(db: None, _home: Path) -> None:
    ctx = DemoContext(home=_home, console=Console(quiet=True), world_dir=_home / "demo-world")
    agencies_demo.load(ctx)
    assistance_demo.load(ctx)
    kept, wanted = Request.objects.order_by("reference")
    assert (kept.kind, kept.status, kept.from_code, kept.to_code) == (
        "preservation",
        "preserved",
        "US-DOJ-CPB",
        "IN-CBI",
    )
    assert [m.action for m in kept.messages.all()] == [
        "create",
        "submit",
        "approve",
        "acknowledge",
        "preserve",
    ]
    assert (kept.preserved_until - kept.created_at).days in (59, 60)
    assert (wanted.kind, wanted.status) == ("production", "sent")
    notes = dict(ctx.summary)
    assert notes["request file"].endswith("(one node: 3 messages already here)")
    assert (_home / f"{kept.reference}.json").exists()
