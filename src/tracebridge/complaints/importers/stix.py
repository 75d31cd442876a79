"""STIX 2.1 bundles: one ``report`` (or ``grouping``) per complaint (DESIGN.md's mapping).

The bundle is read twice, streaming: first the observables, indicators, identities, marking
definitions, observed-data and misp-stix's ``x-misp-attribute`` / ``x-misp-object`` (small:
they are shared by many reports), then the reports one by one. Memory grows with the number of
selectors and of objects that may be skipped, never with the number of complaints (reports,
incidents, relationships and sightings are not kept). misp-stix exports an unpublished MISP event as a
``grouping``: it is read as a report. What a report refers to but this node does not read, and
what no report refers to, is skipped with its type and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson

from tracebridge import jsonlimits
from tracebridge.agencies.markings import TLP, labels_marking, stix_labels
from tracebridge.complaints.importers.base import Parsed, Skip, validated
from tracebridge.complaints.importers.collect import Collected
from tracebridge.complaints.importers.mispattr import NOT_READ, read_attribute, read_object
from tracebridge.complaints.schema import CHANNELS, SCAM_TYPES

# One comparison of a pattern, anywhere in it (patterns join them with AND / OR).
_PATTERN = re.compile(r"([a-z0-9-]+):([a-z0-9_.\[\]*'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'", re.IGNORECASE)
# (STIX object type, property) -> canonical suspect list ("ip": a URL, if one address)
_PATTERN_FIELDS = {
    ("phone-number", "value"): "phones",
    ("email-addr", "value"): "emails",
    ("email-message", "from_ref.value"): "emails",
    ("url", "value"): "urls",
    ("domain-name", "value"): "urls",
    ("domain-name", "resolves_to_refs[*].value"): "ip",
    ("ipv4-addr", "value"): "ip",
    ("ipv6-addr", "value"): "ip",
    ("cryptocurrency-wallet", "value"): "crypto_wallets",
    ("bank-account", "iban"): "iban",
    ("bank-account", "account_number"): "account",
    ("user-account", "user_id"): "upi_ids",
    ("user-account", "account_login"): "upi_ids",
}
REPORTS = ("report", "grouping")
# Objects that hold a bundle together rather than say something about a suspect: never skipped.
STRUCTURE = frozenset(
    {"marking-definition", "extension-definition", "language-content", "relationship",
     "sighting", "identity", "incident", "observed-data", *REPORTS}
)  # fmt: skip
NOTHING_READ = "its pattern names nothing this node reads"
VICTIM = "a person may be the victim: not read"


@dataclass
class _Index:
    selectors: dict[str, Collected] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # observed-data -> its objects
    # The type of every object that may be skipped (not STRUCTURE, which grows with complaints)
    kinds: dict[str, str] = field(default_factory=dict)
    people: set[str] = field(default_factory=set)  # identities of individuals
    referenced: set[str] = field(default_factory=set)
    markings: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> definition
    identities: dict[str, str] = field(default_factory=dict)


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed | Skip]:
    index, problem = _index(stream)
    stream.seek(0)
    position = 0
    # The first pass read the whole bundle within the limits, or stopped where this one will.
    objects = jsonlimits.items(stream, "objects.item", "the bundle", guard=bool(problem))
    try:
        for position, obj in enumerate(objects, 1):
            if isinstance(obj, dict) and obj.get("type") in REPORTS:
                yield _report(position, obj, index, default_country)
    except ijson.JSONError as exc:
        problem = problem or f"the bundle is cut short or not JSON: {exc}"
    except jsonlimits.JsonInputError as exc:
        problem = problem or str(exc)
    yield from _unreferenced(index)
    if problem:
        yield Parsed(position + 1, reason=problem, item="(rest of the bundle)")


def _index(stream: IO[bytes]) -> tuple[_Index, str]:
    index = _Index()
    try:
        for obj in jsonlimits.items(stream, "objects.item", "the bundle"):
            if isinstance(obj, dict):
                _remember(index, obj)
    except ijson.JSONError as exc:
        return index, f"the bundle is cut short or not JSON: {exc}"
    except jsonlimits.JsonInputError as exc:
        return index, str(exc)
    return index, ""


def _remember(index: _Index, obj: dict[str, Any]) -> None:
    kind, oid = str(obj.get("type", "")), str(obj.get("id", ""))
    if kind not in STRUCTURE:
        index.kinds[oid] = kind
    if kind == "marking-definition":
        index.markings.setdefault(oid, obj)
    elif kind == "identity":
        index.identities[oid] = str(obj.get("name", ""))
        if obj.get("identity_class") == "individual":
            index.people.add(oid)
    elif kind == "observed-data":
        _observed(index, oid, obj)
    else:
        found = _selectors(kind, oid, obj)
        if found is not None:
            index.selectors[oid] = found


def _observed(index: _Index, oid: str, obj: dict[str, Any]) -> None:
    """STIX 2.1 ``object_refs``, or the deprecated embedded ``objects`` (given ids of their own)."""
    refs = [str(ref) for ref in obj.get("object_refs") or []]
    embedded = obj.get("objects")
    for key, inner in embedded.items() if isinstance(embedded, dict) else []:
        if isinstance(inner, dict):
            inner_id = f"{oid}/{key}"
            index.kinds[inner_id] = str(inner.get("type", ""))
            index.referenced.add(inner_id)  # only ever reached through this observed-data
            found = _selectors(index.kinds[inner_id], inner_id, inner)
            if found is not None:
                index.selectors[inner_id] = found
            refs.append(inner_id)
    index.groups[oid] = refs


def _selectors(kind: str, oid: str, obj: dict[str, Any]) -> Collected | None:
    """What one object names, or None when it is not a kind this node reads."""
    found = Collected()
    if kind == "indicator":
        for target, value in _from_pattern(str(obj.get("pattern", ""))):
            found.add(target, value, kind, oid)
        if not (found.suspect or found.skipped):
            found.skip(kind, NOTHING_READ, oid)
    elif kind == "x-misp-attribute":
        attr = {k.removeprefix("x_misp_"): v for k, v in obj.items() if k.startswith("x_misp_")}
        read_attribute(found, {**attr, "uuid": oid}, f"{kind} {attr.get('type', '')}".strip())
    elif kind == "x-misp-object":
        read_object(found, str(obj.get("x_misp_name") or kind), obj.get("x_misp_attributes"), oid)
    elif kind == "user-account" and obj.get("account_type") not in (None, "upi"):
        return None
    else:
        pairs = [
            (f, str(obj[p])) for (t, p), f in _PATTERN_FIELDS.items() if t == kind and obj.get(p)
        ]
        if not pairs:
            return None
        for target, value in pairs:
            found.add(target, value, kind, oid)
    return found


def _from_pattern(pattern: str) -> list[tuple[str, str]]:
    out = []
    for kind, prop, value in _PATTERN.findall(pattern):
        target = _PATTERN_FIELDS.get((kind.lower(), prop.lower()))
        if target:
            out.append((target, value.replace("\\'", "'").replace("\\\\", "\\")))
    return out


def _follow(found: Collected, ref: str, index: _Index, seen: set[str], depth: int = 0) -> None:
    """Read one object a report refers to, through observed-data, or say why it is skipped;
    an object referred to twice (misp-stix lists an SCO and its observed-data) is read once."""
    if ref in seen:
        return
    seen.add(ref)
    kind = index.kinds.get(ref)
    if kind is not None:
        index.referenced.add(ref)
    if ref in index.groups and depth < 2:
        for inner in index.groups[ref]:
            _follow(found, inner, index, seen, depth + 1)
    elif ref in index.people:
        found.skip("identity", VICTIM, ref)
    elif ref in index.selectors:
        found.merge(index.selectors[ref], kind or "", ref)
    elif kind is not None:
        found.skip(kind, NOT_READ, ref)
    elif ref.partition("--")[0] not in STRUCTURE:  # structure holds the bundle together
        found.skip(ref.partition("--")[0] or "reference", "not in this bundle", ref)


def _unreferenced(index: _Index) -> Iterator[Skip]:
    for oid, kind in index.kinds.items():
        if oid not in index.referenced:
            yield Skip(kind or "object", "not referred to by any report or grouping", oid)


def _report(position: int, obj: dict[str, Any], index: _Index, country: str) -> Parsed:
    found, seen = Collected(), set[str]()
    for ref in obj.get("object_refs") or []:
        _follow(found, str(ref), index, seen)
    record = {
        "ref": _ref(obj),
        "source": str(obj.get("x_tracebridge_source") or "STIX"),
        "country": str(obj.get("x_tracebridge_country") or country),
        "received_at": obj.get("published") or obj.get("created"),
        "channel": _one_of(obj.get("x_tracebridge_channel"), CHANNELS, "other"),
        "scam_type": _scam_type(obj),
        "narrative": found.narrative(str(obj.get("description") or obj.get("name") or "")),
        "suspect": found.without_empty(),
    }
    marking = labels_marking(stix_labels(obj, index.markings))
    record["tlp"] = (marking.tlp or TLP.AMBER).value  # an unmarked report stays at home
    if marking.pap:
        record["pap"] = marking.pap.value
    if isinstance(obj.get("x_tracebridge_loss"), dict):
        record["loss"] = obj["x_tracebridge_loss"]
    return validated(
        position, record, item=str(obj.get("id", "")), skipped=found.skipped, notes=marking.notes
    )


def _ref(obj: dict[str, Any]) -> str:
    for ext in obj.get("external_references") or []:
        if isinstance(ext, dict) and ext.get("external_id"):
            return str(ext["external_id"])
    return str(obj.get("id", ""))


def _one_of(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _scam_type(obj: dict[str, Any]) -> str:
    for label in [obj.get("x_tracebridge_scam_type"), *(obj.get("labels") or [])]:
        if isinstance(label, str) and label.replace("-", "_") in SCAM_TYPES:
            return label.replace("-", "_")
    return "unknown"
