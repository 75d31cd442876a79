"""STIX 2.1 mapping of TraceBridge records: pure, deterministic, no Django.

Complaints become an ``incident`` (carrying the redacted canonical record, so import is
lossless) inside a ``report``; each identifier becomes an SCO (standard ones where STIX has
them; OpenCTI's shapes for phone numbers, bank accounts, wallets and cards; ``user-account``
for UPI IDs), an ``indicator`` with a pattern, a ``related-to`` relationship, and a
``sighting`` by the owning agency. Agencies are ``identity`` objects. Markings are the OASIS
TLP 2.0 marking definitions. Our own properties travel in STIX extensions
(``stix_extensions``). Every id derives from the object's natural key (UUIDv5 for SCOs as
§2.9 says, UUIDv4-form for the rest), so the same data always gives the same bundle.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tracebridge.agencies.markings import (
    PAP,
    STIX_TLP2_IDS,
    TLP,
    TLP_EXTENSION,
    Marking,
    labels_marking,
    stix_labels,
)
from tracebridge.sharing import stix_extensions
from tracebridge.sharing.stix_extensions import (
    NEW_SCO_TYPES,
    tb_property,
    with_properties,
)

StixObject = dict[str, Any]

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")  # STIX 2.1 §2.9
TB_NAMESPACE = uuid.UUID("6f1c39a2-0d7e-5b4e-9a52-2a1e7b9c3d10")  # TraceBridge SDO ids
TLP_IDS = {tlp.value: ref for tlp, ref in STIX_TLP2_IDS.items()}
TLP_EPOCH = "2022-10-01T00:00:00.000Z"
# Selectors are shared by many complaints; a fixed version keeps one object per selector (the
# sightings carry when each complaint saw it).
SELECTOR_EPOCH = "2020-01-01T00:00:00.000Z"
KNOWN_TYPES = frozenset(
    {
        "bundle",
        "marking-definition",
        "extension-definition",
        "identity",
        "incident",
        "report",
        "indicator",
        "relationship",
        "sighting",
        "campaign",
        "note",
        "email-addr",
        "domain-name",
        "url",
        "user-account",
        "phone-number",
        "bank-account",
        "payment-card",
        "cryptocurrency-wallet",
    }
)
UNMARKED_TYPES = frozenset({"marking-definition", "extension-definition"})


class StixError(ValueError):
    """A bundle or object that this node refuses, with the reason."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_version_of(obj: Mapping[str, Any]) -> str:
    """STIX 2.1 §3.1: an object without ``spec_version`` is 2.0, unless it is an SCO (no
    ``created``/``modified``), whose default is 2.1 (medallion's ``determine_spec_version``)."""
    if "spec_version" in obj:
        return str(obj["spec_version"])
    return "2.0" if {"created", "modified"} & set(obj) else "2.1"


def sdo_id(stix_type: str, natural_key: str) -> str:
    """STIX 2.1 §2.9 asks SDOs, SROs and bundles for UUIDv4 (strict validation checks the
    version): the bits of the UUIDv5 of the natural key with the version set to 4, so the same
    data still gives the same id."""
    digest = uuid.uuid5(TB_NAMESPACE, f"{stix_type}:{natural_key}").bytes
    return f"{stix_type}--{uuid.UUID(bytes=digest, version=4)}"


def legacy_sdo_id(stix_type: str, natural_key: str) -> str:
    """The UUIDv5 ids of bundles written before ``sdo_id`` gave UUIDv4s (still read)."""
    return f"{stix_type}--{uuid.uuid5(TB_NAMESPACE, f'{stix_type}:{natural_key}')}"


def sco_id(stix_type: str, contributing: Mapping[str, Any]) -> str:
    """STIX 2.1 §2.9: UUIDv5 of the canonical JSON of the id-contributing properties.

    OpenCTI's types (``NEW_SCO_TYPES``) get the same bits with version 4: stix2-validator
    (3.3.2) does not know them as observables and holds them to the SDOs' UUIDv4 rule."""
    digest = uuid.uuid5(SCO_NAMESPACE, canonical_json(contributing))
    if stix_type in NEW_SCO_TYPES:
        digest = uuid.UUID(bytes=digest.bytes, version=4)
    return f"{stix_type}--{digest}"


