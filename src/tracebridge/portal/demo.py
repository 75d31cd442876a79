"""The portal's public aggregates for the demo world, under the agencies' publication policies."""

from __future__ import annotations

from tracebridge.agencies.models import Agency
from tracebridge.demo import DemoContext
from tracebridge.portal import policy, services

# What a real I4C publishes on "report and check suspect": counts of GREEN and AMBER reports too,
# once three independent reports name an identifier; the CBI only GREEN, from five. US agencies
# keep the default (CLEAR from one report).
DEMO_POLICIES = {"IN-I4C": ("CLEAR,GREEN,AMBER", 3), "IN-CBI": ("CLEAR,GREEN", 5)}


def load(ctx: DemoContext) -> None:
    for code, (markings, least) in DEMO_POLICIES.items():
        agency = Agency.objects.filter(code=code).first()
        if agency is not None:
            policy.set_policy(agency, markings, least, refresh=False)
    ctx.note("public identifiers", services.refresh_identifier_stats())
    services.forget_statistics()
