"""Demo: link the complaints the complaints demo loaded from the simulated world."""

from __future__ import annotations

from tracebridge.campaigns import services
from tracebridge.demo import DemoContext


def load(ctx: DemoContext) -> None:
    report = services.full_link()
    ctx.note("campaigns linked", f"{report.campaigns} from {report.linked} complaints")
    ctx.note("identifiers refused as hubs", report.hubs)