def stix_time(iso: str) -> str:
    """'2026-01-02T03:04:05.123456+00:00' -> '2026-01-02T03:04:05.123Z' (UTC expected)."""
    text = iso.replace("+00:00", "").rstrip("Z")
    if "T" not in text:
        text += "T00:00:00"
    head, _, frac = text.partition(".")
    return f"{head}.{(frac + '000')[:3]}Z"


def tlp_marking(tlp: str) -> StixObject:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_IDS[tlp],
        "created": TLP_EPOCH,
        "name": f"TLP:{tlp}",
        "extensions": {
            TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.lower()}
        },
    }


def extension_objects() -> list[StixObject]:
    """What every bundle needs for our extensions (see ``stix_extensions``)."""
    return stix_extensions.definitions(TLP_IDS["CLEAR"])


def pap_marking(pap: str) -> StixObject:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": sdo_id("marking-definition", f"PAP:{pap}"),
        "created": TLP_EPOCH,
        "name": f"PAP:{pap}",
        "definition_type": "statement",
        "definition": {"statement": f"PAP:{pap}"},
    }


PAP_IDS = {pap.value: sdo_id("marking-definition", f"PAP:{pap.value}") for pap in PAP}


def markings_of(tlp: str, pap: str = "") -> list[str]:
    refs = [TLP_IDS[tlp]]
    if pap:
        refs.append(PAP_IDS[pap])
    return refs


def referenced_markings(objects: Iterable[StixObject]) -> list[StixObject]:
    """The marking definitions that some object refers to, and no others.

    A definition nothing refers to still reads as a marking of the whole bundle to some tools
    (misp-stix tags every event with each TLP it finds), so it would widen what they show.
    """
    refs = {ref for obj in objects for ref in obj.get("object_marking_refs") or ()}
    found = [tlp_marking(tlp) for tlp, ref in TLP_IDS.items() if ref in refs]
    return found + [pap_marking(pap) for pap, ref in PAP_IDS.items() if ref in refs]


def agency_identity(code: str, name: str, country: str) -> StixObject:
    identity = {
        "type": "identity",
        "spec_version": "2.1",
        "id": sdo_id("identity", f"agency:{code}"),
        "created": TLP_EPOCH,
        "modified": TLP_EPOCH,
        "name": name,
        "identity_class": "organization",
        "sectors": ["government-national"],
        "object_marking_refs": [TLP_IDS["CLEAR"]],
    }
    return with_properties(identity, agency=code, country=country)


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# Properties that take no part in an SCO's id: a UPI login repeats the user id, and a bank
# account's ``value`` repeats the account (OpenCTI derives the id from ``iban``).
NOT_CONTRIBUTING = {"user-account": {"account_login"}, "bank-account": {"value"}}


def _bank_account(kind: str, value: str) -> tuple[StixObject, str]:
    """OpenCTI's ``bank-account`` (pycti ``CustomObservableBankAccount`` in
    OpenCTI-Platform/client-python, pycti/utils/constants.py): ``value`` is required; ``iban``
    is set where the account is an IBAN, ``account_number`` otherwise (country:bank:account)."""
    if kind == "iban":
        return {"value": value, "iban": value}, f"[bank-account:iban = {_quote(value)}]"
    props = {"value": value, "account_number": value}
    return props, f"[bank-account:account_number = {_quote(value)}]"


