"""The portal's public aggregates for the demo world (CLEAR complaints only)."""

from __future__ import annotations

from tracebridge.demo import DemoContext
from tracebridge.portal import services


def load(ctx: DemoContext) -> None:
    ctx.note("public identifiers", services.refresh_identifier_stats())
    services.forget_statistics()
