"""The telecom demo loader on a small simulated world."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tracebridge.demo import DemoContext
from tracebridge.simulate import generate
from tracebridge.telecom import demo
from tracebridge.telecom.models import Carrier, RobocallCampaign, TracebackRequest


def test_demo_imports_analyses_and_opens_a_traceback(agencies, make_user, tmp_path: Path) -> None:
    world = tmp_path / "world"
    generate(world, 7, scale="small", calls=40_000, complaints=100, txns=200)
    ctx = DemoContext(home=tmp_path, console=Console(quiet=True), world_dir=world)
    ctx.agencies.update(agencies)
    ctx.users["ftc.analyst"] = make_user("analyst", "US-FTC", username="ftc.analyst")
    demo.load(ctx)
    assert RobocallCampaign.objects.filter(agency__code="US-FTC").count() > 5
    request = TracebackRequest.objects.get()
    assert request.hops.count() == 1
    # The call's caller number links the request to the campaign it belongs to.
    assert request.campaign is not None
    assert request.campaign.numbers.filter(key=f"phone:{request.calling_number}").exists()
    assert Carrier.objects.get(name="Telx Wholesale").gateway
    assert Carrier.objects.get(name="Verizon").agency.code == "CARRIER-VERIZON"
    notes = dict(ctx.summary)
    assert notes["traceback"].startswith(request.reference)


def test_demo_without_cdrs_is_skipped(agencies, tmp_path: Path) -> None:
    ctx = DemoContext(home=tmp_path, console=Console(quiet=True), world_dir=tmp_path / "none")
    demo.load(ctx)
    assert "skipped" in dict(ctx.summary)["robocalls"]
