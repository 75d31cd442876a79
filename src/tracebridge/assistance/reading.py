"""What a reader sees of requests: who may see one, the clocks, the queue, the JSON view."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tracebridge.agencies.models import Agency, User
from tracebridge.assistance import rules
from tracebridge.assistance.delivery import delivery_view
from tracebridge.assistance.models import PackageTransfer, Request

OPEN_ENDS = (*rules.TERMINAL, "refused", "returned", "verified")
EMERGENCY_HOURS = rules.DUE["emergency"] // dt.timedelta(hours=1)


def is_central_authority(user: User) -> bool:
    """A user of its country's central authority (``Agency.central_authority``)."""
    return bool(getattr(user, "agency_id", None) and user.member_agency.central_authority)


def sides(user: User) -> dict[str, Q]:
    """What the reader's agency receives (incoming) and asks (outgoing). A central authority's
    is its country's: every request an agency of its country on this node received from
    elsewhere, or made; an agency's is its own."""
    return agency_sides(user.member_agency)


def agency_sides(agency: Agency) -> dict[str, Q]:
    """``sides`` of an agency's users."""
    if agency.central_authority:
        asked = Q(requester__country=agency.country)
        return {"incoming": Q(recipient__country=agency.country) & ~asked, "outgoing": asked}
    return {"incoming": Q(recipient_id=agency.pk), "outgoing": Q(requester_id=agency.pk)}


def side_of(user: User, request: Request) -> str:
    """``incoming`` when the reader's agency (or country) received ``request``, else
    ``outgoing``."""
    received = Request.objects.filter(sides(user)["incoming"], pk=request.pk)
    return "incoming" if received.exists() else "outgoing"


def visible_requests(user: User) -> QuerySet[Request]:
    """Requests of the reader's agency (of its country's agencies for a central authority),
    as requester or as recipient."""
    if not getattr(user, "agency_id", None):
        return Request.objects.none()
    mine = sides(user)
    return Request.objects.filter(mine["incoming"] | mine["outgoing"]).select_related("partner")


def clocks(request: Request, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    is_open = request.status not in OPEN_ENDS
    preserved_until = request.preserved_until if request.status == "preserved" else None
    return {
        "due_at": request.due_at.isoformat(),
        "overdue": is_open and request.due_at < now,
        "emergency_hours": EMERGENCY_HOURS if request.kind == "emergency" else None,
        "preserved_until": request.preserved_until.isoformat() if request.preserved_until else None,
        "preservation_expiring": preserved_until is not None
        and rules.is_expiring(preserved_until, now),
        "preservation_lapsed": preserved_until is not None and preserved_until < now,
        "requested_on": request.requested_on.isoformat() if request.requested_on else None,
        "acted_on": request.acted_on.isoformat() if request.acted_on else None,
    }


def row(request: Request, now: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "kind": request.kind,
        "status": request.status,
        "from": request.from_code,
        "to": request.to_code,
        "partner": request.partner.name if request.partner else None,
        "case": request.case_reference,
        "refusal_reason": request.refusal_reason or None,
        "clocks": clocks(request, now),
    }


def detail(request: Request) -> dict[str, Any]:
    stored = list(request.messages.order_by("seq"))
    delivery = delivery_view(stored)
    messages = [
        {
            "id": m.message_id,
            "seq": m.seq,
            "action": m.action,
            "by": m.by,
            "signer": m.signer_name,
            "signer_key": m.signer_key,
            "signature": m.signature,
            "ledger_index": m.ledger_index,
            "at": _at(m.body),
            **delivery[m.pk],
        }
        for m in stored
    ]
    return {
        **row(request),
        "links": request.links,
        "fields": request.fields,
        "messages": messages,
        "packages": [package_view(t) for t in request.transfers.order_by("created_at")],
    }


def package_view(transfer: PackageTransfer) -> dict[str, Any]:
    """An evidence package sent or received for the request, and how its transfer stands."""
    return {
        "direction": "sent" if transfer.direction == PackageTransfer.OUT else "received",
        "package": transfer.package_sha256,
        "size": transfer.size,
        "state": transfer.state,
        "reason": transfer.reason,
        "items": transfer.items,
        "conditions": transfer.conditions,
    }


def _at(body: str) -> str:
    return str(json.loads(body).get("at", ""))


def queue(user: User) -> dict[str, list[Request]]:
    """Incoming and outgoing requests of the reader's agency (of its country for a central
    authority), most urgent first."""
    if not getattr(user, "agency_id", None):
        return {"incoming": [], "outgoing": []}
    rows = Request.objects.select_related("partner").order_by("due_at")
    return {side: list(rows.filter(q)) for side, q in sides(user).items()}
