"""Telecom services: CDR batches, analysis results, traceback requests and hop answers."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import visible
from tracebridge.agencies.services import ServiceError
from tracebridge.errors import Conflict, Invalid, NotFound
from tracebridge.telecom import analytics, ingest, shaken
from tracebridge.telecom import traceback as tb
from tracebridge.telecom.models import (
    ANSWER_WITHIN,
    Carrier,
    CdrBatch,
    HopStatus,
    RobocallCampaign,
    RobocallNumber,
    TracebackHop,
    TracebackRequest,
    TracebackStatus,
)


def cdr_store() -> Path:
    return Path(settings.HOME) / "cdr"


def node_verifier(online: bool = False, extra_roots: list[Any] | None = None) -> shaken.Verifier:
    """The node's SHAKEN verifier: roots in HOME/shaken/ca/*.pem, certificates cached in
    HOME/shaken/certs (fetched from x5u only when ``online``)."""
    base = Path(settings.HOME) / "shaken"
    roots = list(extra_roots or [])
    for path in sorted((base / "ca").glob("*.pem")):
        roots += shaken.load_certificates(path.read_bytes())
    return shaken.Verifier(roots, fetch=shaken.cached_fetch(base / "certs", online))


def carrier_named(name: str) -> Carrier:
    carrier, _ = Carrier.objects.get_or_create(name=name.strip()[:100])
    return carrier


def reporter_for(agency: Agency) -> str | None:
    """The CDR name of the carrier an agency stands for, if it is a carrier."""
    carrier = Carrier.objects.filter(agency=agency).first()
    return carrier.name if carrier else None


def import_cdrs(
    path: Path, user: User | None, agency: Agency, filename: str = "", tlp: str = "AMBER"
) -> CdrBatch:
    """Store one CDR file as a new batch of ``agency``; raises ServiceError if unusable."""
    batch = CdrBatch.objects.create(
        agency=agency,
        tlp=tlp,
        uploaded_by=user,
        filename=(filename or path.name)[:255],
        sha256=ingest.sha256_of(path),
    )
    relative = Path(f"agency={agency.code}") / f"batch-{batch.pk}.parquet"
    try:
        result = ingest.store_batch(path, cdr_store() / relative, reporter_for(agency))
    except analytics.AnalyticsError as exc:
        batch.delete()
        audit.record("cdr.import", user=user, agency=agency, outcome="failed", reason=str(exc))
        raise Invalid(str(exc), code="unusable_file") from None
    batch.path, batch.rows = str(relative), result.rows
    batch.accepted, batch.rejected = result.accepted, result.rejected
    batch.stats = result.stats()
    batch.save()
    audit.record("cdr.import", user=user, agency=agency, obj=batch, rows=result.rows)
    return batch


def run_analysis(
    files: list[Path],
    out_dir: Path,
    engine: str = "duckdb",
    params: analytics.Params | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> analytics.AnalysisSummary:
    """Detect campaigns; ``on_stage`` hears each of analytics.STAGES (DuckDB engine only)."""
    try:
        if engine == "spark":
            from tracebridge.telecom import spark

            return spark.analyze_in_subprocess(files, out_dir, params)
        return analytics.analyze(files, out_dir, params, on_stage=on_stage)
    except analytics.AnalyticsError as exc:
        raise ServiceError(str(exc)) from None


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def save_results(out_dir: Path, agency: Agency, tlp: str = "AMBER") -> list[RobocallCampaign]:
    """Load DIR/campaigns.csv (and its numbers and samples) as ``agency``'s campaigns."""
    numbers: dict[str, list[dict[str, str]]] = {}
    for row in _read_csv(out_dir / "campaign_numbers.csv"):
        numbers.setdefault(row["campaign_id"], []).append(row)
    samples: dict[str, list[dict[str, str]]] = {}
    for row in _read_csv(out_dir / "campaign_samples.csv"):
        samples.setdefault(row.pop("campaign_id"), []).append(row)
    saved = []
    for row in _read_csv(out_dir / "campaigns.csv"):
        campaign, _ = RobocallCampaign.objects.update_or_create(
            agency=agency,
            campaign_id=row["campaign_id"],
            defaults={
                "tlp": tlp,
                "key_kind": row["key_kind"],
                "key": row["key"][:200],
                "calls": int(row["calls"]),
                "unique_called": int(row["unique_called"]),
                "answer_rate": float(row["answer_rate"]),
                "median_duration_s": float(row["median_duration_s"] or 0),
                "first_seen": _when(row["first_seen"]),
                "last_seen": _when(row["last_seen"]),
                "score": int(row["score"]),
                "reasons": row["reasons"],
                "sample_calls": samples.get(row["campaign_id"], []),
            },
        )
        campaign.numbers.all().delete()
        RobocallNumber.objects.bulk_create(
            RobocallNumber(campaign=campaign, key=f"phone:{n['number']}", calls=int(n["calls"]))
            for n in numbers.get(row["campaign_id"], [])
        )
        saved.append(campaign)
    return saved


