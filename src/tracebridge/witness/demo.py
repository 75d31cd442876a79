"""Demo: what `tracebridge witness run` does on a schedule. In the one-node world no partner
node has a URL to cosign its ledger (the evidence demo keeps a simulated partner's cosignature
instead); the newest checkpoint is still signed and the summary says who cosigned. With the
demo's second node (tracebridge.node.partner_node) this runs again once that node is a partner,
and it cosigns. Two real nodes witnessing each other are in tests/witness/test_two_nodes.py."""

from __future__ import annotations

from tracebridge.demo import DemoContext
from tracebridge.evidence import ledger
from tracebridge.sharing.models import Partner
from tracebridge.witness import client


def load(ctx: DemoContext) -> None:
    latest = ledger.latest_checkpoint()
    if not ledger.size():
        return
    if latest is None or latest.size < ledger.size():
        latest = ledger.sign_checkpoint()
    client.push_all()  # the partners the signing's signal did not reach
    cosigned = client.partner_cosignatures(latest)
    witnesses = Partner.objects.exclude(api_root="").count()
    partners = f"{cosigned} of {witnesses} partner nodes" if witnesses else "no partner node"
    ctx.note("witness", f"checkpoint {latest.size} signed; cosigned by {partners}")
