"""Requests API: list, show, create, and each kind's fields as JSON Schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from tracebridge.agencies import audit
from tracebridge.api_support import Paging, page_of, require_role
from tracebridge.assistance import reading, rules, services
from tracebridge.errors import NotFound

router = Router(tags=["assistance"])


class RequestIn(Schema):
    to: str
    kind: str
    case: str
    fields: dict[str, Any]
    campaign: str = ""
    complaints: list[str] = []


@router.get("/requests", summary="Formal requests of the caller's agency (sent or received)")
def list_requests(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    user = require_role(request, "viewer")
    audit.record("api.request.list", user=user, object_type="request")
    rows = reading.visible_requests(user).order_by("due_at")
    return page_of(rows, reading.row, paging.limit, paging.offset)


@router.get("/requests/{reference}", summary="A request: fields, status, clocks, signed messages")
def show_request(request: HttpRequest, reference: str) -> dict[str, Any]:
    user = require_role(request, "viewer")
    found = reading.visible_requests(user).filter(reference=reference).first()
    outcome = "ok" if found else "denied"
    audit.record(
        "api.request.read", user=user, object_type="request", object_id=reference, outcome=outcome
    )
    if found is None:
        raise NotFound(f"No request {reference} that you may see.")
    return reading.detail(found)


@router.post("/requests", summary="Create a request (submitted for a supervisor's review)")
def create_request(request: HttpRequest, body: RequestIn) -> dict[str, Any]:
    user = require_role(request, "analyst")
    links = {"campaign": body.campaign, "complaints": body.complaints}
    created = services.create(user.agency, body.to, body.kind, body.case, body.fields, user, links)
    return reading.detail(created)


@router.get("/request-kinds/{kind}/fields", summary="A kind's fields as JSON Schema")
def kind_fields(request: HttpRequest, kind: str) -> dict[str, Any]:
    user = require_role(request, "viewer")
    audit.record("api.request.fields", user=user, object_type="request", kind=kind)
    if kind not in rules.KINDS:
        raise NotFound(f"No kind {kind!r}: one of {', '.join(rules.KINDS)}.")
    return rules.schema(kind)
