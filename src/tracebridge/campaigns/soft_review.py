"""An analyst's review of soft links (issue 19.4): list them, confirm one, or split one.

A decision is kept (``SoftLinkDecision``) and every later full rebuild respects it: a split pair
is never joined by a soft link again. A split rebuilds the campaigns at once.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.campaigns import selectors, services
from tracebridge.campaigns.models import Campaign, CampaignMember, SoftLink, SoftLinkDecision
from tracebridge.errors import Invalid, NotFound

DECISIONS = (SoftLinkDecision.CONFIRM, SoftLinkDecision.SPLIT)


def visible_soft_links(user: User, campaign: Campaign) -> QuerySet[SoftLink]:
    """The campaign's soft links whose two complaints ``user`` may both see."""
    seen = selectors.visible_members(user, campaign).values("complaint_id")
    return (
        SoftLink.objects.filter(campaign=campaign, earlier__in=seen, later__in=seen)
        .select_related("earlier", "later")
        .order_by("-confidence", "id")
    )


def decide(
    request: HttpRequest, user: User, campaign: Campaign, link_id: int, decision: str
) -> str:
    """Record ``decision`` on a soft link of ``campaign`` the user may see; the answer is the
    campaign code the link's later complaint belongs to afterwards (another one after a split)."""
    if decision not in DECISIONS:
        raise Invalid(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}.")
    link = visible_soft_links(user, campaign).filter(pk=link_id).first()
    if link is None:
        audit.record(
            "campaign.soft_link", request=request, obj=campaign, outcome="denied", link=link_id
        )
        raise NotFound("No such soft link in this campaign.")
    SoftLinkDecision.objects.update_or_create(
        earlier_id=link.earlier_id,
        later_id=link.later_id,
        defaults={"decision": decision, "decided_by": user},
    )
    audit.record(
        "campaign.soft_link",
        request=request,
        obj=campaign,
        decision=decision,
        earlier=link.earlier.reference,
        later=link.later.reference,
    )
    if decision == SoftLinkDecision.CONFIRM:
        SoftLink.objects.filter(pk=link.pk).update(confirmed=True)
    else:
        services.full_link()
    code = CampaignMember.objects.filter(complaint_id=link.later_id).values_list(
        "campaign__code", flat=True
    )
    return code.first() or ""
