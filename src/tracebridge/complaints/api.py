"""Complaints API: submit canonical complaints (one or a batch), list them with filters, read one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import TypeAdapter, ValidationError

from tracebridge.agencies import audit
from tracebridge.agencies.permissions import get_visible_or_404
from tracebridge.api_support import ApiError, Page, Paging, answers, page_of, require_role
from tracebridge.complaints.bulk import paused_gc
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.redaction import reader
from tracebridge.complaints.schema import CanonicalComplaint, error_details
from tracebridge.complaints.selectors import (
    Filters,
    complaint_row,
    complaints_for,
    sighting_rows,
)
from tracebridge.complaints.services import ComplaintIngestResult, ingest
from tracebridge.errors import Invalid

router = Router(tags=["complaints"])
MAX_BATCH = 10_000
_ONE = TypeAdapter(CanonicalComplaint)
_MANY = TypeAdapter(list[CanonicalComplaint])
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "One canonical complaint (docs/complaints.md), or a JSON array of up to "
        f"{MAX_BATCH}. A batch is all or nothing: one bad record rejects the whole batch with "
        "422, and details name each record (by index) and field.",
        "content": {"application/json": {"schema": {"type": ["object", "array"]}}},
    }
}


class LossOut(Schema):
    amount: str = Field(description="A decimal string")
    currency: str
    payment_method: str | None


class ComplaintOut(Schema):
    """A complaint as the caller may read it: victim fields another agency's agreement does not
    name are removed (docs/complaints.md)."""

    id: int
    reference: str = Field(description="SOURCE:REF")
    source: str
    ref: str
    agency: str
    country: str
    received_at: str = Field(description="ISO 8601")
    incident_at: str | None
    channel: str
    scam_type: str
    narrative: str
    loss: LossOut | None
    suspect: dict[str, Any]
    transactions: list[dict[str, Any]]
    ncrp_ack: str | None
    tlp: str
    pap: str | None
    victim: dict[str, Any]


class SightingOut(Schema):
    key: str
    kind: str
    field: str
    start: int | None
    end: int | None


class ComplaintDetailOut(ComplaintOut):
    sightings: list[SightingOut]


class ConflictOut(Schema):
    index: int
    ref: str
    reason: str


class IngestOut(Schema):
    created: int
    updated: int
    unchanged: int
    duplicates: int
    sightings: int
    conflicts: list[ConflictOut]
    ids: list[int]


def _records(body: bytes) -> list[CanonicalComplaint]:
    text = body.lstrip()
    if not text:
        raise Invalid("The request body is empty; send a complaint or an array.")
    try:
        records = _MANY.validate_json(text) if text.startswith(b"[") else [_ONE.validate_json(text)]
    except ValidationError as exc:
        details = error_details(exc)[:200]
        raise Invalid("Some complaints are not valid; see details.", details) from None
    if len(records) > MAX_BATCH:
        raise ApiError(413, "too_large", f"A batch holds at most {MAX_BATCH} complaints.")
    return records


def _result(result: ComplaintIngestResult) -> dict[str, Any]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "duplicates": result.duplicates,
        "sightings": result.sightings,
        "conflicts": [
            {"index": c.index, "ref": c.ref, "reason": c.reason} for c in result.conflicts
        ],
        "ids": result.complaint_ids,
    }


@router.post(
    "/complaints",
    summary="Submit complaints (one, or a batch of up to 10,000) owned by the caller's agency",
    openapi_extra=_BODY_DOC,
    response={200: IngestOut, **answers(IngestOut, 413, status=201)},
)
def submit(request: HttpRequest) -> Any:
    user = require_role(request, "analyst")
    with paused_gc():
        result = ingest(_records(request.body), user.member_agency, user=user)
    return Status(201 if result.created else 200, _result(result))


class ListParams(Paging):
    since: str = ""
    until: str = ""
    country: str = ""
    scam_type: str = ""
    identifier: str = ""
    campaign: str = ""
    source: str = ""
    ncrp_ack: str = ""


@router.get(
    "/complaints",
    response=Page[ComplaintOut],
    summary="Complaints the caller may see, filtered, with the total",
)
def list_complaints(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    user = require_role(request, "viewer")
    filters = Filters.from_mapping(params.dict())
    queryset = complaints_for(user, filters)
    read = reader(user)
    page = page_of(queryset, lambda c: complaint_row(c, read), params.limit, params.offset)
    audit.record(
        "complaint.list",
        request=request,
        object_type="complaint",
        filters=filters.active(),
        returned=len(page["items"]),
    )
    return page


@router.get(
    "/complaints/{complaint_id}",
    response=answers(ComplaintDetailOut, 404),
    summary="One complaint with its sightings",
)
def read_complaint(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    user = require_role(request, "viewer")
    complaint = get_visible_or_404(
        request, Complaint.objects.select_related("agency"), pk=complaint_id
    )
    return {**complaint_row(complaint, reader(user)), "sightings": sighting_rows(complaint)}