def campaigns_for_keys(keys: list[str], visible: Any) -> Any:
    """Robocall campaigns (from ``visible``) that presented any of these phone keys."""
    return visible.filter(numbers__key__in=keys).distinct()


# --- traceback ------------------------------------------------------------------------------
def _record(row: dict[str, Any]) -> tb.HopRecord:
    start = row["start_time"]
    return tb.HopRecord(
        call_id=str(row["call_id"]),
        start=start.timestamp() if isinstance(start, datetime) else float(start),
        calling=str(row.get("calling_number") or ""),
        called=str(row.get("called_number") or ""),
        orig_carrier=str(row.get("orig_carrier") or ""),
        term_carrier=str(row.get("term_carrier") or ""),
        reporting_carrier=str(row.get("reporting_carrier") or ""),
        attestation=row.get("attestation"),
        origid=row.get("origid"),
    )


def visible_partitions(user: User) -> list[Path]:
    """The stored CDR partitions of the batches ``user`` may see."""
    batches = visible(user, CdrBatch.objects.exclude(path=""))
    return [cdr_store() / path for path in batches.values_list("path", flat=True)]


def call_records(call_id: str, user: User | None = None) -> list[tb.HopRecord]:
    """A stored call's records: in every partition (the command line), or only in those of
    batches ``user`` may see, so that a RED or AMBER batch does not leave its agency."""
    files = None if user is None else visible_partitions(user)
    return [_record(r) for r in ingest.find_call(cdr_store(), call_id, files)]


def hop_records_near(target: tb.HopRecord) -> list[tb.HopRecord]:
    rows = ingest.records_near(
        cdr_store(),
        tb.digits(target.calling),
        tb.digits(target.called),
        target.start,
        tb.TOLERANCE_S,
    )
    return [_record(row) for row in rows]


def terminating_record(call_id: str, user: User | None = None) -> tb.HopRecord:
    """The terminating carrier's record of a stored call; ServiceError when none is stored
    (or none that ``user`` may see: both answer alike)."""
    records = call_records(call_id, user)
    if not records:
        raise NotFound(f"no stored CDR has call id {call_id!r}; import the carriers' files")
    return tb.terminating_record(records[0], records)


def campaign_presenting(agency: Agency, calling: str) -> RobocallCampaign | None:
    """The agency's biggest robocall campaign that presented this (NANP) caller number."""
    number = tb.digits(calling)
    if len(number) != 10:
        return None
    keyed = RobocallCampaign.objects.filter(agency=agency, numbers__key=f"phone:+1{number}")
    return keyed.order_by("-calls").first()


@dataclass
class Trace:
    target: tb.HopRecord
    hops: list[tb.Hop]
    outcome: str


def trace_call(call_id: str) -> Trace:
    """The path of a stored call from its carriers' hop records (no requests involved)."""
    target = terminating_record(call_id)
    gateways = frozenset(Carrier.objects.filter(gateway=True).values_list("name", flat=True))
    hops = tb.trace(target, hop_records_near(target), gateways)
    return Trace(target, hops, tb.outcome(hops))


