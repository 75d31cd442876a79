"""Complaint intake: upsert canonical complaints and their sightings, one transaction a batch.

``source`` + ``ref`` is a complaint's identity. A record whose content hash is unchanged is a
no-op, so re-importing a file (or re-running one killed midway) changes nothing and duplicates
nothing. After the batch commits, ``signals.complaints_saved`` tells higher stages (campaign
linking) which complaints are new or changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.complaints import bulk
from tracebridge.complaints.models import Complaint, Sighting
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.sightings import SightingRow, sightings_of
from tracebridge.complaints.signals import complaints_saved

log = logging.getLogger(__name__)
MAX_KEY = Sighting._meta.get_field("key").max_length or 300
UPDATED_FIELDS = [
    "country", "received_at", "incident_at", "channel", "scam_type", "narrative", "loss_amount",
    "loss_currency", "payment_method", "victim", "suspect", "tlp", "pap", "content_hash",
    "updated_at",
]  # fmt: skip


@dataclass
class Conflict:
    index: int  # position in the records given to ingest()
    ref: str
    reason: str


@dataclass
class IngestResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # the same source+ref again later in one batch: the last one wins
    sightings: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    complaint_ids: list[int] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return self.created + self.updated

    def add(self, other: IngestResult, offset: int = 0) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.duplicates += other.duplicates
        self.sightings += other.sightings
        self.conflicts += [Conflict(c.index + offset, c.ref, c.reason) for c in other.conflicts]
        self.complaint_ids += other.complaint_ids


class _Item(NamedTuple):
    position: int
    record: CanonicalComplaint
    digest: str


class _Existing(NamedTuple):
    id: int
    agency_id: int
    digest: str


def ingest(
    records: Iterable[CanonicalComplaint | Mapping[str, Any]],
    agency: Agency,
    *,
    user: User | None = None,
) -> IngestResult:
    """Upsert one batch of complaints owned by ``agency``; all or nothing."""
    items, duplicates = _latest_per_identity(records)
    result = IngestResult(duplicates=duplicates)
    if not items:
        return result
    rows: dict[tuple[str, str], list[SightingRow]] = {}
    for identity in _candidates(items, _existing(items.keys())):
        rows[identity] = sightings_of(items[identity].record)  # outside the write lock
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                result = _write(items, agency, rows, duplicates)
                _after_write(result, agency, user)
            return result
        except IntegrityError:
            # Another writer inserted one of these refs between our read and our insert
            # (PostgreSQL); the second attempt sees its rows and updates them instead.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _latest_per_identity(
    records: Iterable[CanonicalComplaint | Mapping[str, Any]],
) -> tuple[dict[tuple[str, str], _Item], int]:
    items: dict[tuple[str, str], _Item] = {}
    duplicates = 0
    for index, raw in enumerate(records):
        record = raw if isinstance(raw, CanonicalComplaint) else CanonicalComplaint(**raw)
        identity = (record.source, record.ref)
        if identity in items:
            duplicates += 1
        items[identity] = _Item(index, record, record.content_hash())
    return items, duplicates


def _existing(identities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], _Existing]:
    return {key: _Existing(*values) for key, values in bulk.lookup(identities).items()}


def _candidates(
    items: dict[tuple[str, str], _Item], existing: dict[tuple[str, str], _Existing]
) -> list[tuple[str, str]]:
    """Identities that will probably be written (new, or changed content)."""
    return [
        identity
        for identity, item in items.items()
        if identity not in existing or existing[identity].digest != item.digest
    ]


def _write(
    items: dict[tuple[str, str], _Item],
    agency: Agency,
    rows: dict[tuple[str, str], list[SightingRow]],
    duplicates: int,
) -> IngestResult:
    result = IngestResult(duplicates=duplicates)
    existing = _existing(items.keys())
    new: list[tuple[tuple[str, str], _Item]] = []
    changed: dict[tuple[str, str], int] = {}
    for identity, item in items.items():
        old = existing.get(identity)
        if old is None:
            new.append((identity, item))
        elif old.agency_id != agency.pk:
            reason = f"{item.record.source}:{item.record.ref} belongs to another agency"
            result.conflicts.append(Conflict(item.position, item.record.ref, reason))
        elif old.digest == item.digest:
            result.unchanged += 1
        else:
            changed[identity] = old.id
    now = bulk.now_value()
    values = [
        bulk.complaint_values(complaint_fields(i.record), agency.pk, i.digest, now) for _, i in new
    ]
    ids = bulk.insert_complaints(values)
    if changed:
        updated = [_complaint(items[identity], agency, pk) for identity, pk in changed.items()]
        Complaint.objects.bulk_update(updated, UPDATED_FIELDS, batch_size=500)
        Sighting.objects.filter(complaint_id__in=list(changed.values())).delete()
        ids.update(changed)
    sightings = []
    for identity, pk in ids.items():
        found = rows.get(identity)
        if found is None:  # its state changed after our first look
            found = sightings_of(items[identity].record)
        sightings += [_sighting(pk, row) for row in found if len(row.key) <= MAX_KEY]
    result.sightings = bulk.insert_sightings(sightings)
    result.created, result.updated = len(new), len(changed)
    result.complaint_ids = list(ids.values())
    return result


def _after_write(result: IngestResult, agency: Agency, user: User | None) -> None:
    if result.complaint_ids:
        transaction.on_commit(partial(_announce, result.complaint_ids))
    if result.saved or result.conflicts:
        audit.record(
            "complaint.import",
            user=user,
            agency=agency,
            object_type="complaint",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            conflicts=len(result.conflicts),
        )


def _announce(complaint_ids: list[int]) -> None:
    """Tell higher stages; their failure must not undo or abort an intake that has committed."""
    for receiver, outcome in complaints_saved.send_robust(
        sender=Complaint, complaint_ids=complaint_ids
    ):
        if isinstance(outcome, Exception):
            log.error(
                "complaints_saved receiver %r failed for %d complaints",
                receiver,
                len(complaint_ids),
                exc_info=outcome,
            )


def complaint_fields(record: CanonicalComplaint) -> dict[str, Any]:
    """Model field values of a canonical record (without agency, pk and hash)."""
    loss = record.loss
    suspect = {k: v for k, v in record.suspect.model_dump(exclude_none=True).items() if v}
    return {
        "source": record.source,
        "ref": record.ref,
        "country": record.country,
        "received_at": record.received_at,
        "incident_at": record.incident_datetime(),
        "channel": record.channel,
        "scam_type": record.scam_type,
        "narrative": record.narrative,
        "loss_amount": loss.amount if loss else None,
        "loss_currency": loss.currency if loss else "",
        "payment_method": (loss.payment_method or "") if loss else "",
        "victim": record.victim.model_dump(exclude_none=True) if record.victim else {},
        "suspect": suspect,
        "tlp": record.tlp,
        "pap": record.pap or "",
    }


def _complaint(item: _Item, agency: Agency, pk: int | None = None) -> Complaint:
    complaint = Complaint(
        pk=pk, agency=agency, content_hash=item.digest, **complaint_fields(item.record)
    )
    if pk is not None:  # bulk_update does not apply auto_now
        complaint.updated_at = timezone.now()
    return complaint


def _sighting(complaint_id: int, row: SightingRow) -> tuple[Any, ...]:
    """A row of bulk.SIGHTING_COLUMNS."""
    return (complaint_id, row.key, row.kind, row.field, row.start, row.end)


def to_canonical(complaint: Complaint) -> dict[str, Any]:
    """The stored complaint back in the canonical shape (with victim data: for the owner only)."""
    out: dict[str, Any] = {
        "ref": complaint.ref,
        "source": complaint.source,
        "country": complaint.country,
        "received_at": complaint.received_at.isoformat(),
        "incident_at": complaint.incident_at.isoformat() if complaint.incident_at else None,
        "channel": complaint.channel,
        "scam_type": complaint.scam_type,
        "narrative": complaint.narrative,
        "suspect": complaint.suspect,
        "victim": complaint.victim or None,
        "tlp": complaint.tlp,
        "pap": complaint.pap or None,
    }
    if complaint.loss_amount is not None:
        out["loss"] = {
            "amount": str(complaint.loss_amount),
            "currency": complaint.loss_currency,
            "payment_method": complaint.payment_method or None,
        }
    return out
