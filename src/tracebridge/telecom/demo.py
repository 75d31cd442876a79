"""Demo: carriers, the world's CDRs imported and analysed, and a traceback under way.

Each US carrier of the simulated world is registered; Verizon also as a party of its own
(agency CARRIER-VERIZON, user verizon.fraud) that uploads records and answers traceback hops.
The FTC imports the world's cdrs.parquet, runs the analysis and opens a traceback request for a
call of the biggest robocall campaign (from its most used caller number).
"""

from __future__ import annotations

from pathlib import Path

from tracebridge import duck
from tracebridge.agencies.services import create_agency, create_user
from tracebridge.demo import DEMO_PASSWORD, DemoContext
from tracebridge.simulate import catalog
from tracebridge.telecom import services
from tracebridge.telecom.models import Carrier, RobocallCampaign

OWNER = "US-FTC"
CARRIER_AGENCY = ("CARRIER-VERIZON", "US", "Verizon (carrier fraud team)")


def register_carriers() -> None:
    for name in catalog.US_CARRIERS + catalog.TRANSIT_CARRIERS:
        Carrier.objects.get_or_create(name=name)
    for name in catalog.GATEWAY_CARRIERS:
        Carrier.objects.update_or_create(name=name, defaults={"gateway": True})
    for name in catalog.FOREIGN_CARRIERS:  # "IN-Tata Communications": country first
        Carrier.objects.update_or_create(name=name, defaults={"country": name[:2]})


def carrier_party(ctx: DemoContext) -> None:
    code, country, name = CARRIER_AGENCY
    agency = create_agency(code, country, name)
    ctx.agencies[code] = agency
    Carrier.objects.filter(name="Verizon").update(agency=agency)
    user, _ = create_user("verizon.fraud", code, "analyst", password=DEMO_PASSWORD)
    ctx.users[user.username] = user


def load(ctx: DemoContext) -> None:
    cdrs = Path(ctx.world_dir) / "cdrs.parquet"
    if not cdrs.exists():
        ctx.note("robocalls", "no cdrs.parquet in the demo world; skipped")
        return
    register_carriers()
    carrier_party(ctx)
    owner = ctx.agencies[OWNER]
    batch = services.import_cdrs(cdrs, None, owner, tlp="GREEN")
    out = Path(ctx.world_dir) / "robocalls"
    summary = services.run_analysis([services.cdr_store() / batch.path], out)
    campaigns = services.save_results(out, owner, tlp="GREEN")
    ctx.note("CDR records", f"{batch.rows:,} ({batch.rejected:,} rejected)")
    ctx.note("robocall campaigns", f"{len(campaigns)} ({summary.labelled_calls:,} calls)")
    if campaigns and campaigns[0].sample_calls:
        analyst = ctx.users["ftc.analyst"]
        call_id = _traced_call(out, cdrs, campaigns[0])
        request = services.open_traceback(analyst, call_id, "Demo: biggest robocall campaign")
        ctx.note("traceback", f"{request.reference} for call {call_id}")


def _traced_call(out: Path, cdrs: Path, campaign: RobocallCampaign) -> str:
    """A call of ``campaign`` from its most used caller number, as presented (a campaign
    also holds calls with random caller IDs, which link a traceback to nothing); else its
    first sample call."""
    top = campaign.numbers.order_by("-calls", "key").first()
    row = None
    if top is not None:
        row = (
            duck.connect()
            .execute(
                "SELECT min(l.call_id) FROM read_parquet(?) l JOIN read_parquet(?) c "
                "USING (call_id) WHERE l.campaign_id = ? AND c.calling_number = ?",
                [
                    str(out / "call_labels.parquet"),
                    str(cdrs),
                    campaign.campaign_id,
                    top.key.removeprefix("phone:"),
                ],
            )
            .fetchone()
        )
    return str(row[0]) if row and row[0] else str(campaign.sample_calls[0]["call_id"])
