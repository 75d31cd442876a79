"""Telecom API: carriers upload CDRs and answer traceback hops; analysts read campaigns."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from tracebridge.agencies import audit
from tracebridge.agencies.markings import TLP
from tracebridge.agencies.permissions import get_visible_or_404, visible
from tracebridge.api_support import (
    ApiError,
    Page,
    ShortPaging,
    answers,
    auth_user,
    page_of,
    require_role,
)
from tracebridge.errors import Invalid, NotFound
from tracebridge.telecom import services, shaken
from tracebridge.telecom.models import (
    CdrBatch,
    HopStatus,
    RobocallCampaign,
    TracebackHop,
    TracebackRequest,
)

router = Router(tags=["telecom"])
MAX_UPLOAD = 512 * 1024 * 1024
TLPS = {t.value for t in TLP}


def _tlp(value: str) -> str:
    if value not in TLPS:
        raise Invalid("unknown TLP marking", [{"field": "tlp", "message": value}])
    return value


class CdrBatchOut(Schema):
    id: int
    agency: str
    filename: str
    sha256: str
    rows: int
    accepted: int
    rejected: int
    stats: dict[str, Any]
    tlp: str
    created_at: str = Field(description="ISO 8601")


class NumberOut(Schema):
    key: str
    calls: int


class RobocallOut(Schema):
    campaign_id: str
    agency: str
    key_kind: str
    key: str
    calls: int
    unique_called: int
    answer_rate: float
    median_duration_s: float
    first_seen: str
    last_seen: str
    score: int
    reasons: list[str]
    tlp: str


class RobocallDetailOut(RobocallOut):
    numbers: list[NumberOut]
    sample_calls: list[Any]


class PathHopOut(Schema):
    position: int
    carrier: str
    status: str
    overdue: bool
    asked_at: str
    due_at: str
    answered_at: str | None
    upstream: str | None
    originated_here: bool
    customer: str
    attestation: str
    origid: str
    note: str


class TracebackOut(Schema):
    reference: str
    call_id: str
    calling_number: str
    called_number: str
    start_time: str = Field(description="ISO 8601")
    status: str
    outcome: str
    campaign_id: str | None
    created_at: str
    path: list[PathHopOut]


class HopOut(Schema):
    """What the asked carrier needs to find the call in its records (``hop_row``)."""

    reference: str
    position: int
    carrier: str
    calling_number: str
    called_number: str
    start_time: str
    status: str
    due_at: str
    overdue: bool


class HopAnsweredOut(HopOut):
    upstream: str | None


class VerifyOut(Schema):
    """``tracebridge shaken verify``'s report: the checks passed, and the failed step."""

    valid: bool
    attest: Any
    orig: Any
    dest: Any
    origid: Any
    iat: Any
    x5u: str | None = Field(None, description="when valid")
    checks: list[str]
    warnings: list[str]
    error: dict[str, Any] | None = Field(None, description="when not valid: step, expected, found")


def batch_row(batch: CdrBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "agency": batch.agency.code,
        "filename": batch.filename,
        "sha256": batch.sha256,
        "rows": batch.rows,
        "accepted": batch.accepted,
        "rejected": batch.rejected,
        "stats": batch.stats,
        "tlp": batch.tlp,
        "created_at": batch.created_at.isoformat(),
    }


@router.post("/cdrs", response=answers(CdrBatchOut, 413))
def upload_cdrs(request: HttpRequest, file: File[UploadedFile], tlp: Form[str] = "AMBER") -> Any:
    """A carrier (or agency) uploads one Parquet or CSV file of call detail records."""
    user = require_role(request, "analyst")
    if file.size and file.size > MAX_UPLOAD:
        raise ApiError(413, "too_large", f"files up to {MAX_UPLOAD // 2**20} MiB")
    suffix = Path(file.name or "upload.csv").suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise Invalid("upload a .csv or .parquet file", [{"field": "file"}])
    marking = _tlp(tlp)  # refused before the file is written to disk
    with tempfile.TemporaryDirectory(dir=settings.HOME) as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with open(path, "wb") as fh:
            for chunk in file.chunks():
                fh.write(chunk)
        batch = services.import_cdrs(path, user, user.member_agency, file.name or "", marking)
    return batch_row(batch)


@router.get("/cdrs", response=Page[CdrBatchOut])
def list_cdrs(request: HttpRequest, paging: Query[ShortPaging]) -> Any:
    user = require_role(request, "viewer")
    rows = visible(user, CdrBatch.objects.select_related("agency"))
    audit.record("cdrbatch.list", request=request, object_type="cdrbatch", view="api")
    return page_of(rows, batch_row, paging.limit, paging.offset)


def campaign_row(c: RobocallCampaign, detail: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "campaign_id": c.campaign_id,
        "agency": c.agency.code,
        "key_kind": c.key_kind,
        "key": c.key,
        "calls": c.calls,
        "unique_called": c.unique_called,
        "answer_rate": c.answer_rate,
        "median_duration_s": c.median_duration_s,
        "first_seen": c.first_seen.isoformat(),
        "last_seen": c.last_seen.isoformat(),
        "score": c.score,
        "reasons": c.reason_list,
        "tlp": c.tlp,
    }
    if detail:
        row["numbers"] = [{"key": n.key, "calls": n.calls} for n in c.numbers.all()]
        row["sample_calls"] = c.sample_calls
    return row


