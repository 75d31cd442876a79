"""Money API: banks submit trails and answer hold requests; agencies trace and query the registry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from tracebridge.agencies import audit
from tracebridge.api_support import ApiError, Page, Paging, answers, page_of, require_role
from tracebridge.errors import Invalid, NotFound
from tracebridge.money import holds, registry, services
from tracebridge.money.models import HoldRequest, MuleEntry

router = Router(tags=["money"])
AMOUNT = "A decimal string in the currency given"


class ImportReportOut(Schema):
    batch: str
    source: str
    rows: int
    stored: int
    duplicates: int
    out_of_order: int
    rejected: int
    rejected_by_reason: dict[str, int]
    problems: list[dict[str, Any]] = Field(description="The first 200, each with line, reason")
    new_accounts: int


class TrailBatchOut(Schema):
    batch: str
    agency: str
    source: str
    created_at: str = Field(description="ISO 8601")
    rows: int
    stored: int
    duplicates: int
    rejected: int


class LayerOut(Schema):
    layer: int
    accounts: int
    received: str = Field(description=AMOUNT)
    holdable: str = Field(description=AMOUNT)
    cashed_out: str = Field(description=AMOUNT)


class TrailOut(Schema):
    """A payment followed forward, layer by layer (docs/money.md)."""

    complaint: str | None
    matched_by: str
    currency: str
    paid: str = Field(description=AMOUNT)
    holdable: str = Field(description=AMOUNT)
    cashed_out: str = Field(description=AMOUNT)
    truncated: bool
    notes: dict[str, int]
    layers: list[LayerOut]
    accounts: list[dict[str, Any]] = Field(description="Each account the money reached")
    hops: list[dict[str, Any]] = Field(description="Each transfer followed")


class HoldOut(Schema):
    reference: str
    complaint: str | None
    requested_by: str
    account: str
    account_key: str
    bank: str
    bank_agency: str | None
    layer: int
    amount: str = Field(description=AMOUNT)
    currency: str
    status: str
    amount_held: str | None
    respond_by: str = Field(description="ISO 8601")
    recall_by: str | None
    overdue: bool
    tlp: str


class HoldEventOut(Schema):
    at: str
    status: str
    amount: str | None
    agency: str | None
    note: str


class HoldDetailOut(HoldOut):
    transactions: list[dict[str, Any]]
    events: list[HoldEventOut]


class HoldsCreatedOut(Schema):
    complaint: str
    items: list[HoldOut]


class MuleEntryOut(Schema):
    account: str
    key: str
    level: str
    score: int
    reasons: list[Any]
    victims: int
    source: str
    reported_by: str
    seen_at: str
    last_activity: str | None
    tlp: str


class RegistryLookupOut(Schema):
    query: str
    found: int
    items: list[MuleEntryOut]


@router.post(
    "/money/trails",
    response=answers(ImportReportOut, 413),
    summary="Submit a transaction trail (CSV or Parquet file)",
)
def submit_trail(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    user = require_role(request, "analyst")
    if file.size and file.size > services.MAX_UPLOAD:
        raise ApiError(413, "too_large", "A trail file may be at most 512 MB; split it.")
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise Invalid("Send a .csv or .parquet file.", [{"field": "file"}])
    _, report = services.import_upload(file.chunks(), file.name or "", user.member_agency, user)
    return report.as_dict()


@router.get(
    "/money/trails", response=Page[TrailBatchOut], summary="Trail imports the caller may see"
)
def list_trails(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    user = require_role(request, "analyst")
    return page_of(services.batches_for(user), _batch_row, paging.limit, paging.offset)


def _batch_row(batch: Any) -> dict[str, Any]:
    return {
        "batch": batch.batch,
        "agency": batch.agency.code,
        "source": batch.source,
        "created_at": batch.created_at.isoformat(),
        **{k: getattr(batch, k) for k in ("rows", "stored", "duplicates", "rejected")},
    }


class TraceQuery(Schema):
    complaint: str = ""
    txn: str = ""


@router.get(
    "/money/trace",
    response=answers(TrailOut, 404),
    summary="Trace a complaint's payment (or a transaction) forward",
)
def trace(request: HttpRequest, query: Query[TraceQuery]) -> dict[str, Any]:
    user = require_role(request, "analyst")
    if bool(query.complaint) == bool(query.txn):
        raise Invalid("Give exactly one of complaint or txn.")
    if query.complaint:
        complaint = services.find_complaint(user, query.complaint)
        result = services.trace_complaint(complaint)
        audit.record("money.trace", request=request, obj=complaint)
        return services.trail_dict(result)
    trail = services.trace_txn(query.txn)
    audit.record("money.trace", request=request, object_type="transaction", object_id=query.txn)
    return services.trail_dict(trail)


class HoldCreate(Schema):
    complaint: str


@router.post(
    "/money/holds",
    response=answers(HoldsCreatedOut, 404),
    summary="Request holds for every account of a complaint's trail",
)
def create_holds(request: HttpRequest, body: HoldCreate) -> dict[str, Any]:
    user = require_role(request, "analyst")
    complaint = services.find_complaint(user, body.complaint)
    created = holds.create_holds(complaint, user)
    return {"complaint": complaint.reference, "items": [hold_row(h) for h in created]}


class HoldFilters(Paging):
    status: str = ""


@router.get(
    "/money/holds",
    response=Page[HoldOut],
    summary="Hold requests sent by, or addressed to, the caller's agency",
)
def list_holds(request: HttpRequest, filters: Query[HoldFilters]) -> dict[str, Any]:
    user = require_role(request, "viewer")
    queryset = holds.holds_for(user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    audit.record("money.holds.read", request=request, object_type="holdrequest")
    return page_of(queryset, hold_row, filters.limit, filters.offset)


@router.get(
    "/money/holds/{reference}",
    response=answers(HoldDetailOut, 404),
    summary="One hold request with its history",
)
def get_hold(request: HttpRequest, reference: str) -> dict[str, Any]:
    hold = _hold(request, reference)
    return {**hold_row(hold), "transactions": hold.transactions, "events": _events(hold)}


class HoldAnswer(Schema):
    status: str
    amount_held: Decimal | None = None
    note: str = ""


@router.post(
    "/money/holds/{reference}/answer",
    response=answers(HoldOut, 404, 409),
    summary="A bank's answer to a hold request",
)
def answer_hold(request: HttpRequest, reference: str, body: HoldAnswer) -> dict[str, Any]:
    user = require_role(request, "viewer")
    hold = _hold(request, reference)
    holds.answer(hold, user, body.status, body.amount_held, body.note)
    return hold_row(hold)


def _hold(request: HttpRequest, reference: str) -> HoldRequest:
    user = require_role(request, "viewer")
    hold = holds.holds_for(user).filter(reference=reference).first()
    if hold is None:
        audit.record("holdrequest.read", request=request, object_type="holdrequest",
                     object_id=reference, outcome="denied")  # fmt: skip
        raise NotFound("No such hold request addressed to or sent by you.")
    audit.record("holdrequest.read", request=request, obj=hold)
    return hold


def hold_row(hold: HoldRequest) -> dict[str, Any]:
    return {
        "reference": hold.reference,
        "complaint": hold.complaint.reference if hold.complaint else None,
        "requested_by": hold.agency.code,
        "account": hold.account,
        "account_key": hold.account_key,
        "bank": hold.bank,
        "bank_agency": hold.bank_agency.code if hold.bank_agency else None,
        "layer": hold.layer,
        "amount": str(hold.amount),
        "currency": hold.currency,
        "status": hold.status,
        "amount_held": str(hold.amount_held) if hold.amount_held is not None else None,
        "respond_by": hold.respond_by.isoformat(),
        "recall_by": hold.recall_by.isoformat() if hold.recall_by else None,
        "overdue": hold.overdue,
        "tlp": hold.tlp,
    }


def _events(hold: HoldRequest) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.isoformat(),
            "status": e.status,
            "amount": str(e.amount) if e.amount is not None else None,
            "agency": e.agency.code if e.agency else None,
            "note": e.note,
        }
        for e in hold.events.select_related("agency")
    ]


class RegistryQuery(Schema):
    q: str


@router.get(
    "/money/registry",
    response=RegistryLookupOut,
    summary="Look up an account, UPI ID, phone or wallet",
)
def registry_lookup(request: HttpRequest, query: Query[RegistryQuery]) -> dict[str, Any]:
    user = require_role(request, "viewer")
    if not query.q.strip():
        raise Invalid("q must not be empty", [{"field": "q"}])
    entries = registry.lookup(user, query.q)
    audit.record("money.registry.lookup", request=request, query=query.q[:100],
                 found=len(entries))  # fmt: skip
    return {"query": query.q, "found": len(entries), "items": [entry_row(e) for e in entries]}


class SuspectReport(Schema):
    account: str
    level: str
    reason: str
    tlp: str = "GREEN"


@router.post(
    "/money/registry", response=MuleEntryOut, summary="Report a suspect account to the registry"
)
def registry_report(request: HttpRequest, body: SuspectReport) -> dict[str, Any]:
    user = require_role(request, "analyst")
    if body.tlp not in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"):
        raise Invalid("tlp must be a TLP 2.0 marking", [{"field": "tlp"}])
    entry = registry.report(user, body.account, body.level, body.reason, body.tlp)
    return entry_row(entry)


def entry_row(entry: MuleEntry) -> dict[str, Any]:
    return {
        "account": entry.account,
        "key": entry.key,
        "level": entry.current_level(),
        "score": entry.current_score(),
        "reasons": entry.reasons,
        "victims": entry.victims,
        "source": entry.source,
        "reported_by": entry.agency.code,
        "seen_at": entry.seen_at.isoformat(),
        "last_activity": entry.last_activity.isoformat() if entry.last_activity else None,
        "tlp": entry.tlp,
    }
