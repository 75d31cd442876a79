"""MISP events and feeds, built natively (misp-stix would flatten phone, bank and wallet SCOs).

Pure: no Django. One event per complaint with ``phone-number``, ``bank-account`` and
``coin-address`` objects, plain attributes for e-mail, domains, URLs and UPI IDs, and ``tlp:`` /
``PAP:`` tags. A feed is a directory of ``<uuid>.json`` events, ``manifest.json`` and
``hashes.csv`` (MD5 of each attribute value, as MISP's feed format defines).
"""

from __future__ import annotations

import csv
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

NAMESPACE = uuid.UUID("2b1f6a4e-9c3d-5e7f-8a1b-0c2d3e4f5a6b")
TEMPLATES = {  # misp-objects template uuid and version
    "phone-number": ("c4b5a67c-63d2-11ec-90d6-0242ac120003", "1", "mobile"),
    "bank-account": ("b4712203-95a8-4883-80e9-b566f5df11c9", "3", "financial"),
    "coin-address": ("d0e6997e-78da-4815-a6a1-cfc1c1cb8a46", "7", "financial"),
}
PLAIN = {  # identifier kind -> (MISP attribute type, category)
    "email": ("email", "Payload delivery"),
    "domain": ("domain", "Network activity"),
    "url": ("url", "Network activity"),
    "upi": ("text", "Financial fraud"),
}
Event = dict[str, Any]
MANIFEST_KEYS = ("info", "Orgc", "analysis", "threat_level_id", "timestamp", "date", "Tag")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def _attribute(event: str, relation: str, kind: str, value: str, category: str) -> dict[str, Any]:
    return {
        "uuid": _uuid(event, relation, kind, value),
        "object_relation": relation,
        "type": kind,
        "category": category,
        "value": value,
        "to_ids": True,
        "disable_correlation": False,
    }


def _object(event: str, name: str, attributes: list[dict[str, Any]]) -> dict[str, Any]:
    template, version, meta = TEMPLATES[name]
    return {
        "uuid": _uuid(event, name, *(a["value"] for a in attributes)),
        "name": name,
        "meta-category": meta,
        "template_uuid": template,
        "template_version": version,
        "description": name,
        "distribution": "5",
        "Attribute": attributes,
    }


def selector(event: str, key: str) -> tuple[str, Any] | None:
    """('object', obj) or ('attribute', attr) for an identifier key; None if MISP lacks it."""
    kind, _, value = key.partition(":")
    if kind == "phone":
        attr = _attribute(event, "phone-number", "phone-number", value, "Financial fraud")
        return "object", _object(event, "phone-number", [attr])
    if kind == "iban":
        attr = _attribute(event, "iban", "iban", value, "Financial fraud")
        return "object", _object(event, "bank-account", [attr])
    if kind == "bank":
        country, _, rest = value.partition(":")
        code, _, account = rest.partition(":")
        attrs = [_attribute(event, "account", "bank-account-nr", account, "Financial fraud")]
        if country == "US" and code != "-":
            attrs.append(_attribute(event, "aba-rtn", "aba-rtn", code, "Financial fraud"))
        elif code != "-":  # an Indian IFSC: a branch code, not a BIC
            attrs.append(_attribute(event, "branch", "text", code, "Financial fraud"))
        return "object", _object(event, "bank-account", attrs)
    if kind == "wallet":
        chain, _, address = value.partition(":")
        attrs = [
            _attribute(event, "address", "btc" if chain == "btc" else "text", address,
                       "Financial fraud"),
            _attribute(event, "symbol", "text", chain.upper(), "Financial fraud"),
        ]  # fmt: skip
        if chain != "btc":
            attrs[0]["object_relation"] = "address-crypto"
        return "object", _object(event, "coin-address", attrs)
    if kind in PLAIN:
        misp_type, category = PLAIN[kind]
        attr = _attribute(event, "", misp_type, value, category)
        attr.pop("object_relation")
        if kind == "upi":
            attr["comment"] = "UPI virtual payment address"
        return "attribute", attr
    return None


def event_for(
    record: Mapping[str, Any],
    keys: Sequence[str],
    *,
    org: str,
    tlp: str,
    pap: str = "",
    timestamp: datetime,
) -> Event:
    reference = f"{record['source']}:{record['ref']}"
    event_uuid = _uuid("event", reference)
    tags = [{"name": f"tlp:{tlp.lower()}"}] + ([{"name": f"PAP:{pap}"}] if pap else [])
    tags.append({"name": f'tracebridge:scam-type="{record.get("scam_type", "unknown")}"'})
    objects: list[Any] = []
    attributes: list[Any] = []
    for key in sorted(set(keys)):
        found = selector(event_uuid, key)
        if found:
            (objects if found[0] == "object" else attributes).append(found[1])
    attributes += _transaction_numbers(event_uuid, record)
    return {
        "Event": {
            "uuid": event_uuid,
            "info": f"Fraud complaint {reference}",
            "date": str(record["received_at"])[:10],
            "timestamp": str(int(timestamp.timestamp())),
            "publish_timestamp": str(int(timestamp.timestamp())),
            "published": True,
            "analysis": "2",
            "threat_level_id": "2",
            "distribution": "0",
            "Orgc": {"name": org, "uuid": _uuid("org", org)},
            "Tag": tags,
            "Attribute": attributes,
            "Object": objects,
        }
    }


TRANSACTION_COMMENT = "UTR or transaction ID of a payment the victim made"


def _transaction_numbers(event: str, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The UTRs and transaction IDs of the victim's payments (what banks trace money by)."""
    rows = record.get("transactions") or []
    numbers = sorted({str(r["reference"]) for r in rows if r.get("reference")})
    out = []
    for number in numbers:
        attribute = _attribute(event, "transaction-number", "text", number, "Financial fraud")
        del attribute["object_relation"]  # an event's own attribute, not an object's
        out.append({**attribute, "comment": TRANSACTION_COMMENT})
    return out


def _values(event: Event) -> Iterable[str]:
    body = event["Event"]
    for attr in body["Attribute"]:
        yield attr["value"]
    for obj in body["Object"]:
        for attr in obj["Attribute"]:
            yield attr["value"]


def write_events(out: Path, events: Iterable[Event], *, feed: bool) -> int:
    """Write one JSON file per event; with ``feed``, also manifest.json and hashes.csv."""
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    count = 0
    rows: list[list[str]] = []
    for event in events:
        body = event["Event"]
        (out / f"{body['uuid']}.json").write_text(json.dumps(event, indent=1), "utf-8")
        count += 1
        if feed:
            manifest[body["uuid"]] = {k: body[k] for k in MANIFEST_KEYS}
            rows += [[_md5(value), body["uuid"]] for value in _values(event)]
    if feed:
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
        with (out / "hashes.csv").open("w", newline="") as hashes:
            csv.writer(hashes).writerows(rows)
    return count


def _md5(value: str) -> str:
    return hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()
