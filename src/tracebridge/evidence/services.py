"""Adding evidence, recording custody, and writing court packages."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import has_role
from tracebridge.agencies.services import ServiceError
from tracebridge.cases.models import Case
from tracebridge.errors import Forbidden, Invalid
from tracebridge.evidence import ledger, zones
from tracebridge.evidence.blobs import Blob, BlobStore, store_from_environment
from tracebridge.evidence.models import CustodyAction, CustodyEvent, EvidenceItem

METADATA = (
    "description",
    "collected_by",
    "collected_at",
    "collected_zone",
    "place",
    "device",
    "legal_authority",
)


def blob_store() -> BlobStore:
    return store_from_environment(Path(settings.HOME))


def iso_utc(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""


def item_record(item: EvidenceItem) -> dict[str, Any]:
    """The leaf that commits to an item: its content hash and every fact a court relies on."""
    return {
        "kind": "evidence",
        "item": item.reference,
        "case": item.case.reference,
        "agency": item.agency.code,
        "filename": item.filename,
        "media_type": item.media_type,
        "sha256": item.sha256,
        "size": item.size,
        "description": item.description,
        "collected_by": item.collected_by,
        "collected_at": zones.iso_in_zone(item.collected_at, item.collected_zone),
        "collected_zone": item.collected_zone,
        "place": item.place,
        "device": item.device,
        "legal_authority": item.legal_authority,
        "recorded_by": item.added_by.username if item.added_by else "",
        # handling conditions it came with (a treaty's limits on use), bound into its leaf
        **({"conditions": item.conditions} if item.conditions else {}),
    }


def _next_item_reference(case: Case) -> str:
    return f"{case.reference}-E{case.evidence.count() + 1:03d}"


def add_evidence(
    case: Case,
    source: IO[bytes],
    filename: str,
    *,
    by: User | None = None,
    store: BlobStore | None = None,
    progress: Callable[[int], None] | None = None,
    **metadata: Any,
) -> EvidenceItem:
    """Store the file by SHA-256, then record the item and its collection in the ledger."""
    _check_metadata(metadata)
    blob = (store or blob_store()).put(source, progress)
    return record_item(case, blob, filename, by=by, **metadata)


def _check_metadata(metadata: dict[str, Any]) -> None:
    unknown = set(metadata) - set(METADATA)
    if unknown:
        raise ServiceError(f"unknown metadata {', '.join(sorted(unknown))}")
    try:
        zones.parse_zone(metadata.get("collected_zone") or "")
    except zones.ZoneError as exc:
        raise ServiceError(f"collected_zone: {exc}") from None


def record_item(
    case: Case,
    blob: Blob,
    filename: str,
    *,
    by: User | None = None,
    custody: str = "collected",
    custody_detail: dict[str, Any] | None = None,
    conditions: dict[str, Any] | None = None,
    **metadata: Any,
) -> EvidenceItem:
    """Record an item of a stored blob and its first custody event (``collected``, or
    ``received`` for evidence that came from a partner, with ``custody_detail`` naming where
    from), under ``conditions`` when it came with handling conditions."""
    _check_metadata(metadata)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        item = EvidenceItem(
            agency=case.agency,
            tlp=case.tlp,
            reference=_next_item_reference(case),
            case=case,
            filename=Path(filename).name[:255] or "file",
            media_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
            sha256=blob.sha256,
            size=blob.size,
            added_by=by,
            conditions=conditions or {},
            **{k: v for k, v in metadata.items() if v not in (None, "")},
        )
        item.leaf = ledger.append("evidence", item_record(item))
        item.save()
        record_custody(item.case, custody, by, item=item, **(custody_detail or {}))
    audit.record("evidence.add", user=by, agency=case.agency, obj=item, sha256=blob.sha256)
    return item


def record_custody(
    case: Case,
    action: str,
    by: User | None,
    item: EvidenceItem | None = None,
    **detail: Any,
) -> CustodyEvent:
    at = timezone.now()
    record = {
        "kind": "custody",
        "event": action,
        "case": case.reference,
        "item": item.reference if item else "",
        "sha256": item.sha256 if item else "",
        "at": iso_utc(at),
        "by": by.username if by else "",
        "agency": by.agency.code if by and by.agency else case.agency.code,
        **detail,
    }
    with transaction.atomic():
        leaf = ledger.append("custody", record)
        return CustodyEvent.objects.create(
            item=item,
            case=case,
            action=action,
            actor=by,
            actor_name=by.username if by else "",
            at=at,
            leaf=leaf,
        )


# --- handling conditions --------------------------------------------------------------------


def blocked(items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    """Items that may not leave the node: received under "no onward sharing without the
    providing state's consent" with no consent recorded."""
    return [item for item in items if item.needs_consent]


def refuse_blocked(items: Iterable[EvidenceItem], what: str) -> None:
    """Refuse ``what`` (an export, a re-share) when one of ``items`` is blocked, naming them."""
    held = blocked(items)
    if not held:
        return
    first = held[0].conditions
    raise Forbidden(
        f"{what} refused: {', '.join(i.reference for i in held)} came under "
        f"{first.get('request', 'a request')} from {first.get('provider', 'a partner')} with no "
        "onward sharing without its consent; record the consent first "
        "(`tracebridge evidence consent REF --by USERNAME --granted-by TEXT`)",
        [{"field": "items", "blocked": [i.reference for i in held]}],
    )


def record_consent(item: EvidenceItem, by: User, granted_by: str, scope: str = "") -> CustodyEvent:
    """The providing state's consent to onward sharing of ``item``, recorded by a supervisor of
    the owning agency as a custody event (a ledger leaf) and audited."""
    if not (item.conditions or {}).get("onward_sharing"):
        raise Invalid(
            f"{item.reference} came with no handling conditions: nothing to consent to",
            field="item",
        )
    if not granted_by.strip():
        raise Invalid(
            "say who gave the consent and how (e.g. a letter's reference)", field="granted_by"
        )
    if by.agency_id != item.agency_id or not has_role(by, "supervisor"):
        audit.record("evidence.consent", user=by, obj=item, outcome="denied")
        raise Forbidden(
            f"{by.username} is not a supervisor of {item.agency.code}", [{"field": "by"}]
        )
    event = record_custody(
        item.case,
        CustodyAction.CONSENT,
        by,
        item=item,
        granted_by=granted_by.strip(),
        scope=scope.strip(),
        request=item.conditions.get("request", ""),
        provider=item.conditions.get("provider", ""),
    )
    audit.record("evidence.consent", user=by, agency=item.agency, obj=item, granted_by=granted_by)
    return event