def _reference() -> str:
    return f"TB-{timezone.now():%Y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def open_traceback(
    user: User, call_id: str, note: str = "", tlp: str = "AMBER"
) -> TracebackRequest:
    """Open a request for a stored call the user may see and ask its terminating carrier
    first."""
    target = terminating_record(call_id, user)
    agency = user.member_agency
    request = TracebackRequest.objects.create(
        agency=agency,
        tlp=tlp,
        reference=_reference(),
        call_id=call_id,
        calling_number=target.calling[:40],
        called_number=target.called[:40],
        start_time=datetime.fromtimestamp(target.start, UTC),
        campaign=campaign_presenting(agency, target.calling),
        note=note,
        requested_by=user,
    )
    _ask(request, 0, carrier_named(target.term_carrier or target.reporting_carrier))
    audit.record("traceback.open", user=user, obj=request, call_id=call_id)
    return request


def _ask(request: TracebackRequest, position: int, carrier: Carrier) -> TracebackHop:
    now = timezone.now()
    return TracebackHop.objects.create(
        request=request,
        position=position,
        carrier=carrier,
        asked_at=now,
        due_at=now + ANSWER_WITHIN,
    )


@dataclass
class Answer:
    upstream: str = ""
    originated_here: bool = False
    customer: str = ""
    attestation: str = ""
    origid: str = ""
    note: str = ""


def may_answer(user: User, hop: TracebackHop) -> bool:
    """Only the asked carrier's own users (or the site operator) answer a hop."""
    if getattr(user, "is_operator", False):
        return True
    return bool(hop.carrier.agency_id and hop.carrier.agency_id == getattr(user, "agency_id", None))


@transaction.atomic
def answer_hop(user: User, hop: TracebackHop, answer: Answer) -> TracebackHop:
    """Record a carrier's answer and ask the next carrier upstream, or close the request."""
    if hop.status == HopStatus.ANSWERED:
        raise Conflict("this hop is already answered")
    if not answer.originated_here and not answer.upstream.strip():
        raise Invalid(
            "name the upstream carrier, or say the call originated here", field="upstream"
        )
    hop.status, hop.answered_at, hop.answered_by = HopStatus.ANSWERED, timezone.now(), user
    hop.originated_here = answer.originated_here
    hop.customer, hop.note = answer.customer[:200], answer.note
    hop.attestation, hop.origid = answer.attestation[:1].upper(), answer.origid[:64]
    request = hop.request
    if answer.originated_here:
        _close(request, f"originated by {hop.carrier.name}" + _customer(answer))
    else:
        hop.upstream = carrier_named(answer.upstream)
        if hop.carrier.gateway and hop.upstream.country != "US":
            _close(request, f"entered the US at {hop.carrier.name} from {hop.upstream.name}")
        elif request.hops.filter(carrier=hop.upstream).exists():
            _close(request, f"loop: {hop.upstream.name} is already on the path", stalled=True)
        else:
            _ask(request, hop.position + 1, hop.upstream)
    hop.save()
    audit.record("traceback.answer", user=user, obj=request, position=hop.position)
    return hop


def _customer(answer: Answer) -> str:
    return f" for customer {answer.customer}" if answer.customer else ""


def _close(request: TracebackRequest, outcome: str, stalled: bool = False) -> None:
    request.status = TracebackStatus.STALLED if stalled else TracebackStatus.COMPLETE
    request.outcome = outcome[:200]
    request.save(update_fields=["status", "outcome"])


def with_path(requests: QuerySet[TracebackRequest]) -> QuerySet[TracebackRequest]:
    """``requests`` with their campaign and hops fetched up front, so path_of needs no query."""
    hops = TracebackHop.objects.select_related("carrier", "upstream")
    return requests.select_related("campaign").prefetch_related(Prefetch("hops", queryset=hops))


def path_of(request: TracebackRequest) -> list[dict[str, Any]]:
    """The hops so far (in position order), each with its carrier, answer and whether it is
    overdue. Fetch requests through with_path() to read them without a query each."""
    now = timezone.now()
    return [
        {
            "position": hop.position,
            "carrier": hop.carrier.name,
            "status": hop.status,
            "overdue": hop.is_overdue(now),
            "asked_at": hop.asked_at.isoformat(),
            "due_at": hop.due_at.isoformat(),
            "answered_at": hop.answered_at.isoformat() if hop.answered_at else None,
            "upstream": hop.upstream.name if hop.upstream else None,
            "originated_here": hop.originated_here,
            "customer": hop.customer,
            "attestation": hop.attestation,
            "origid": hop.origid,
            "note": hop.note,
        }
        for hop in request.hops.all()  # Meta.ordering: by position
    ]
