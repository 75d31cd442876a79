"""Campaign API: campaigns, their graph and link explanations, search, follows, alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tracebridge.agencies import audit
from tracebridge.api_support import (
    Page,
    ShortPaging,
    answers,
    auth_user,
    page_of,
    require_role,
)
from tracebridge.campaigns import selectors, soft_review, workspace
from tracebridge.campaigns.figures import Figures
from tracebridge.campaigns.models import Campaign, Follow, SavedSearch
from tracebridge.complaints.models import Complaint
from tracebridge.errors import Invalid, NotFound

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    """A campaign over the complaints the caller may see (``campaign_row``)."""

    code: str
    priority: float
    size: int = Field(description="Complaints the caller may see")
    scam_type: str
    countries: list[str]
    cross_border: bool
    first_seen: str | None = Field(description="ISO 8601")
    last_seen: str | None = Field(description="ISO 8601")


class MemberOut(Schema):
    complaint: str = Field(description="SOURCE:REF")
    country: str
    via: list[str] = Field(description="The identifiers that link it")


class CampaignIdentifierOut(Schema):
    key: str
    complaints: int
    first_seen: str
    last_seen: str
    hub: str | None


class CampaignDetailOut(CampaignOut):
    summary: dict[str, Any]
    members: list[MemberOut]
    identifiers: list[CampaignIdentifierOut]


class GraphNodeOut(Schema):
    id: str
    type: str = Field(description="complaint or identifier")
    label: str
    country: str | None = Field(None, description="complaints only")
    kind: str | None = Field(None, description="identifiers only: phone, upi...")
    hub: bool | None = Field(None, description="identifiers only")


class GraphEdgeOut(Schema):
    source: str
    target: str


class GraphOut(Schema):
    campaign: str
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]
    truncated: bool


class ExplainOut(Schema):
    path: list[str] = Field(description="complaint, identifier, complaint...")
    identifiers: list[str]


class SearchComplaintOut(Schema):
    complaint: str
    country: str
    received_at: datetime


class SearchOut(Schema):
    key: str | None
    hub: str | None
    campaigns: list[CampaignOut]
    complaints: list[SearchComplaintOut]


class FollowOut(Schema):
    id: int
    kind: str
    target: str
    created_at: datetime


class AlertOut(Schema):
    id: int
    follow: str | None
    complaint: str
    campaign: str | None
    created_at: datetime


class ReadOut(Schema):
    read: int


class SavedOut(Schema):
    id: int
    name: str
    query: str


def campaign_row(c: Figures) -> dict[str, Any]:
    """A campaign as the caller may see it (figures over the members they may see)."""
    return {
        "code": c.code,
        "priority": c.priority,
        "size": c.size,
        "scam_type": c.scam_type,
        "countries": c.countries,
        "cross_border": c.cross_border,
        "first_seen": c.first_seen.isoformat() if c.first_seen else None,
        "last_seen": c.last_seen.isoformat() if c.last_seen else None,
    }


def _campaign(request: HttpRequest, code: str) -> Campaign:
    campaign = selectors.read_campaign(request, require_role(request, "viewer"), code)
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


class ListFilters(ShortPaging):
    cross_border: bool | None = None
    scam_type: str = ""


@router.get(
    "/campaigns", response=Page[CampaignOut], summary="Campaigns the caller may see, by priority"
)
def list_campaigns(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    user = require_role(request, "viewer")
    campaigns = selectors.campaign_list(
        user, cross_border=filters.cross_border, scam_type=filters.scam_type
    )
    audit.record("campaign.list", request=request, object_type="campaign", view="api")
    return page_of(campaigns, campaign_row, filters.limit, filters.offset)


@router.get(
    "/campaigns/{code}",
    response=answers(CampaignDetailOut, 404),
    summary="One campaign over the complaints the caller may see",
)
def get_campaign(request: HttpRequest, code: str) -> dict[str, Any]:
    campaign = _campaign(request, code)
    user = auth_user(request)
    members = selectors.visible_members(user, campaign)
    seen = selectors.campaign_figures(user, campaign)
    return {
        **campaign_row(seen),
        "summary": seen.summary,
        "members": [
            {"complaint": m.complaint.reference, "country": m.complaint.country, "via": m.via}
            for m in members[:1000]
        ],
        "identifiers": [
            {
                "key": i.key,
                "complaints": i.complaints,
                "first_seen": i.first_seen.isoformat(),
                "last_seen": i.last_seen.isoformat(),
                "hub": i.hub or None,
            }
            for i in selectors.campaign_identifiers(user, campaign)
        ],
    }


@router.get(
    "/campaigns/{code}/graph",
    response=answers(GraphOut, 404),
    exclude_unset=True,
    summary="Nodes and edges for drawing the campaign",
)
def campaign_graph(request: HttpRequest, code: str) -> dict[str, Any]:
    campaign = _campaign(request, code)
    return selectors.graph(auth_user(request), campaign)


def _complaint_id(reference: str) -> int:
    """The pk of SOURCE:REF, or -1; visibility is checked by selectors.explain."""
    source, _, ref = reference.partition(":")
    found = Complaint.objects.filter(source=source, ref=ref).values_list("pk", flat=True).first()
    return -1 if found is None else int(found)


@router.get(
    "/campaigns/{code}/explain",
    response=answers(ExplainOut, 404),
    summary="Which identifiers join two complaints",
)
def explain(request: HttpRequest, code: str, a: str, b: str) -> dict[str, Any]:
    campaign = _campaign(request, code)
    user = auth_user(request)
    path = selectors.explain(user, campaign, _complaint_id(a), _complaint_id(b))
    if path is None:
        raise NotFound("These complaints are not linked in this campaign.")
    refs = dict(
        (f"c{pk}", f"{s}:{r}")
        for pk, s, r in Complaint.objects.filter(
            pk__in=[int(p[1:]) for p in path if p.startswith("c") and p[1:].isdigit()]
        ).values_list("pk", "source", "ref")
    )
    return {"path": [refs.get(step, step) for step in path], "identifiers": path[1::2]}


class SoftLinkOut(Schema):
    id: int
    kind: str = Field(description="What joined the two groups: money")
    confidence: float
    reason: str
    earlier: str = Field(description="SOURCE:REF of a complaint of the earlier group")
    later: str = Field(description="SOURCE:REF of a complaint of the later group")
    via: list[str] = Field(description="The downstream accounts both groups' money reaches")
    confirmed: bool


class DecisionIn(Schema):
    decision: str = Field(description="confirm or split")


class DecisionOut(Schema):
    decision: str
    campaign: str = Field(description="The later complaint's campaign afterwards")


def _soft_row(link: Any) -> dict[str, Any]:
    return {
        "id": link.pk,
        "kind": link.kind,
        "confidence": link.confidence,
        "reason": link.reason,
        "earlier": link.earlier.reference,
        "later": link.later.reference,
        "via": link.via,
        "confirmed": link.confirmed,
    }


@router.get(
    "/campaigns/{code}/soft-links",
    response=answers(list[SoftLinkOut], 404),
    summary="Joins on other evidence than identifiers (money), with kind and confidence",
)
def list_soft_links(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    user = require_role(request, "analyst")
    campaign = _campaign(request, code)
    return [_soft_row(link) for link in soft_review.visible_soft_links(user, campaign)]


@router.post(
    "/campaigns/{code}/soft-links/{link_id}",
    response=answers(DecisionOut, 404, 422),
    summary="Confirm a soft link, or split it (kept across rebuilds)",
)
def decide_soft_link(
    request: HttpRequest, code: str, link_id: int, payload: DecisionIn
) -> dict[str, str]:
    user = require_role(request, "analyst")
    campaign = _campaign(request, code)
    after = soft_review.decide(request, user, campaign, link_id, payload.decision)
    return {"decision": payload.decision, "campaign": after}


@router.get(
    "/search", response=SearchOut, summary="Find an identifier in any spelling, or a campaign code"
)
def search(request: HttpRequest, q: str) -> dict[str, Any]:
    user = require_role(request, "viewer")
    result = selectors.search(user, q)
    audit.record("identifier.search", request=request, query=q, key=result.key or "")
    if result.key is None and not result.campaigns:
        raise Invalid(result.reason or "Not an identifier.", [{"field": "q", "message": q}])
    return {
        "key": result.key,
        "hub": result.hub or None,
        "campaigns": [campaign_row(c) for c in result.campaigns],
        "complaints": [
            {"complaint": c.reference, "country": c.country, "received_at": c.received_at}
            for c in result.complaints
        ],
    }


class FollowIn(Schema):
    kind: str
    target: str


def _follow_row(f: Follow) -> dict[str, Any]:
    return {"id": f.pk, "kind": f.target_kind, "target": f.target, "created_at": f.created_at}


@router.get("/follows", response=list[FollowOut], summary="What the caller follows")
def list_follows(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_role(request, "viewer")
    return [_follow_row(f) for f in Follow.objects.filter(user=user)]


@router.post(
    "/follows",
    summary="Follow an identifier (any spelling) or a campaign",
    response=answers(FollowOut, status=201),
)
def create_follow(request: HttpRequest, payload: FollowIn) -> Status:
    user = require_role(request, "viewer")
    item = workspace.follow(user, payload.kind, payload.target)
    audit.record("follow.create", request=request, object_type="follow", target=item.target)
    return Status(201, _follow_row(item))


@router.delete(
    "/follows/{follow_id}", summary="Stop following", response=answers(None, 404, status=204)
)
def delete_follow(request: HttpRequest, follow_id: int) -> Status:
    user = require_role(request, "viewer")
    if not workspace.unfollow(user, follow_id):
        raise NotFound("No such follow.")
    return Status(204, None)


@router.get("/alerts", response=list[AlertOut], summary="The caller's unread alerts")
def list_alerts(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_role(request, "viewer")
    return [
        {
            "id": a.pk,
            "follow": a.follow.target if a.follow else None,
            "complaint": a.complaint.reference,
            "campaign": a.campaign.code if a.campaign else None,
            "created_at": a.created_at,
        }
        for a in workspace.unread_alerts(user)[:500]
    ]


@router.post("/alerts/read", response=ReadOut, summary="Mark every unread alert as read")
def read_alerts(request: HttpRequest) -> dict[str, int]:
    user = require_role(request, "viewer")
    return {"read": workspace.mark_read(user)}


class SavedIn(Schema):
    name: str
    query: str


@router.get("/saved-searches", response=list[SavedOut], summary="The caller's saved searches")
def list_saved(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_role(request, "viewer")
    return [
        {"id": s.pk, "name": s.name, "query": s.query}
        for s in SavedSearch.objects.filter(user=user)
    ]


@router.post("/saved-searches", summary="Save a search", response=answers(SavedOut, status=201))
def create_saved(request: HttpRequest, payload: SavedIn) -> Status:
    user = require_role(request, "viewer")
    saved = workspace.save_search(user, payload.name, payload.query)
    return Status(201, {"id": saved.pk, "name": saved.name, "query": saved.query})


@router.delete(
    "/saved-searches/{search_id}",
    summary="Delete a saved search",
    response=answers(None, 404, status=204),
)
def delete_saved(request: HttpRequest, search_id: int) -> Status:
    user = require_role(request, "viewer")
    if not workspace.delete_search(user, search_id):
        raise NotFound("No such saved search.")
    return Status(204, None)