def observable(key: str) -> tuple[StixObject, str]:
    """The SCO for an identifier key and the STIX pattern that matches it."""
    kind, _, value = key.partition(":")
    if kind == "email":
        props, pattern = {"value": value}, f"[email-addr:value = {_quote(value)}]"
        stix_type = "email-addr"
    elif kind in ("domain", "url", "phone"):
        stix_type = {"domain": "domain-name", "url": "url", "phone": "phone-number"}[kind]
        props, pattern = {"value": value}, f"[{stix_type}:value = {_quote(value)}]"
    elif kind == "upi":  # "upi" is no account-type-ov value: the key in our extension says UPI
        stix_type = "user-account"
        props = {"user_id": value, "account_login": value}
        pattern = f"[user-account:user_id = {_quote(value)}]"
    elif kind in ("iban", "bank"):
        stix_type = "bank-account"
        props, pattern = _bank_account(kind, value)
    elif kind == "card":
        stix_type, props = "payment-card", {"card_number": value}
        pattern = f"[payment-card:card_number = {_quote(value)}]"
    elif kind == "wallet":
        stix_type = "cryptocurrency-wallet"
        props = {"value": value.partition(":")[2] or value}
        pattern = f"[cryptocurrency-wallet:value = {_quote(str(props['value']))}]"
    else:
        raise StixError(f"no STIX shape for identifier key {key!r}")
    skip = NOT_CONTRIBUTING.get(stix_type, set())
    contributing = {k: v for k, v in props.items() if k not in skip}
    sco: StixObject = {
        "type": stix_type,
        "spec_version": "2.1",
        "id": sco_id(stix_type, contributing),
        **props,
    }
    return with_properties(sco, key=key), pattern


def identifier_objects(
    key: str, created_by: str, when: str, tlp: str, pap: str = ""
) -> list[StixObject]:
    """SCO, indicator and the indicator's ``related-to`` relationship for one selector.

    ``related-to``, not ``based-on``: STIX 2.1 §4.7 suggests ``based-on`` only towards
    observed-data, and strict validation refuses other targets."""
    sco, pattern = observable(key)
    marks = markings_of(tlp, pap)
    sco["object_marking_refs"] = marks
    indicator_id = sdo_id("indicator", f"{created_by}:{key}")
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": indicator_id,
        "created_by_ref": created_by,
        "created": when,
        "modified": when,
        "name": key,
        "description": f"Fraud selector reported to {created_by}",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": when,
        "object_marking_refs": marks,
    }
    relation = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": sdo_id("relationship", f"{indicator_id}:related-to:{sco['id']}"),
        "created_by_ref": created_by,
        "created": when,
        "modified": when,
        "relationship_type": "related-to",
        "source_ref": indicator_id,
        "target_ref": sco["id"],
        "object_marking_refs": marks,
    }
    return [sco, indicator, relation]


def complaint_objects(
    record: Mapping[str, Any],
    keys: Sequence[str],
    *,
    agency: str,
    tlp: str,
    pap: str = "",
    modified: str | None = None,
) -> list[StixObject]:
    """Incident + report + selectors + sightings for one (already redacted) complaint."""
    created_by = sdo_id("identity", f"agency:{agency}")
    reference = f"{record['source']}:{record['ref']}"
    when = stix_time(str(record["received_at"]))
    version = stix_time(modified) if modified else when
    marks = markings_of(tlp, pap)
    incident_id = sdo_id("incident", reference)
    objects: list[StixObject] = [
        with_properties({
            "type": "incident",
            "spec_version": "2.1",
            "id": incident_id,
            "created_by_ref": created_by,
            "created": when,
            "modified": version,
            "name": f"Complaint {reference}",
            "description": str(record.get("narrative", ""))[:2000],
            "labels": [str(record.get("scam_type", "unknown"))],
            "object_marking_refs": marks,
        }, complaint=dict(record))
    ]  # fmt: skip
    refs = [incident_id]
    for key in sorted(set(keys)):
        selector = identifier_objects(key, created_by, SELECTOR_EPOCH, tlp, pap)
        objects.extend(selector)
        refs.extend(obj["id"] for obj in selector)
        objects.append(_sighting(selector[1]["id"], created_by, reference, when, version, marks))
        refs.append(objects[-1]["id"])
    objects.append(
        {
            "type": "report",
            "spec_version": "2.1",
            "id": sdo_id("report", reference),
            "created_by_ref": created_by,
            "created": when,
            "modified": version,
            "name": f"Fraud complaint {reference}",
            "report_types": ["threat-report"],
            "published": when,
            "object_refs": refs,
            "object_marking_refs": marks,
        }
    )
    return objects


