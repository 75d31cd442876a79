"""Agency API: who am I, and the audit log for agency admins."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tracebridge.agencies.selectors import audit_events
from tracebridge.agencies.views import event_row
from tracebridge.api_support import Page, Paging, auth_user, page_of, require_role

router = Router(tags=["agencies"])


class MeOut(Schema):
    username: str
    agency: str | None
    country: str | None
    role: str


@router.get("/me", response=MeOut, summary="The signed-in user, their agency and role")
def me(request: HttpRequest) -> dict[str, Any]:
    user = auth_user(request)
    return {
        "username": user.username,
        "agency": user.agency.code if user.agency else None,
        "country": user.agency.country if user.agency else None,
        "role": user.role,
    }


class AuditFilters(Paging):
    action: str = ""
    username: str = ""
    object_type: str = ""
    outcome: str = ""
    since: str = ""
    until: str = ""


class AuditEventOut(Schema):
    id: int
    at: str = Field(description="ISO 8601")
    username: str
    agency: str | None
    action: str
    object_type: str
    object_id: str
    client_address: str | None
    outcome: str
    detail: dict[str, Any]


@router.get(
    "/audit",
    response=Page[AuditEventOut],
    summary="Audit events of the caller's agency (agency admins)",
)
def audit_list(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, Any]:
    user = require_role(request, "agency_admin")
    params = filters.dict(exclude={"limit", "offset"})
    events = audit_events(user, **params)
    return page_of(events, event_row, filters.limit, filters.offset)
