"""STIX 2.1 bundles: one ``report`` per complaint (DESIGN.md's mapping).

The bundle is read twice, streaming: first the observables, indicators, identities and marking
definitions (small: they are shared by many reports), then the reports one by one. Memory grows
with the number of distinct selectors, never with the number of complaints.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson

from tracebridge.agencies.markings import TLP
from tracebridge.complaints.importers.base import Parsed, add_selector, validated
from tracebridge.complaints.schema import CHANNELS, SCAM_TYPES

# TLP 2.0 (OASIS extension) and TLP 1.0 (STIX 2.1 §7.2.1.4) marking-definition ids.
TLP_IDS = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "CLEAR",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "GREEN",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "AMBER",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "AMBER+STRICT",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "RED",
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "CLEAR",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
}
_PATTERN = re.compile(
    r"\[\s*([a-z0-9-]+):([a-z0-9_.\[\]'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]", re.IGNORECASE
)
# (STIX object type, property) -> canonical suspect list
_PATTERN_FIELDS = {
    ("phone-number", "value"): "phones",
    ("email-addr", "value"): "emails",
    ("url", "value"): "urls",
    ("domain-name", "value"): "urls",
    ("cryptocurrency-wallet", "value"): "crypto_wallets",
    ("bank-account", "iban"): "iban",
    ("bank-account", "account_number"): "account",
    ("user-account", "user_id"): "upi_ids",
    ("user-account", "account_login"): "upi_ids",
}


@dataclass
class _Index:
    selectors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    markings: dict[str, str] = field(default_factory=lambda: dict(TLP_IDS))
    identities: dict[str, str] = field(default_factory=dict)


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed]:
    index, problem = _index(stream)
    stream.seek(0)
    position = 0
    try:
        for position, obj in enumerate(ijson.items(stream, "objects.item", use_float=True), 1):
            if isinstance(obj, dict) and obj.get("type") == "report":
                yield _report(position, obj, index, default_country)
    except ijson.JSONError as exc:
        problem = problem or f"the bundle is cut short or not JSON: {exc}"
    if problem:
        yield Parsed(position + 1, reason=problem, item="(rest of the bundle)")


def _index(stream: IO[bytes]) -> tuple[_Index, str]:
    index = _Index()
    try:
        for obj in ijson.items(stream, "objects.item", use_float=True):
            if isinstance(obj, dict):
                _remember(index, obj)
    except ijson.JSONError as exc:
        return index, f"the bundle is cut short or not JSON: {exc}"
    return index, ""


def _remember(index: _Index, obj: dict[str, Any]) -> None:
    kind, oid = obj.get("type"), str(obj.get("id", ""))
    if kind == "marking-definition":
        name = str(obj.get("name") or (obj.get("definition") or {}).get("tlp") or "")
        with contextlib.suppress(ValueError):
            index.markings.setdefault(oid, TLP.parse(name).value)
    elif kind == "identity":
        index.identities[oid] = str(obj.get("name", ""))
    elif kind == "indicator":
        index.selectors[oid] = _from_pattern(str(obj.get("pattern", "")))
    elif kind == "user-account" and obj.get("account_type") not in (None, "upi"):
        return
    else:
        found = [
            (f, str(obj[p])) for (t, p), f in _PATTERN_FIELDS.items() if t == kind and obj.get(p)
        ]
        if found:
            index.selectors[oid] = found


def _from_pattern(pattern: str) -> list[tuple[str, str]]:
    out = []
    for kind, prop, value in _PATTERN.findall(pattern):
        target = _PATTERN_FIELDS.get((kind.lower(), prop.lower()))
        if target:
            out.append((target, value.replace("\\'", "'").replace("\\\\", "\\")))
    return out


def _report(position: int, obj: dict[str, Any], index: _Index, country: str) -> Parsed:
    suspect: dict[str, list[Any]] = {}
    for ref in obj.get("object_refs") or []:
        for target, value in index.selectors.get(str(ref), []):
            add_selector(suspect, target, value)
    record = {
        "ref": _ref(obj),
        "source": str(obj.get("x_tracebridge_source") or "STIX"),
        "country": str(obj.get("x_tracebridge_country") or country),
        "received_at": obj.get("published") or obj.get("created"),
        "channel": _one_of(obj.get("x_tracebridge_channel"), CHANNELS, "other"),
        "scam_type": _scam_type(obj),
        "narrative": str(obj.get("description") or obj.get("name") or ""),
        "suspect": suspect,
        "tlp": _tlp(obj, index),
    }
    if isinstance(obj.get("x_tracebridge_loss"), dict):
        record["loss"] = obj["x_tracebridge_loss"]
    return validated(position, record, item=str(obj.get("id", "")))


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


def _tlp(obj: dict[str, Any], index: _Index) -> str:
    """The strictest TLP among the report's markings; AMBER when it has none."""
    found = [index.markings[m] for m in obj.get("object_marking_refs") or [] if m in index.markings]
    if not found:
        return TLP.AMBER.value
    return max((TLP(v) for v in found), key=lambda t: t.rank).value
