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
from tracebridge.complaints.prepare import Prepared, prepare
from tracebridge.complaints.schema import CanonicalComplaint
from tracebridge.complaints.selectors import loss_of
from tracebridge.complaints.sightings import SightingRow
from tracebridge.complaints.signals import complaints_saved

log = logging.getLogger(__name__)
MAX_KEY = Sighting._meta.get_field("key").max_length or 300
UPDATED_FIELDS = [
    "country", "received_at", "incident_at", "channel", "scam_type", "narrative", "loss_amount",
    "loss_currency", "payment_method", "victim", "suspect", "transactions", "ncrp_ack", "tlp",
    "pap", "content_hash", "updated_at",
]  # fmt: skip


@dataclass
class Conflict:
    index: int  # position of the record: index given to ingest(), or Prepared.position
    ref: str
    reason: str


@dataclass
class ComplaintIngestResult:
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


class _Existing(NamedTuple):
    id: int
    agency_id: int
    digest: str


def ingest(
    records: Iterable[CanonicalComplaint | Mapping[str, Any]],
    agency: Agency,
    *,
    user: User | None = None,
) -> ComplaintIngestResult:
    """Upsert one batch of complaints owned by ``agency``; all or nothing.

    Sightings are extracted only for new or changed records (an unchanged re-import is cheap).
    """
    prepared = [
        prepare(r if isinstance(r, CanonicalComplaint) else CanonicalComplaint(**r), i, False)
        for i, r in enumerate(records)
    ]
    return ingest_prepared(prepared, agency, user=user)


def ingest_prepared(
    prepared: list[Prepared], agency: Agency, *, user: User | None = None
) -> ComplaintIngestResult:
    """``ingest`` for records already validated and hashed (e.g. by import workers)."""
    items, duplicates = _latest_per_identity(prepared)
    if not items:
        return ComplaintIngestResult(duplicates=duplicates)
    existing = _existing(items.keys())
    for identity, item in items.items():  # extract outside the write lock
        old = existing.get(identity)
        if old is None or old.digest != item.digest:
            item.sighting_rows()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                result = _write(items, agency, duplicates)
                _after_write(result, agency, user)
            return result
        except IntegrityError:
            # Another writer inserted one of these refs between our read and our insert
            # (PostgreSQL); the second attempt sees its rows and updates them instead.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _latest_per_identity(
    prepared: list[Prepared],
) -> tuple[dict[tuple[str, str], Prepared], int]:
    items: dict[tuple[str, str], Prepared] = {}
    for item in prepared:
        items[item.identity] = item  # the same source+ref again later: the last one wins
    return items, len(prepared) - len(items)


def _existing(identities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], _Existing]:
    return {key: _Existing(*values) for key, values in bulk.lookup(identities).items()}


def _write(
    items: dict[tuple[str, str], Prepared], agency: Agency, duplicates: int
) -> ComplaintIngestResult:
    result = ComplaintIngestResult(duplicates=duplicates)
    existing = _existing(items.keys())
    new: list[Prepared] = []
    changed: dict[tuple[str, str], int] = {}
    for identity, item in items.items():
        old = existing.get(identity)
        if old is None:
            new.append(item)
        elif old.agency_id != agency.pk:
            reason = f"{identity[0]}:{identity[1]} belongs to another agency"
            result.conflicts.append(Conflict(item.position, identity[1], reason))
        elif old.digest == item.digest:
            result.unchanged += 1
        else:
            changed[identity] = old.id
    now = bulk.now_value()
    ids = bulk.insert_complaints(
        [bulk.complaint_values(i.fields, agency.pk, i.digest, now) for i in new]
    )
    if changed:
        updated = [_complaint(items[identity], agency, pk) for identity, pk in changed.items()]
        Complaint.objects.bulk_update(updated, UPDATED_FIELDS, batch_size=500)
        Sighting.objects.filter(complaint_id__in=list(changed.values())).delete()
        ids.update(changed)
    sightings = []
    for identity, pk in ids.items():
        rows = items[identity].sighting_rows()
        sightings += [_sighting(pk, row) for row in rows if len(row.key) <= MAX_KEY]
    result.sightings = bulk.insert_sightings(sightings)
    result.created, result.updated = len(new), len(changed)
    result.complaint_ids = list(ids.values())
    return result


def _after_write(result: ComplaintIngestResult, agency: Agency, user: User | None) -> None:
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


def _complaint(item: Prepared, agency: Agency, pk: int | None = None) -> Complaint:
    complaint = Complaint(pk=pk, agency=agency, content_hash=item.digest, **item.fields)
    if pk is not None:  # bulk_update does not apply auto_now
        complaint.updated_at = timezone.now()
    return complaint


def _sighting(complaint_id: int, row: SightingRow) -> tuple[Any, ...]:
    """A row of bulk.SIGHTING_COLUMNS."""
    return (complaint_id, row.key, row.kind, row.field, row.start, row.end)


def to_canonical(complaint: Complaint, *, with_victim: bool = False) -> dict[str, Any]:
    """The stored complaint back in the canonical shape.

    Victim personal data only when asked for: it must not leave the owning agency by accident.
    """
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
        "victim": (complaint.victim or None) if with_victim else None,
        "tlp": complaint.tlp,
        "pap": complaint.pap or None,
    }
    loss = loss_of(complaint)
    if loss is not None:
        out["loss"] = loss
    if complaint.transactions:
        out["transactions"] = complaint.transactions
    if complaint.ncrp_ack:
        out["ncrp_ack"] = complaint.ncrp_ack
    return out
