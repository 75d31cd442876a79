"""Demo: what `tracebridge witness run` does on a schedule. The demo runs one node, so no
partner node has a URL to cosign its ledger (the evidence demo keeps a simulated partner's
cosignature instead); the newest checkpoint is still signed and the summary says who cosigned.
Two real nodes witnessing each other are in tests/witness/test_two_nodes.py."""

from __future__ import annotations

from tracebridge.demo import DemoContext
from tracebridge.evidence import ledger
from tracebridge.witness import client


def load(ctx: DemoContext) -> None:
    latest = ledger.latest_checkpoint()
    if not ledger.size():
        return
    if latest is None or latest.size < ledger.size():
        latest = ledger.sign_checkpoint()
    outcomes = client.push_all()
    cosigned = sum(o.ok for o in outcomes)
    partners = f"{cosigned} of {len(outcomes)} partner nodes" if outcomes else "no partner node"
    ctx.note("witness", f"checkpoint {latest.size} signed; cosigned by {partners}")