@router.get("/robocalls", response=Page[RobocallOut])
def list_robocalls(request: HttpRequest, paging: Query[ShortPaging]) -> Any:
    user = require_role(request, "viewer")
    rows = visible(user, RobocallCampaign.objects.select_related("agency"))
    audit.record(
        "robocallcampaign.list", request=request, object_type="robocallcampaign", view="api"
    )
    return page_of(rows, campaign_row, paging.limit, paging.offset)


@router.get("/robocalls/{campaign_id}", response=answers(RobocallDetailOut, 404))
def get_robocall(request: HttpRequest, campaign_id: str) -> Any:
    require_role(request, "viewer")
    qs = RobocallCampaign.objects.select_related("agency")
    return campaign_row(get_visible_or_404(request, qs, campaign_id=campaign_id), detail=True)


class TracebackIn(Schema):
    call_id: str
    note: str = ""
    tlp: str = "AMBER"


def request_row(r: TracebackRequest) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "call_id": r.call_id,
        "calling_number": r.calling_number,
        "called_number": r.called_number,
        "start_time": r.start_time.isoformat(),
        "status": r.status,
        "outcome": r.outcome,
        "campaign_id": r.campaign.campaign_id if r.campaign else None,
        "created_at": r.created_at.isoformat(),
        "path": services.path_of(r),
    }


@router.post("/traceback", response=answers(TracebackOut, 404))
def open_traceback(request: HttpRequest, payload: TracebackIn) -> Any:
    user = require_role(request, "analyst")
    created = services.open_traceback(user, payload.call_id, payload.note, _tlp(payload.tlp))
    return request_row(created)


@router.get("/traceback", response=Page[TracebackOut])
def list_traceback(request: HttpRequest, paging: Query[ShortPaging]) -> Any:
    user = require_role(request, "viewer")
    rows = visible(user, services.with_path(TracebackRequest.objects.all()))
    audit.record(
        "tracebackrequest.list", request=request, object_type="tracebackrequest", view="api"
    )
    return page_of(rows, request_row, paging.limit, paging.offset)


def hop_row(hop: TracebackHop) -> dict[str, Any]:
    """What the asked carrier needs to find the call in its records, and nothing more."""
    r = hop.request
    return {
        "reference": r.reference,
        "position": hop.position,
        "carrier": hop.carrier.name,
        "calling_number": r.calling_number,
        "called_number": r.called_number,
        "start_time": r.start_time.isoformat(),
        "status": hop.status,
        "due_at": hop.due_at.isoformat(),
        "overdue": hop.is_overdue(),
    }


@router.get("/traceback/hops", response=Page[HopOut])
def my_hops(request: HttpRequest, paging: Query[ShortPaging], pending: bool = True) -> Any:
    """The hops addressed to the caller's carrier (a carrier polls this)."""
    user = require_role(request, "analyst")
    hops = TracebackHop.objects.select_related("request", "carrier").filter(
        carrier__agency=user.agency
    )
    if pending:
        hops = hops.filter(status=HopStatus.PENDING)
    return page_of(hops.order_by("due_at", "id"), hop_row, paging.limit, paging.offset)


@router.get("/traceback/{reference}", response=answers(TracebackOut, 404))
def get_traceback(request: HttpRequest, reference: str) -> Any:
    require_role(request, "viewer")
    qs = services.with_path(TracebackRequest.objects.all())
    return request_row(get_visible_or_404(request, qs, reference=reference))


class AnswerIn(Schema):
    upstream: str = ""
    originated_here: bool = False
    customer: str = ""
    attestation: str = ""
    origid: str = ""
    note: str = ""


@router.post("/traceback/{reference}/hops/{position}", response=answers(HopAnsweredOut, 404, 409))
def answer_hop(request: HttpRequest, reference: str, position: int, payload: AnswerIn) -> Any:
    """The asked carrier answers: who handed it the call, or that it originated there."""
    user = require_role(request, "analyst")
    hop = (
        TracebackHop.objects.select_related("request", "carrier")
        .filter(request__reference=reference, position=position)
        .first()
    )
    if hop is None or not services.may_answer(user, hop):
        audit.record(
            "traceback.answer",
            request=request,
            object_type="tracebackrequest",
            object_id=reference,
            outcome="denied",
        )
        raise NotFound("No such hop is waiting for your carrier.")
    services.answer_hop(user, hop, services.Answer(**payload.dict()))
    hop.refresh_from_db()
    return hop_row(hop) | {"upstream": hop.upstream.name if hop.upstream else None}


class VerifyIn(Schema):
    identity: str


@router.post("/shaken/verify", response=VerifyOut, exclude_unset=True)
def verify_identity(request: HttpRequest, payload: VerifyIn) -> Any:
    """Verify one Identity header against the node's trusted STI-CA roots (offline)."""
    auth_user(request)
    return shaken.verify_report(services.node_verifier(online=False), payload.identity)
