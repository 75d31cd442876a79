"""What leaves the node: redacted complaints as STIX, published into TAXII collections.

Every path out of the node goes through ``shareable_complaints``, which enforces the rule
again (RED and AMBER+STRICT never leave; only markings the agreement grants now).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Agency, User
from tracebridge.campaigns.models import Campaign, CampaignMember
from tracebridge.complaints.models import Complaint, Sighting
from tracebridge.complaints.redaction import redact
from tracebridge.complaints.services import to_canonical
from tracebridge.sharing import stix
from tracebridge.sharing.models import Agreement, SharedObject

CHUNK = 500
# Ids a complaint's objects have had: UUIDv4-form now, UUIDv5 in collections stored before.
ID_FORMS = (stix.sdo_id, stix.legacy_sdo_id)
OWN_EXPORT_TLP = frozenset({TLP.CLEAR.value, TLP.GREEN.value, TLP.AMBER.value})


def shareable_complaints(owner: Agency, markings: Iterable[str]) -> QuerySet[Complaint]:
    allowed = sorted({m for m in markings if TLP(m).leaves_agency})
    return Complaint.objects.filter(agency=owner, tlp__in=allowed).order_by("id")


def complaint_record(complaint: Complaint, fields: Iterable[str]) -> dict[str, Any]:
    record = to_canonical(complaint)
    record["victim"] = dict(complaint.victim or {})
    if complaint.pap:
        record["pap"] = complaint.pap
    return redact(record, fields)


def _keys_by_complaint(ids: Sequence[int]) -> dict[int, list[str]]:
    keys: dict[int, list[str]] = {}
    rows = Sighting.objects.filter(complaint_id__in=ids).exclude(field__startswith="victim")
    for complaint_id, key in rows.values_list("complaint_id", "key"):
        keys.setdefault(complaint_id, []).append(key)
    return keys


def complaint_stix(complaints: Sequence[Complaint], fields: Iterable[str]) -> list[stix.StixObject]:
    keys = _keys_by_complaint([c.pk for c in complaints])
    fields = list(fields)
    objects: list[stix.StixObject] = []
    for complaint in complaints:
        objects.extend(
            stix.complaint_objects(
                complaint_record(complaint, fields),
                [k for k in keys.get(complaint.pk, []) if _mappable(k)],
                agency=complaint.agency.code,
                tlp=complaint.tlp,
                pap=complaint.pap,
                modified=complaint.updated_at.isoformat(),
            )
        )
    return objects


def _mappable(key: str) -> bool:
    try:
        stix.observable(key)
    except stix.StixError:
        return False
    return True


def preamble(agencies: Iterable[Agency]) -> list[stix.StixObject]:
    """The identities every bundle refers to and the definitions of our STIX extensions
    (marking definitions follow what is referenced: ``stix.bundle`` and ``_with_markings`` add
    exactly those)."""
    objects = [stix.agency_identity(a.code, a.name, a.country) for a in agencies]
    return objects + stix.extension_objects()


def _with_markings(objects: list[stix.StixObject]) -> list[stix.StixObject]:
    return stix.referenced_markings(objects) + objects


def _chunks(queryset: QuerySet[Complaint]) -> Iterator[list[Complaint]]:
    last = 0
    while True:
        batch = list(queryset.filter(id__gt=last).select_related("agency")[:CHUNK])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def campaign_objects(complaints: Sequence[Complaint]) -> list[stix.StixObject]:
    """Campaigns the exported complaints belong to, each marked as its most restricted member."""
    by_id = {c.pk: c for c in complaints}
    members = CampaignMember.objects.filter(complaint_id__in=by_id).select_related("campaign")
    grouped: dict[str, list[tuple[Campaign, Complaint]]] = {}
    for member in members:
        grouped.setdefault(member.campaign.code, []).append(
            (member.campaign, by_id[member.complaint_id])
        )
    objects: list[stix.StixObject] = []
    for code, rows in sorted(grouped.items()):
        campaign = rows[0][0]
        tlp = max((c.tlp for _, c in rows), key=lambda t: TLP(t).rank)
        objects.extend(_campaign(code, campaign, [c for _, c in rows], tlp))
    return objects


def _campaign(code: str, campaign: Campaign, members: list[Complaint], tlp: str) -> list[Any]:
    when = stix.stix_time((campaign.first_seen or campaign.created_at).isoformat())
    owner = members[0].agency.code
    created_by = stix.sdo_id("identity", f"agency:{owner}")
    camp_id = stix.sdo_id("campaign", f"{owner}:{code}")
    marks = stix.markings_of(tlp)
    out: list[Any] = [
        {
            "type": "campaign", "spec_version": "2.1", "id": camp_id, "created": when,
            "modified": when, "created_by_ref": created_by, "name": f"TraceBridge {code}",
            "description": f"{campaign.scam_type or 'fraud'} campaign, {len(members)} complaints",
            "first_seen": when, "object_marking_refs": marks,
        }
    ]  # fmt: skip
    for complaint in members:
        incident = stix.sdo_id("incident", complaint.reference)
        out.append(
            {
                "type": "relationship", "spec_version": "2.1",
                "id": stix.sdo_id("relationship", f"{incident}:attributed-to:{camp_id}"),
                "created": when, "modified": when, "created_by_ref": created_by,
                "relationship_type": "attributed-to", "source_ref": incident,
                "target_ref": camp_id, "object_marking_refs": marks,
            }
        )  # fmt: skip
    return out


def export_objects(
    owner: Agency, markings: Iterable[str], fields: Iterable[str]
) -> Iterator[stix.StixObject]:
    yield from preamble([owner])
    for batch in _chunks(shareable_complaints(owner, markings)):
        yield from complaint_stix(batch, fields)
        yield from campaign_objects(batch)


# --- TAXII collections -------------------------------------------------------------------


def publish(agreement: Agreement, complaint_ids: Sequence[int] | None = None) -> int:
    """Bring the agreement's collection up to date; returns how many object versions were added.

    Complaints that are no longer shareable (marking raised, agreement narrowed) are withdrawn.
    """
    allowed = agreement.effective_tlp() if "complaint" in agreement.kinds else frozenset()
    base = Complaint.objects.filter(agency=agreement.owner).order_by("id")
    if complaint_ids is not None:
        base = base.filter(pk__in=list(complaint_ids))
    added = store(agreement, _with_markings(preamble([agreement.owner])))
    for batch in _chunks(base):
        shared = [c for c in batch if c.tlp in allowed]
        withheld = [c.reference for c in batch if c.tlp not in allowed]
        added += store(agreement, _with_markings(complaint_stix(shared, agreement.fields)))
        withdraw(agreement, withheld)
        withdraw(agreement, [c.reference for c in shared], forms=(stix.legacy_sdo_id,))
    return added


def withdraw(
    agreement: Agreement, references: Sequence[str], forms: tuple[Any, ...] = ID_FORMS
) -> int:
    """Remove withheld complaints' incidents, reports and sightings from the collection, under
    their ids of every form (``ID_FORMS``), or of the ``forms`` given."""
    if not references:
        return 0
    reports = [form("report", r) for r in references for form in forms]
    ids = set(reports) | {form("incident", r) for r in references for form in forms}
    for body in SharedObject.objects.filter(agreement=agreement, stix_id__in=reports).values_list(
        "body", flat=True
    ):
        ids.update(r for r in json.loads(body)["object_refs"] if r.startswith("sighting--"))
    deleted, _ = SharedObject.objects.filter(agreement=agreement, stix_id__in=ids).delete()
    return deleted


def _next_times(agreement: Agreement, count: int) -> list[datetime]:
    """Strictly increasing date_added values after everything already in the collection."""
    last = SharedObject.objects.filter(agreement=agreement).aggregate(m=Max("date_added"))["m"]
    start = timezone.now()
    if last is not None and start <= last:
        start = last + timedelta(microseconds=1)
    return [start + timedelta(microseconds=i) for i in range(count)]


def store(agreement: Agreement, objects: Iterable[stix.StixObject]) -> int:
    """Add new object versions to the collection; versions it already holds are skipped."""
    fresh: dict[tuple[str, str], stix.StixObject] = {}
    for obj in objects:
        fresh.setdefault((obj["id"], str(obj.get("modified", obj.get("created", "")))), obj)
    if not fresh:
        return 0
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()  # one writer
        held = set(
            SharedObject.objects.filter(
                agreement=agreement, stix_id__in={i for i, _ in fresh}
            ).values_list("stix_id", "version")
        )
        new = [(k, o) for k, o in fresh.items() if k not in held]
        if not new:
            return 0
        times = _next_times(agreement, len(new))
        rows = [
            _row(agreement, key, obj, when) for (key, obj), when in zip(new, times, strict=True)
        ]
        SharedObject.objects.filter(agreement=agreement, stix_id__in={k[0] for k, _ in new}).update(
            is_latest=False
        )
        SharedObject.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _row(
    agreement: Agreement, key: tuple[str, str], obj: stix.StixObject, when: datetime
) -> SharedObject:
    unmarked = TLP.CLEAR if obj["type"] in stix.UNMARKED_TYPES else TLP.RED  # never served
    tlp = stix.object_marking(obj, {}).tlp or unmarked
    return SharedObject(
        agreement=agreement,
        stix_id=key[0],
        stix_type=obj["type"],
        version=key[1],
        spec_version=stix.spec_version_of(obj)[:8],
        date_added=when,
        tlp=tlp.value,
        is_latest=True,
        body=stix.canonical_json(obj),
    )


def publish_complaints(complaint_ids: Sequence[int]) -> int:
    """Put new or changed complaints into every collection whose agreement covers them."""
    owners = set(
        Complaint.objects.filter(pk__in=list(complaint_ids)).values_list("agency_id", flat=True)
    )
    added = 0
    for agreement in Agreement.objects.filter(owner_id__in=owners, revoked_at__isnull=True):
        if agreement.is_active():
            added += publish(agreement, complaint_ids)
    return added


def export_bundle_for(agreement: Agreement, *, user: User | None = None) -> stix.StixObject:
    """The bundle ``agreement`` lets its partner receive now (audited as a share)."""
    allowed = agreement.effective_tlp() if "complaint" in agreement.kinds else frozenset()
    result = stix.bundle(export_objects(agreement.owner, allowed, agreement.fields))
    audit.record(
        "stix.export", user=user, agency=agreement.owner, obj=agreement,
        partner=agreement.partner.code, tlp=sorted(allowed), objects=len(result["objects"]),
    )  # fmt: skip
    return result


def export_bundle(owner: Agency, *, user: User | None = None) -> stix.StixObject:
    """The agency's own shareable records (no RED, no AMBER+STRICT, no victim data)."""
    result = stix.bundle(export_objects(owner, OWN_EXPORT_TLP, ()))
    audit.record(
        "stix.export", user=user, agency=owner, object_type="bundle", object_id=result["id"],
        partner="", tlp=sorted(OWN_EXPORT_TLP), objects=len(result["objects"]),
    )  # fmt: skip
    return result


def misp_events(owners: Iterable[Agency], markings_for: Any) -> Iterator[dict[str, Any]]:
    """MISP events for each owner's shareable complaints; ``markings_for(owner)`` -> (tlp, fields)."""
    from tracebridge.sharing import misp

    for owner in owners:
        markings, fields = markings_for(owner)
        for batch in _chunks(shareable_complaints(owner, markings)):
            keys = _keys_by_complaint([c.pk for c in batch])
            for complaint in batch:
                yield misp.event_for(
                    complaint_record(complaint, fields),
                    keys.get(complaint.pk, []),
                    org=owner.code,
                    tlp=complaint.tlp,
                    pap=complaint.pap,
                    timestamp=complaint.updated_at,
                )
