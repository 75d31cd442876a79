"""What comes in: STIX objects from a partner, checked, then ingested as complaints.

Every path in from a partner (TAXII posts, ``sync pull``, ``stix import --partner``) is a
shared channel: each object's effective marking is the strictest of all its markings
(``agencies.markings``), and an object marked RED or AMBER+STRICT is refused, since it should
never have left its agency. Each object stands alone: one that is refused or whose complaint
does not validate is reported with its reason and the rest are kept.

Complaints are created through ``complaints.services.ingest`` so that linking happens through
the ``complaints_saved`` signal. The partner's agency owns them and their marking is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency
from tracebridge.agencies.services import create_agency
from tracebridge.complaints.schema import CanonicalComplaint, error_text
from tracebridge.complaints.services import ingest
from tracebridge.sharing import stix
from tracebridge.sharing.stix_extensions import tb_property

MAX_OBJECTS = 20_000
NOTES_KEPT = 20  # reasons and notes copied into one audit event


@dataclass(frozen=True)
class Failure:
    id: str
    reason: str


@dataclass
class ImportResult:
    objects: int = 0
    complaints: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    accepted: list[tuple[str, str]] = field(default_factory=list)  # (id, version)
    notes: list[str] = field(default_factory=list)  # unknown or conflicting markings

    @property
    def rejected(self) -> list[str]:
        return [f.reason for f in self.failures]

    def add(self, other: ImportResult) -> None:
        self.objects += other.objects
        self.complaints += other.complaints
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failures += other.failures
        self.accepted += other.accepted
        self.notes += other.notes


@dataclass
class _Incoming:
    """A checked incident's complaint, waiting to be ingested for its agency."""

    object_id: str
    record: CanonicalComplaint


def _agencies(objects: Sequence[Any], allowed: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Identity id -> (agency code, country) for the agencies the partner may speak for."""
    countries = {
        tb_property(o, "agency"): (tb_property(o, "country"), o.get("name"))
        for o in objects
        if isinstance(o, dict) and o.get("type") == "identity"
    }
    out = {}
    for code in allowed:
        country, _ = countries.get(code, (None, None))
        for identity in (stix.sdo_id, stix.legacy_sdo_id):  # older bundles use UUIDv5 ids
            out[identity("identity", f"agency:{code}")] = (code, country or code[:2])
    return out


def _local_agency(code: str, country: str, names: dict[str, str]) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    return agency or create_agency(code, country, names.get(code) or code)


def _definitions(objects: Sequence[Any]) -> dict[str, Any]:
    return {
        o["id"]: o
        for o in objects
        if isinstance(o, dict) and o.get("type") == "marking-definition" and "id" in o
    }


def _object_id(obj: Any) -> str:
    return str(obj.get("id", "")) if isinstance(obj, dict) else ""


def checked(objects: Sequence[Any], result: ImportResult) -> list[tuple[dict[str, Any], Any]]:
    """(object, marking) of each object that passes; each one that does not goes to failures."""
    definitions = _definitions(objects)
    good = []
    for obj in objects:
        try:
            marking = stix.check_object(obj, definitions)
        except stix.StixError as exc:
            result.failures.append(Failure(_object_id(obj), str(exc)))
            continue
        result.notes += [f"{obj['id']}: {note}" for note in marking.notes]
        good.append((obj, marking))
    return good


def _complaint(obj: dict[str, Any], marking: Any, result: ImportResult) -> _Incoming | None:
    record = stix.complaint_of(obj, marking)
    if record is None:
        return None
    try:
        return _Incoming(obj["id"], CanonicalComplaint.model_validate(record))
    except ValidationError as exc:
        name = f"{record.get('source')}:{record.get('ref')}"
        result.failures.append(
            Failure(obj["id"], f"{obj['id']}: complaint {name}: {error_text(exc)}")
        )
        return None


def import_objects(
    objects: Sequence[Any], *, partner: str, allowed_agencies: Iterable[str]
) -> ImportResult:
    """Check and ingest one batch of objects received from ``partner``."""
    if len(objects) > MAX_OBJECTS:
        raise stix.StixError(f"{len(objects)} objects in one bundle; the limit is {MAX_OBJECTS}")
    result = ImportResult(objects=len(objects))
    good = checked(objects, result)
    creators = _agencies([o for o, _ in good], allowed_agencies)
    by_agency: dict[str, list[_Incoming]] = {}
    for obj, marking in good:
        incoming = _complaint(obj, marking, result)
        if incoming is None:
            continue
        creator = str(obj.get("created_by_ref", ""))
        if creator not in creators:
            ref = f"{incoming.record.source}:{incoming.record.ref}"
            result.failures.append(Failure(obj["id"], f"complaint {ref}: created by {creator}, "
                                           f"an agency partner {partner!r} does not speak for"))  # fmt: skip
            continue
        by_agency.setdefault(creator, []).append(incoming)
    _ingest(by_agency, creators, _names(good), result)
    failed = {f.id for f in result.failures}
    result.accepted = [
        (o["id"], str(o.get("modified", ""))) for o, _ in good if o["id"] not in failed
    ]
    _audit(result, partner)
    return result


def _names(good: list[tuple[dict[str, Any], Any]]) -> dict[str, str]:
    return {
        str(tb_property(o, "agency")): str(o.get("name"))
        for o, _ in good
        if o["type"] == "identity"
    }


def _ingest(
    by_agency: dict[str, list[_Incoming]],
    creators: dict[str, tuple[str, str]],
    names: dict[str, str],
    result: ImportResult,
) -> None:
    for creator, incoming in by_agency.items():
        code, country = creators[creator]
        saved = ingest([i.record for i in incoming], _local_agency(code, country, names))
        result.complaints += len(incoming)
        result.created += saved.created
        result.updated += saved.updated
        result.unchanged += saved.unchanged
        result.failures += [
            Failure(incoming[c.index].object_id, f"complaint {c.ref}: {c.reason}")
            for c in saved.conflicts
        ]


def _audit(result: ImportResult, partner: str) -> None:
    if result.failures:
        audit.record(
            "sharing.import.rejected", object_type="bundle", outcome="denied", partner=partner,
            count=len(result.failures), reasons=result.rejected[:NOTES_KEPT],
        )  # fmt: skip
    if result.notes:
        audit.record(
            "sharing.import.markings", object_type="bundle", outcome="noted", partner=partner,
            count=len(result.notes), notes=result.notes[:NOTES_KEPT],
        )  # fmt: skip
