"""Reads for the analyst workspace, always through what the user may see.

A campaign is visible when the user may see at least one of its complaints; its members,
identifiers and figures (``figures.for_reader``) are then computed from those complaints only.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.http import HttpRequest

from tracebridge import identifiers
from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import visible_q
from tracebridge.campaigns import figures
from tracebridge.campaigns.figures import Figures
from tracebridge.campaigns.models import Campaign, CampaignMember, CampaignStatus, Hub
from tracebridge.complaints.models import Complaint, Sighting


def _member_q(user: User, prefix: str = "") -> Q:
    return visible_q(user, "complaint", f"{prefix}complaint__")


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    seen = CampaignMember.objects.filter(campaign=OuterRef("pk")).filter(_member_q(user))
    return Campaign.objects.filter(status=CampaignStatus.ACTIVE).filter(Exists(seen))


def read_campaign(request: HttpRequest, user: User, code: str) -> Campaign | None:
    """The campaign ``code`` (any case) if ``user`` may see it, or None; the read is audited.

    Absent and forbidden look alike to the caller; the audit log records the refusal.
    """
    campaign = visible_campaigns(user).filter(code=code.upper()).first()
    if campaign is None:
        audit.record(
            "campaign.read",
            request=request,
            object_type="campaign",
            object_id=code,
            outcome="denied",
        )
    else:
        audit.record("campaign.read", request=request, obj=campaign)
    return campaign


def campaign_list(
    user: User,
    *,
    cross_border: bool | None = None,
    scam_type: str = "",
    since: datetime | None = None,
) -> list[Figures]:
    """Campaigns with a member ``user`` may see, filtered and ranked by the reader's figures."""
    return [f for f in figures.for_reader(user) if f.matches(cross_border, scam_type, since)]


def visible_members(user: User, campaign: Campaign) -> QuerySet[CampaignMember]:
    return (
        CampaignMember.objects.filter(campaign=campaign)
        .filter(_member_q(user))
        .select_related("complaint", "complaint__agency")
        .order_by("complaint__received_at", "complaint_id")
    )


def campaign_figures(user: User, campaign: Campaign) -> Figures:
    """The campaign's figures over the complaints this user may see."""
    return figures.of_campaign(user, campaign)


@dataclass
class IdentifierRow:
    key: str
    kind: str
    complaints: int
    first_seen: datetime
    last_seen: datetime
    hub: str = ""


def campaign_identifiers(user: User, campaign: Campaign) -> list[IdentifierRow]:
    rows = (
        Sighting.objects.filter(complaint__campaign_member__campaign=campaign)
        .filter(visible_q(user, "complaint", "complaint__"))
        .values("key", "kind")
        .annotate(
            n=Count("complaint_id", distinct=True),
            first=Min("complaint__received_at"),
            last=Max("complaint__received_at"),
        )
        .order_by("-n", "key")
    )
    out = [IdentifierRow(r["key"], r["kind"], r["n"], r["first"], r["last"]) for r in rows]
    hubs = dict(Hub.objects.filter(key__in=[r.key for r in out]).values_list("key", "reason"))
    for row in out:
        row.hub = hubs.get(row.key, "")
    return out


def graph(user: User, campaign: Campaign, limit: int = 400) -> dict[str, Any]:
    """Nodes (complaints and identifiers) and edges (sightings) for the browser's graph."""
    members = list(visible_members(user, campaign)[:limit])
    ids = [m.complaint_id for m in members]
    sightings = Sighting.objects.filter(complaint_id__in=ids).values_list("complaint_id", "key")
    hubs = set(Hub.objects.filter(key__in={k for _, k in sightings}).values_list("key", flat=True))
    nodes: list[dict[str, Any]] = [
        {
            "id": f"c{m.complaint_id}",
            "type": "complaint",
            "label": m.complaint.reference,
            "country": m.complaint.country,
        }
        for m in members
    ]
    keys = sorted({k for _, k in sightings})
    nodes += [
        {"id": k, "type": "identifier", "label": k, "kind": k.partition(":")[0], "hub": k in hubs}
        for k in keys
    ]
    edges = [{"source": f"c{c}", "target": k} for c, k in sightings]
    return {
        "campaign": campaign.code,
        "nodes": nodes,
        "edges": edges,
        "truncated": len(ids) >= limit,
    }


def explain(user: User, campaign: Campaign, a: int, b: int) -> list[str] | None:
    """The shortest chain complaint–identifier–complaint… joining two visible members."""
    ids = set(visible_members(user, campaign).values_list("complaint_id", flat=True))
    if a not in ids or b not in ids:
        return None
    hubs = set(Hub.objects.values_list("key", flat=True))
    adjacency: dict[str, set[str]] = defaultdict(set)
    for cid, key in Sighting.objects.filter(complaint_id__in=ids).values_list(
        "complaint_id", "key"
    ):
        if key not in hubs:
            adjacency[f"c{cid}"].add(key)
            adjacency[key].add(f"c{cid}")
    start, goal = f"c{a}", f"c{b}"
    came: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt in sorted(adjacency[node]):
            if nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    if goal not in came:
        return None
    path: list[str] = []
    step: str | None = goal
    while step is not None:
        path.append(step)
        step = came[step]
    return path[::-1]


@dataclass
class SearchResult:
    query: str
    key: str | None
    reason: str
    complaints: list[Complaint]
    campaigns: list[Figures]
    hub: str = ""
    # Other readings of a number typed without its country code, with how many complaints the
    # reader may see name each: "did you mean +91 90040 83368?"
    other_readings: list[tuple[str, int]] = field(default_factory=list)


def search(user: User, text: str, limit: int = 200) -> SearchResult:
    """Find an identifier in any spelling: parse it to its canonical key, then look it up."""
    text = (text or "").strip()
    region = getattr(getattr(user, "agency", None), "country", None)
    found = identifiers.parse_any(text, region) if text else None
    if not isinstance(found, identifiers.Identifier):
        code = text.upper()
        by_code = figures.for_reader(user, Campaign.objects.filter(code=code)) if code else []
        reason = getattr(found, "reason", "") if found is not None else ""
        return SearchResult(text, None, reason, [], by_code)
    keys = [found.key]
    if found.kind == "url" and found.details.get("domain"):
        keys.append(f"domain:{found.details['domain']}")
    complaints = list(
        Complaint.objects.filter(sightings__key__in=keys)
        .filter(visible_q(user, "complaint"))
        .distinct()
        .select_related("agency", "campaign_member__campaign")
        .order_by("-received_at")[:limit]
    )
    campaign_ids = {
        c.campaign_member.campaign_id for c in complaints if hasattr(c, "campaign_member")
    }
    campaigns = figures.for_reader(user, Campaign.objects.filter(pk__in=campaign_ids))
    hub = Hub.objects.filter(key=found.key).values_list("detail", flat=True).first() or ""
    others = _other_readings(user, text, found.key)
    return SearchResult(text, found.key, "", complaints, campaigns, hub, others)


def _other_readings(user: User, text: str, key: str) -> list[tuple[str, int]]:
    """The number's readings in the other country, with the complaints that name each."""
    out = []
    for reading in identifiers.phone_readings(text):
        if reading.key != key:
            named = Complaint.objects.filter(sightings__key=reading.key)
            out.append((reading.key, named.filter(visible_q(user, "complaint")).distinct().count()))
    return out
