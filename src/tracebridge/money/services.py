"""Trail imports and tracing: the logic behind the money pages, API and commands."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db.models import QuerySet

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import visible
from tracebridge.agencies.services import ServiceError
from tracebridge.complaints.models import Complaint
from tracebridge.errors import NotFound
from tracebridge.identifiers import Identifier, parse, parse_bank_account
from tracebridge.money import mules
from tracebridge.money.accounts import account_form
from tracebridge.money.index import TrailIndex, build, onward
from tracebridge.money.models import TrailBatch
from tracebridge.money.store import ImportReport, Store, StoreError
from tracebridge.money.trace import Options, Tracer, Trail

MAX_UPLOAD = 512 * 1024 * 1024  # bytes of one uploaded trail file
_cache_lock = threading.Lock()
_cached: TrailIndex | None = None
_flagged: tuple[str, frozenset[str]] | None = None  # (home and store version, flagged keys)


def store() -> Store:
    return Store(Path(settings.HOME) / "money")


def trail_index() -> TrailIndex:
    """The trace index of the current store, rebuilt when a batch has been added."""
    global _cached
    current = store()
    with _cache_lock:
        if _cached is None or _cached.version != current.version():
            _cached = build(current)
        return _cached


def flagged_keys() -> frozenset[str]:
    """The account keys the mule scan flags in the current store, scanned again when a batch
    has been added (a full rebuild of the campaigns need not pay for a scan each time)."""
    global _flagged
    current = store()
    version = f"{settings.HOME}|{current.version()}"  # two homes never share an entry
    with _cache_lock:
        if _flagged is None or _flagged[0] != version:
            _flagged = (version, frozenset(s.key for s in mules.scan(current.connect())))
        return _flagged[1]


def downstream_layers() -> list[tuple[int, str]]:
    """(complaint pk, account key) pairs: where the account each complaint's payment went to
    sent money on within the trace window (one hop), for the campaigns' soft links. Only
    accounts the mule scan flags are a mule layer: a mule that also lives an ordinary life
    pays its landlord, shops and family within the window too, and a shop two campaigns'
    mules buy from is not their common layer."""
    if not store().batches():
        return []
    index = trail_index()
    window = int(Options().window_hours * 3600)
    flagged = flagged_keys()
    refs = Complaint.objects.filter(ref__in=list(index.by_ref)).values_list("ref", "pk")
    return sorted(
        (pk, account)
        for ref, pk in refs
        for account in onward(index, index.by_ref[ref], window)
        if account in flagged
    )


def import_trail(
    path: Path | None,
    agency: Agency,
    user: User | None = None,
    table: pa.Table | None = None,
    source: str = "",
    tlp: str = "AMBER",
) -> tuple[TrailBatch, ImportReport]:
    """Validate and store one trail file (or Arrow table); the batch is recorded and audited."""
    try:
        if table is not None:
            report = store().import_table(table, source or "api")
        elif path is not None:
            report = store().import_file(path, source or path.name)
        else:
            raise ServiceError("give a trail file")
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    batch = TrailBatch.objects.create(
        agency=agency,
        tlp=tlp,
        batch=report.batch,
        source=report.source[:200],
        submitted_by=user,
        rows=report.rows,
        stored=report.stored,
        duplicates=report.duplicates,
        out_of_order=report.out_of_order,
        rejected=report.rejected_total,
        report=report.as_dict(),
    )
    audit.record(
        "money.import", user=user, agency=agency, obj=batch, rows=report.rows, stored=report.stored
    )
    return batch, report


def import_upload(
    chunks: Iterable[bytes], name: str, agency: Agency, user: User | None = None
) -> tuple[TrailBatch, ImportReport]:
    """An uploaded trail file: written aside under its own suffix, then imported."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
        with open(path, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        return import_trail(path, agency, user, source=name[:200])


def batches_for(user: User) -> QuerySet[TrailBatch]:
    return visible(user, TrailBatch.objects.all())


@dataclass
class ComplaintTrail:
    complaint: Complaint
    trail: Trail
    matched_by: str  # "complaint_ref" | "reported account" | ""


def trace_complaint(complaint: Complaint, tracer: Tracer | None = None) -> ComplaintTrail:
    """Follow the complaint's payment: first hops tagged with its ref, else its reported payee."""
    tracer = tracer or Tracer(trail_index())
    rows = tracer.index.by_ref.get(complaint.ref, [])
    matched = "complaint_ref" if rows else ""
    if not rows:
        rows = _reported_payment_rows(complaint, tracer)
        matched = "reported account" if rows else ""
    return ComplaintTrail(complaint, tracer.trace_rows(rows), matched)


def _reported_payment_rows(complaint: Complaint, tracer: Tracer) -> list[int]:
    """Credits into an account the victim named, of the amount they lost, around the incident."""
    if not complaint.loss_amount or not complaint.loss_currency:
        return []
    minor = int(Decimal(complaint.loss_amount) * 100)
    until = int(complaint.received_at.timestamp())
    since = int((complaint.incident_at or complaint.received_at - timedelta(days=30)).timestamp())
    since -= 7 * 86400  # the incident date is often the day the victim noticed
    rows: list[int] = []
    for key in reported_accounts(complaint.suspect or {}):
        rows += tracer.payment_rows(key, minor, complaint.loss_currency, since, until)
    return rows


def reported_accounts(suspect: dict[str, Any]) -> list[str]:
    """Identifier keys of the accounts a complaint says the victim paid."""
    keys = []
    for item in suspect.get("bank_accounts") or []:
        if isinstance(item, dict):
            found = parse_bank_account({k: str(v) for k, v in item.items()})
            if isinstance(found, Identifier):
                keys.append(found.key)
    for kind, field in (("upi", "upi_ids"), ("wallet", "crypto_wallets")):
        for text in suspect.get(field) or []:
            found_other = parse(kind, str(text))
            if isinstance(found_other, Identifier):
                keys.append(found_other.key)
    return keys


def complaint_by_ref(complaints: QuerySet[Complaint], ref: str) -> Complaint | None:
    """The complaint of ``complaints`` named by ``SOURCE:REF`` or by its ref alone."""
    ref = ref.strip()
    source, _, bare = ref.partition(":")
    found = complaints.filter(source__iexact=source, ref=bare).first() if bare else None
    return found or complaints.filter(ref=ref).first()


def find_complaint(user: User, ref: str) -> Complaint:
    """A complaint the user may see, by ``SOURCE:REF`` or by its ref alone."""
    found = complaint_by_ref(visible(user, Complaint.objects.all()), ref)
    if found is None:
        raise NotFound(f"no complaint {ref.strip()!r} that you may see")
    return found


def trail_dict(result: ComplaintTrail | Trail) -> dict[str, Any]:
    """JSON form of a trail: amounts as decimal strings in the trail's currency."""
    trail = result.trail if isinstance(result, ComplaintTrail) else result
    money = money_format(trail.currency)
    return {
        "complaint": getattr(getattr(result, "complaint", None), "reference", None),
        "matched_by": getattr(result, "matched_by", "txn_id"),
        "currency": trail.currency,
        "paid": money(trail.paid),
        "holdable": money(trail.holdable),
        "cashed_out": money(trail.cashed_out),
        "truncated": trail.truncated,
        "notes": dict(trail.notes),
        "layers": [
            {
                "layer": lay.layer,
                "accounts": lay.accounts,
                "received": money(lay.received),
                "holdable": money(lay.holdable),
                "cashed_out": money(lay.cashed_out),
            }
            for lay in trail.layers()
        ],
        "accounts": [holding_dict(h, money) for h in trail.accounts.values()],
        "hops": [hop_dict(h, money) for h in trail.hops],
    }


def money_format(currency: str) -> Any:
    del currency  # amounts are minor units of the trail's currency (2 decimals)
    return lambda minor: f"{Decimal(minor) / 100:.2f}"


def holding_dict(holding: Any, money: Any) -> dict[str, Any]:
    return {
        "account": account_form(holding.key),
        "key": holding.key,
        "layer": holding.layer,
        "bank": holding.bank,
        "received": money(holding.received),
        "forwarded": money(holding.forwarded),
        "cashed_out": money(holding.cashed_out),
        "holdable": money(holding.holdable),
    }


def hop_dict(hop: Any, money: Any) -> dict[str, Any]:
    return {
        "txn_id": hop.txn_id,
        "time": _iso(hop.time),
        "from": account_form(hop.source),
        "to": account_form(hop.target) if hop.target else None,
        "amount": money(hop.amount),
        "currency": hop.currency,
        "channel": hop.channel,
        "bank": hop.bank,
        "traced": money(hop.traced),
        "layer": hop.layer,
        "kind": hop.kind,
    }


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def trace_txn(txn_id: str, tracer: Tracer | None = None) -> Trail:
    """Follow the money onward from one transaction (e.g. a bank's own fraud report)."""
    tracer = tracer or Tracer(trail_index())
    con = store().connect()
    found = con.execute(
        "SELECT from_id, epoch(time)::BIGINT FROM txns WHERE txn_id = ? LIMIT 1", [txn_id.strip()]
    ).fetchone()
    row = tracer.index.row_of(txn_id.strip(), int(found[0]), int(found[1])) if found else None
    if row is None:
        raise NotFound(f"no stored transaction {txn_id!r}")
    return tracer.trace_rows([row])
