"""The witness demo hook: the newest checkpoint signed after the other stages added leaves."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tracebridge.agencies import demo as agencies_demo
from tracebridge.cases import demo as cases_demo
from tracebridge.demo import DemoContext
from tracebridge.evidence import demo as evidence_demo
from tracebridge.evidence import ledger
from tracebridge.witness import demo as witness_demo


def test_demo_signs_the_newest_checkpoint_and_says_who_cosigned(db: None, _home: Path) -> None:
    ctx = DemoContext(home=_home, console=Console(quiet=True), world_dir=_home / "demo-world")
    witness_demo.load(ctx)  # an empty ledger: nothing to sign, nothing said
    assert ctx.summary == []
    agencies_demo.load(ctx)
    cases_demo.load(ctx)
    evidence_demo.load(ctx)
    ledger.append("test", {"after": "the package"})
    witness_demo.load(ctx)
    latest = ledger.latest_checkpoint()
    assert latest is not None and latest.size == ledger.size()
    assert (
        "witness",
        f"checkpoint {latest.size} signed; cosigned by no partner node",
    ) in ctx.summary
