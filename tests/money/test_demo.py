"""The money part of the demo: banks as agencies, the trail, the registry, holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from tracebridge.complaints import demo as complaints_demo
from tracebridge.demo import DemoContext
from tracebridge.money import demo
from tracebridge.money.models import HoldRequest, MuleEntry, TrailBatch


def test_demo_loads_trail_registry_and_holds(
    agencies: dict[str, Any], make_user: Callable[..., Any], tmp_path: Path, settings: Any
) -> None:
    # One user per bank: a fast hasher keeps the test quick (the demo's passwords are public).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = DemoContext(home=tmp_path, console=Console(file=None, quiet=True),
                      world_dir=tmp_path / "world")  # fmt: skip
    ctx.agencies.update(agencies)
    for code, name in (("IN-I4C", "i4c.analyst"), ("US-FBI", "fbi.analyst")):
        ctx.users[name] = make_user("analyst", code, username=name)
    complaints_demo.load(ctx)
    demo.load(ctx)
    notes = dict(ctx.summary)
    assert notes["transactions"].endswith("0 rejected")
    assert TrailBatch.objects.get().stored > 0
    assert MuleEntry.objects.count() > 10
    assert "sbin.officer" in ctx.users and "BANK-SBIN" in ctx.agencies
    assert HoldRequest.objects.exists() and "biggest campaign" in notes["hold requests"]


def test_demo_without_a_trail_says_so(tmp_path: Path) -> None:
    ctx = DemoContext(home=tmp_path, console=Console(quiet=True), world_dir=tmp_path / "none")
    demo.load(ctx)
    assert dict(ctx.summary)["money"] == "no transactions.parquet in the demo world"
