"""MISP events as JSON: ``{"Event": …}``, ``{"response": [{"Event": …}, …]}`` or a list.

One event is one complaint. Attributes (also those inside objects) become suspect selectors;
``tlp:`` and ``PAP:`` tags become the marking; ``tracebridge:`` tags carry the canonical fields
MISP has no place for. Events stream one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

import ijson

from tracebridge.complaints.importers.base import (
    ImportFormatError,
    Parsed,
    add_selector,
    validated,
)
from tracebridge.complaints.schema import CHANNELS, SCAM_TYPES

# MISP attribute type (or object relation) -> canonical suspect list
ATTRIBUTE_FIELDS = {
    "phone-number": "phones",
    "whois-registrant-phone": "phones",
    "email": "emails",
    "email-src": "emails",
    "email-dst": "emails",
    "whois-registrant-email": "emails",
    "url": "urls",
    "link": "urls",
    "domain": "urls",
    "hostname": "urls",
    "btc": "crypto_wallets",
    "xmr": "crypto_wallets",
    "dash": "crypto_wallets",
    "address": "crypto_wallets",  # coin-address object
    "iban": "iban",
    "bank-account-nr": "account",
    "account-nr": "account",
}
_TAG = re.compile(r'^tracebridge:([a-z_-]+)="?([^"]*)"?$', re.IGNORECASE)


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed]:
    prefix = _prefix(stream.read(4096))
    stream.seek(0)
    position = 0
    try:
        for position, event in enumerate(ijson.items(stream, prefix, use_float=True), 1):
            yield _event(position, event, default_country)
    except ijson.JSONError as exc:
        yield Parsed(
            position + 1, reason=f"the file is cut short or not JSON: {exc}", item="(rest)"
        )


def _prefix(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "item.Event"
    match = re.match(rb'\{\s*"(Event|response)"', text)
    if match is None:
        raise ImportFormatError('not MISP event JSON: expected {"Event": …}, {"response": …} or [')
    return "Event" if match.group(1) == b"Event" else "response.item.Event"


def _attributes(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from event.get("Attribute") or []
    for obj in event.get("Object") or []:
        if isinstance(obj, dict) and obj.get("name") != "person":  # could be the victim
            yield from obj.get("Attribute") or []


def _suspect(event: dict[str, Any]) -> tuple[dict[str, list[Any]], list[str]]:
    suspect: dict[str, list[Any]] = {}
    notes = []
    for attr in _attributes(event):
        if not isinstance(attr, dict):
            continue
        value = str(attr.get("value") or "").strip()
        target = ATTRIBUTE_FIELDS.get(str(attr.get("type"))) or ATTRIBUTE_FIELDS.get(
            str(attr.get("object_relation"))
        )
        if not value:
            continue
        if target:
            add_selector(suspect, target, value)
        elif attr.get("type") in ("text", "comment"):
            notes.append(value)
    return suspect, notes


def _tags(event: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in event.get("Tag") or []:
        name = str(tag.get("name", "") if isinstance(tag, dict) else tag).strip()
        low = name.lower()
        if low.startswith("tlp:"):
            out["tlp"] = name
        elif low.startswith("pap:"):
            out["pap"] = name
        elif match := _TAG.match(name):
            out[match.group(1).replace("-", "_").lower()] = match.group(2)
    return out


def _received(event: dict[str, Any]) -> Any:
    for key in ("publish_timestamp", "timestamp"):
        stamp = str(event.get(key) or "")
        if stamp.isdigit() and int(stamp) > 0:
            return datetime.fromtimestamp(int(stamp), UTC)
    date = event.get("date")
    return f"{date}T00:00:00Z" if date else None


def _event(position: int, event: Any, country: str) -> Parsed:
    if not isinstance(event, dict):
        return Parsed(position, reason="an Event that is not a JSON object", raw=str(event))
    suspect, notes = _suspect(event)
    tags = _tags(event)
    record = {
        "ref": str(event.get("uuid") or event.get("id") or ""),
        "source": tags.get("source") or "MISP",
        "country": tags.get("country") or country,
        "received_at": _received(event),
        "channel": tags["channel"] if tags.get("channel") in CHANNELS else "other",
        "scam_type": tags["scam_type"] if tags.get("scam_type") in SCAM_TYPES else "unknown",
        "narrative": "\n\n".join([str(event.get("info") or ""), *notes]).strip(),
        "suspect": suspect,
        "tlp": tags.get("tlp", "AMBER"),
        "pap": tags.get("pap"),
    }
    return validated(position, record, item=str(event.get("uuid") or ""))
