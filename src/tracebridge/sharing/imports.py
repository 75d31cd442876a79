"""What comes in: STIX objects from a partner, checked, then ingested as complaints.

Complaints are created through ``complaints.services.ingest`` so that linking happens through
the ``complaints_saved`` signal. The partner's agency owns them and their TLP is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency
from tracebridge.agencies.services import create_agency
from tracebridge.complaints.services import ingest
from tracebridge.sharing import stix

MAX_OBJECTS = 20_000


@dataclass
class ImportResult:
    objects: int = 0
    complaints: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)

    def add(self, other: ImportResult) -> None:
        self.objects += other.objects
        self.complaints += other.complaints
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected


def _agencies(objects: Sequence[Any], allowed: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Identity id -> (agency code, country) for the agencies the partner may speak for."""
    countries = {
        o.get("x_tracebridge_agency"): (o.get("x_tracebridge_country"), o.get("name"))
        for o in objects
        if isinstance(o, dict) and o.get("type") == "identity"
    }
    out = {}
    for code in allowed:
        country, _ = countries.get(code, (None, None))
        out[stix.sdo_id("identity", f"agency:{code}")] = (code, country or code[:2])
    return out


def _local_agency(code: str, country: str, names: dict[str, str]) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    return agency or create_agency(code, country, names.get(code) or code)


def checked(objects: Sequence[Any]) -> tuple[list[dict[str, Any]], list[tuple[Any, str]]]:
    """Objects that pass the checks, and each one that does not with the reason."""
    definitions = {
        o["id"]: o
        for o in objects
        if isinstance(o, dict) and o.get("type") == "marking-definition" and "id" in o
    }
    good, bad = [], []
    for obj in objects:
        try:
            stix.check_object(obj, definitions)
        except stix.StixError as exc:
            bad.append((obj, str(exc)))
            continue
        good.append(obj)
    return good, bad


def import_objects(
    objects: Sequence[Any], *, partner: str, allowed_agencies: Iterable[str]
) -> ImportResult:
    """Check and ingest one batch of objects received from ``partner``."""
    if len(objects) > MAX_OBJECTS:
        raise stix.StixError(f"{len(objects)} objects in one bundle; the limit is {MAX_OBJECTS}")
    good, bad = checked(objects)
    result = ImportResult(objects=len(objects), rejected=[reason for _, reason in bad])
    creators = _agencies(good, allowed_agencies)
    names = {
        str(o.get("x_tracebridge_agency")): str(o.get("name"))
        for o in good
        if o["type"] == "identity"
    }
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for record, _tlp, creator in stix.complaints_in(good):
        if creator not in creators:
            result.rejected.append(
                f"complaint {record.get('source')}:{record.get('ref')}: created by {creator}, "
                f"an agency partner {partner!r} does not speak for"
            )
            continue
        by_agency.setdefault(creator, []).append(record)
    for creator, records in by_agency.items():
        code, country = creators[creator]
        agency = _local_agency(code, country, names)
        saved = ingest(records, agency)
        result.complaints += len(records)
        result.created += saved.created
        result.updated += saved.updated
        result.unchanged += saved.unchanged
        result.rejected += [f"complaint {c.ref}: {c.reason}" for c in saved.conflicts]
    if result.rejected:
        audit.record(
            "sharing.import.rejected",
            object_type="bundle",
            outcome="denied",
            partner=partner,
            count=len(result.rejected),
            reasons=result.rejected[:20],
        )
    return result
