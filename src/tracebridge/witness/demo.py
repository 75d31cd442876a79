"""Demo: nothing to load; one node runs in the demo, so no partner witnesses its ledger here
(the evidence demo keeps a simulated partner's cosignature). See docs/witness.md."""

from __future__ import annotations

from tracebridge.demo import DemoContext


def load(ctx: DemoContext) -> None:
    return None
