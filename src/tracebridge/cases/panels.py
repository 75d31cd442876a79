"""The "cases" section of the campaign page (registered from CasesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tracebridge.agencies.permissions import has_role, is_agency_user, visible


def campaign_panel(request: HttpRequest, campaign: Any) -> str | None:
    user = request.user
    if not is_agency_user(user):
        return None
    cases = visible(user, campaign.cases.select_related("agency"))[:50]
    return render_to_string(
        "cases/campaign_panel.html",
        {"cases": cases, "campaign": campaign, "can_open": has_role(user, "analyst")},
        request=request,
    )
