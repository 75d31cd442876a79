"""The "robocalls" section of the campaign page (registered from TelecomConfig.ready).

A complaint campaign's phone sightings ("phone:+1…") are matched with the caller numbers of
robocall campaigns found in CDRs, so the campaign page shows the calls behind the complaints.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import (
    is_agency_user,
    visible,
    visible_q,
    withheld_by_owner,
)
from tracebridge.complaints.models import Sighting
from tracebridge.telecom import services
from tracebridge.telecom.models import RobocallCampaign


def phone_keys(campaign: Any, user: User) -> list[str]:
    """Phone keys the campaign's complaints name, of the complaints ``user`` may see only."""
    seen = campaign.members.filter(visible_q(user, "complaint", "complaint__"))
    complaint_ids = seen.values("complaint_id")
    return list(
        Sighting.objects.filter(complaint_id__in=complaint_ids, key__startswith="phone:")
        .values_list("key", flat=True)
        .distinct()[:2000]
    )


def campaign_panel(request: HttpRequest, campaign: Any) -> str | None:
    user = request.user
    if not is_agency_user(user):
        return None
    keys = phone_keys(campaign, user)
    if not keys:
        return None
    presenting = services.campaigns_for_keys(keys, RobocallCampaign.objects.all())
    robocalls = visible(user, presenting).order_by("-calls")[:20]
    context = {
        "robocalls": robocalls,
        "keys": set(keys),
        "withheld": withheld_by_owner(user, presenting),
        "kind": "robocall",
    }
    return render_to_string("telecom/campaign_panel.html", context, request=request)
