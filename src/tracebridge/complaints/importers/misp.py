"""MISP events as JSON: ``{"Event": …}``, ``{"response": [{"Event": …}, …]}``, a list of either,
or a bare event (what PyMISP's ``MISPEvent.to_json()`` writes).

One event is one complaint. Attributes (also those inside objects) become suspect selectors
(``mispattr``); ``tlp:`` and ``PAP:`` tags become the marking; ``tracebridge:`` tags carry the
canonical fields MISP has no place for. Events stream one at a time. What is not read is skipped
with its type and the reason, on the event's row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

import ijson

from tracebridge import jsonlimits
from tracebridge.agencies.markings import TLP, Marking, labels_marking
from tracebridge.complaints.importers.base import ImportFormatError, Parsed, Skip, validated
from tracebridge.complaints.importers.collect import Collected
from tracebridge.complaints.importers.mispattr import read_attribute, read_object
from tracebridge.complaints.schema import CHANNELS, SCAM_TYPES

_TAG = re.compile(r'^tracebridge:([a-z_-]+)="?([^"]*)"?$', re.IGNORECASE)
_WRAPPER = re.compile(rb'\{\s*"(Event|response)"\s*:')


def read(stream: IO[bytes], default_country: str) -> Iterator[Parsed | Skip]:
    prefix = _prefix(stream.read(4096))
    stream.seek(0)
    position = 0
    try:
        for position, item in enumerate(jsonlimits.items(stream, prefix), 1):
            yield _event(position, _unwrapped(item), default_country)
    except ijson.JSONError as exc:
        yield Parsed(
            position + 1, reason=f"the file is cut short or not JSON: {exc}", item="(rest)"
        )
        return
    except jsonlimits.JsonInputError as exc:
        yield Parsed(position + 1, reason=str(exc), item="(rest)")
        return
    if position == 0:  # e.g. an attribute search result: MISP JSON, but no event in it
        yield Skip(
            "(whole file)", f"no MISP event at {prefix or 'the top'} (expected Event objects)"
        )


def _prefix(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "item"
    if not text.startswith(b"{"):
        raise ImportFormatError(
            'not MISP event JSON: expected {"Event": …}, {"response": …}, [ or a bare event {…}'
        )
    match = _WRAPPER.match(text)
    if match is None:
        return ""  # a bare event, as MISPEvent.to_json() writes it
    return "Event" if match.group(1) == b"Event" else "response.item"


def _unwrapped(item: Any) -> Any:
    """The event inside ``{"Event": …}``; a bare event as it is."""
    if isinstance(item, dict) and isinstance(item.get("Event"), dict):
        return item["Event"]
    return item


def _collected(event: dict[str, Any]) -> Collected:
    found = Collected()
    attributes = event.get("Attribute") or []
    for attr in attributes if isinstance(attributes, list) else []:
        read_attribute(found, attr)
    objects = event.get("Object") or []
    for obj in objects if isinstance(objects, list) else []:
        if isinstance(obj, dict):
            name = str(obj.get("name") or "object")
            read_object(found, name, obj.get("Attribute"), str(obj.get("uuid") or ""))
    return found


def _tags(event: dict[str, Any]) -> tuple[dict[str, str], Marking]:
    """``tracebridge:`` fields, and the effective marking of all ``tlp:`` and ``PAP:`` tags."""
    out: dict[str, str] = {}
    markings = []
    for tag in event.get("Tag") or []:
        name = str(tag.get("name", "") if isinstance(tag, dict) else tag).strip()
        marking = name.removeprefix("statement:")  # misp-stix tags a STIX statement so
        if marking[:4].lower() in ("tlp:", "pap:"):
            markings.append(marking)
        elif match := _TAG.match(name):
            out[match.group(1).replace("-", "_").lower()] = match.group(2)
    return out, labels_marking(markings)


def _received(event: dict[str, Any]) -> Any:
    """When the event was published, else last changed, else its date, else now (the import)."""
    for key in ("publish_timestamp", "timestamp"):
        stamp = str(event.get(key) or "")
        if stamp.isdigit() and 0 < int(stamp) < 1 << 40:
            return datetime.fromtimestamp(int(stamp), UTC)
    date = event.get("date")
    return f"{date}T00:00:00Z" if date else datetime.now(UTC)


def _is_event(item: dict[str, Any]) -> bool:
    lists = (isinstance(item.get(key), list) for key in ("Attribute", "Object"))
    return "info" in item or "date" in item or any(lists)


def _ref(event: dict[str, Any]) -> str:
    """The event's uuid (or id); for one without either, a hash of its content, so that
    importing the same file again finds the same complaint (as for the FTC's rows)."""
    given = str(event.get("uuid") or event.get("id") or "").strip()
    if given:
        return given
    content = json.dumps(event, sort_keys=True, default=str).encode()
    return "MISP-" + hashlib.sha256(content).hexdigest()[:24]


def _event(position: int, event: Any, country: str) -> Parsed | Skip:
    if not isinstance(event, dict):
        return Parsed(position, reason="an Event that is not a JSON object", raw=str(event))
    if not _is_event(event):  # e.g. {"Object": {…}} of an object search result
        kind = next(iter(event), "item")
        return Skip(
            str(kind)[:40], "not a MISP event (an event has info, date, Attribute or Object)"
        )
    found = _collected(event)
    tags, marking = _tags(event)
    record = {
        "ref": _ref(event),
        "source": tags.get("source") or "MISP",
        "country": tags.get("country") or country,
        "received_at": _received(event),
        "channel": tags["channel"] if tags.get("channel") in CHANNELS else "other",
        "scam_type": tags["scam_type"] if tags.get("scam_type") in SCAM_TYPES else "unknown",
        "narrative": found.narrative(str(event.get("info") or "")),
        "suspect": found.without_empty(),
        "tlp": (marking.tlp or TLP.AMBER).value,  # an untagged event stays at home
        "pap": marking.pap.value if marking.pap else None,
    }
    return validated(
        position, record, item=record["ref"], skipped=found.skipped, notes=marking.notes
    )
