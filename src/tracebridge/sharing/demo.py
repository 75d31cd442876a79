"""Demo: agreements between every US and every Indian agency, approved, published; one export."""

from __future__ import annotations

import json

from tracebridge.demo import DemoContext
from tracebridge.sharing.exports import export_bundle_for, publish
from tracebridge.sharing.models import TELECOM_KINDS, Agreement
from tracebridge.sharing.services import approve_agreement, create_agreement

US = ("US-DOJ-CPB", "US-FBI", "US-FTC")
IN = ("IN-CBI", "IN-I4C")


def _supervisor(ctx: DemoContext, code: str) -> object:
    prefix = code.split("-", 1)[1].lower()
    return ctx.users[f"{prefix}.supervisor"]


def _telecom_agreements(ctx: DemoContext) -> list[Agreement]:
    """US agencies see each other's robocall campaigns and tracebacks, as they would."""
    made: list[Agreement] = []
    for owner in US:
        for partner in US:
            if owner == partner or owner not in ctx.agencies or partner not in ctx.agencies:
                continue
            agreement = create_agreement(owner, partner, ["GREEN", "AMBER"], kinds=TELECOM_KINDS)
            approve_agreement(agreement, _supervisor(ctx, owner))  # type: ignore[arg-type]
            made.append(agreement)
    return made


def load(ctx: DemoContext) -> None:
    pairs = [(a, b) for a in US for b in IN] + [(b, a) for a in US for b in IN]
    published = 0
    agreements = []
    for owner, partner in pairs:
        if owner not in ctx.agencies or partner not in ctx.agencies:
            continue
        agreement = create_agreement(
            owner, partner, ["CLEAR", "GREEN", "AMBER"], fields=["city", "state"]
        )
        approve_agreement(agreement, _supervisor(ctx, owner))  # type: ignore[arg-type]
        published += publish(agreement)
        agreements.append(agreement)
    agreements += _telecom_agreements(ctx)
    # One pending approval, so the approvals page has something to show.
    create_agreement("US-FTC", "IN-CBI", ["CLEAR", "GREEN", "AMBER"], fields=["state"])
    exports = ctx.home / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    sample = next((a for a in agreements if a.owner.code == "US-FTC"), None)
    if sample is not None:
        bundle = export_bundle_for(sample)
        path = exports / f"stix-{sample.owner.code}-{sample.partner.code}.json"
        path.write_text(json.dumps(bundle, indent=1, ensure_ascii=False), "utf-8")
        ctx.note("STIX export", path)
    ctx.note("sharing agreements", len(agreements))
    ctx.note("TAXII objects published", published)