def _sighting(
    indicator_id: str, agency_ref: str, reference: str, when: str, version: str, marks: list[str]
) -> StixObject:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": sdo_id("sighting", f"{reference}:{indicator_id}"),
        "created_by_ref": agency_ref,
        "created": when,
        "modified": version,
        "first_seen": when,
        "last_seen": when,
        "count": 1,
        "sighting_of_ref": indicator_id,
        "where_sighted_refs": [agency_ref],
        "description": f"Named in complaint {reference}",
        "object_marking_refs": marks,
    }


def bundle(objects: Iterable[StixObject]) -> StixObject:
    """A bundle of unique objects (first copy wins) with an id derived from its content.

    It carries exactly the marking definitions its objects refer to, first.
    """
    unique: dict[str, StixObject] = {}
    for obj in objects:
        if obj.get("type") != "marking-definition":
            unique.setdefault(f"{obj['id']}|{obj.get('modified', '')}", obj)
    for obj in referenced_markings(unique.values()):
        unique[f"{obj['id']}|"] = obj
    items = sorted(unique.values(), key=lambda o: o["type"] != "marking-definition")
    digest = hashlib.sha256(canonical_json(sorted(unique)).encode()).hexdigest()
    return {"type": "bundle", "id": sdo_id("bundle", digest), "objects": items}


# --- import --------------------------------------------------------------------------------


def object_marking(obj: Mapping[str, Any], definitions: Mapping[str, Any]) -> Marking:
    """The effective marking of one received object: all its marking references and, for an
    incident, the markings its canonical complaint states (``agencies.markings`` decides)."""
    labels = stix_labels(obj, definitions)
    record = tb_property(obj, "complaint")  # our extension, or x_tracebridge_complaint (older)
    if isinstance(record, Mapping):
        for field, prefix in (("tlp", "TLP"), ("pap", "PAP")):
            values = record.get(field)
            values = values if isinstance(values, list) else [values] if values else []
            labels += [f"{prefix}:{value}" for value in values]
    return labels_marking(labels)


def check_object(obj: Any, definitions: Mapping[str, Mapping[str, Any]]) -> Marking:
    """The marking of an object a partner may send us, or StixError saying why it is refused."""
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise StixError("an object without an id")
    stix_type = obj.get("type")
    if stix_type not in KNOWN_TYPES or not obj["id"].startswith(f"{stix_type}--"):
        raise StixError(f"{obj['id']}: unknown object type {stix_type!r}")
    if stix_type in UNMARKED_TYPES:
        return Marking(TLP.CLEAR, None)
    if labels_marking(stix_labels(obj, definitions)).tlp is None:  # a custom field is no marking
        raise StixError(f"{obj['id']}: no TLP marking")
    marking = object_marking(obj, definitions)
    assert marking.tlp is not None
    if not marking.tlp.leaves_agency:
        raise StixError(f"{obj['id']}: marked TLP:{marking.tlp}, which never leaves its agency")
    return marking


def complaint_of(obj: Mapping[str, Any], marking: Marking) -> dict[str, Any] | None:
    """The canonical record an accepted incident carries, with its effective marking (from our
    extension, or from ``x_tracebridge_complaint`` in older bundles)."""
    complaint = tb_property(obj, "complaint")
    if obj.get("type") != "incident" or not isinstance(complaint, dict):
        return None
    record = dict(complaint)
    record["tlp"] = marking.tlp.value if marking.tlp else None
    record["pap"] = marking.pap.value if marking.pap else None
    return record
