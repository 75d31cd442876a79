"""Demo: a case built on the biggest cross-border campaign, worked by the FBI with the CBI."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tracebridge.campaigns.models import Campaign, CampaignStatus
from tracebridge.cases import services
from tracebridge.complaints.models import Complaint
from tracebridge.demo import DemoContext


def biggest_cross_border() -> Campaign | None:
    active = Campaign.objects.filter(status=CampaignStatus.ACTIVE)
    return (
        active.filter(cross_border=True).order_by("-size").first()
        or active.order_by("-size").first()
    )


def load(ctx: DemoContext) -> None:
    campaign = biggest_cross_border()
    analyst, supervisor = ctx.users["fbi.analyst"], ctx.users["fbi.supervisor"]
    title = (
        f"Campaign {campaign.code}: {campaign.scam_type or 'fraud'} calls"
        if campaign
        else "Tech-support call centre"
    )
    complaints = (
        list(Complaint.objects.filter(campaign_member__campaign=campaign)[:200]) if campaign else []
    )
    case = services.create_case(
        ctx.agencies["US-FBI"],
        title,
        by=analyst,
        lead=analyst,
        description="Joint investigation with IN-CBI under the MLAT working arrangement.",
        campaigns=[campaign] if campaign else [],
        complaints=complaints,
    )
    services.set_status(case, "investigating", analyst)
    services.assign(case, supervisor, "supervising agent", analyst)
    services.assign(case, ctx.users["fbi.viewer"], "victim-witness coordinator", analyst)
    today = timezone.localdate()
    services.add_task(
        case,
        "Send preservation request to the carrier",
        today + dt.timedelta(days=3),
        analyst,
        analyst,
    )
    services.add_task(
        case,
        "Ask IN-CBI for the call-centre premises search records",
        today + dt.timedelta(days=10),
        supervisor,
        analyst,
    )
    services.add_note(
        case, "Complaints from both countries share the same callback numbers and UPI IDs.", analyst
    )
    ctx.note("demo case", f"{case.reference} ({len(complaints)} complaints)")
