"""Formal cross-border requests without Django: each kind's fields as JSON Schema, the
completeness check that names every missing field, the status model's transition table and the
clocks (preservation expiry, emergency and due dates).

One schema per kind serves the form, the API and the ``tracebridge request`` command.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KINDS = ("preservation", "production", "mla", "emergency")
DATA_CATEGORIES = (
    "subscriber",
    "call_records",
    "ip_logs",
    "bank_statements",
    "kyc",
    "device_image",
    "content",
)
FOLLOW_UP = ("production", "mla")


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description}


IDENTIFIER = {
    "type": "object",
    "description": "an identifier and the time range of the records asked for",
    "required": ["value", "from", "to", "zone"],
    "properties": {
        "value": _text("phone number, account, UPI ID, IP address, e-mail, domain…"),
        "type": {"type": "string", "description": "phone, account, upi, ip, email, domain…"},
        "from": _text("start of the time range, ISO 8601 (2026-03-01T00:00:00)"),
        "to": _text("end of the time range, ISO 8601"),
        "zone": _text("IANA time zone of the range, e.g. Asia/Kolkata or America/New_York"),
    },
}
IDENTIFIERS = {
    "type": "array",
    "minItems": 1,
    "items": IDENTIFIER,
    "description": "identifiers with the time range and zone of the records",
}
AUTHORITY = _text("the requesting authority: agency, officer, contact")

_FIELDS: dict[str, tuple[list[str], dict[str, Any]]] = {
    # Budapest Convention Art. 29(2) (a)-(f); 18 U.S.C. 2703(f).
    "preservation": (
        [
            "requesting_authority",
            "offence",
            "summary_of_facts",
            "stored_data",
            "relation_to_offence",
            "custodian",
            "necessity",
            "follow_up",
        ],
        {
            "requesting_authority": AUTHORITY,
            "offence": _text("Art. 29(2)(b): the offence under investigation"),
            "summary_of_facts": _text("Art. 29(2)(b): a brief summary of the related facts"),
            "stored_data": _text("Art. 29(2)(c): the stored computer data to be preserved"),
            "relation_to_offence": _text("Art. 29(2)(c): the data's relationship to the offence"),
            "custodian": _text(
                "Art. 29(2)(d): what identifies the custodian of the data or the location of "
                "the computer system"
            ),
            "necessity": _text("Art. 29(2)(e): why preservation is necessary"),
            "follow_up": {
                "type": "string",
                "enum": list(FOLLOW_UP),
                "description": "Art. 29(2)(f): the request for production or mutual assistance "
                "that will follow",
            },
            "identifiers": {**IDENTIFIERS, "minItems": 0},
        },
    ),
    "production": (
        ["requesting_authority", "offence", "identifiers", "data_categories"],
        {
            "requesting_authority": AUTHORITY,
            "offence": _text("the offence under investigation"),
            "identifiers": IDENTIFIERS,
            "data_categories": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "enum": list(DATA_CATEGORIES)},
                "description": "the records asked for",
            },
            "legal_basis": {"type": "string", "description": "order, subpoena or provision"},
        },
    ),
    "mla": (
        [
            "requesting_authority",
            "legal_provisions",
            "case_summary",
            "assistance_sought",
            "necessity_and_proportionality",
        ],
        {
            "requesting_authority": AUTHORITY,
            "legal_provisions": _text("the offences' legal provisions and the treaty articles"),
            "case_summary": _text("a summary of the case"),
            "assistance_sought": _text("what the requested state is asked to do"),
            "necessity_and_proportionality": _text(
                "why the assistance is necessary and proportionate"
            ),
            "identifiers": {**IDENTIFIERS, "minItems": 0},
        },
    ),
    "emergency": (
        ["requesting_authority", "imminent_risk", "data_requested"],
        {
            "requesting_authority": AUTHORITY,
            "imminent_risk": _text("the imminent risk to life or of major loss"),
            "data_requested": _text("the data needed to avert it"),
            "identifiers": {**IDENTIFIERS, "minItems": 0},
        },
    ),
}


class RuleError(ValueError):
    """A request or transition these rules refuse; ``fields`` names the offending fields."""

    def __init__(self, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or []


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``kind``'s fields."""
    if kind not in _FIELDS:
        raise RuleError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}", ["kind"])
    required, properties = _FIELDS[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://tracebridge.example/schemas/request-{kind}.json",
        "title": f"{kind} request fields",
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }


def problems(kind: str, fields: Any) -> list[tuple[str, str]]:
    """(field path, what is wrong) for every problem of ``fields`` under ``kind``'s schema."""
    if not isinstance(fields, dict):
        return [("fields", "must be a JSON object")]
    return _check(schema(kind), fields, "")


def missing(kind: str, fields: Any) -> list[str]:
    """The names of required fields that are absent or empty."""
    return [path for path, why in problems(kind, fields) if why == "missing"]


def validate(kind: str, fields: Any) -> dict[str, Any]:
    """``fields`` if complete and well formed, else RuleError naming each field."""
    found = problems(kind, fields)
    if found:
        absent = [p for p, why in found if why == "missing"]
        other = [f"{p} ({why})" for p, why in found if why != "missing"]
        parts = [f"missing: {', '.join(absent)}"] if absent else []
        parts += [f"invalid: {'; '.join(other)}"] if other else []
        raise RuleError(f"incomplete {kind} request: " + "; ".join(parts), [p for p, _ in found])
    return dict(fields)


def _check(node: dict[str, Any], value: Any, path: str) -> list[tuple[str, str]]:
    kind = node.get("type")
    if kind == "object":
        return _check_object(node, value, path)
    if kind == "array":
        return _check_array(node, value, path)
    if not isinstance(value, str):
        return [(path, "must be text")]
    if node.get("minLength") and not value.strip():
        return [(path, "missing")]
    if "enum" in node and value not in node["enum"]:
        return [(path, f"one of {', '.join(node['enum'])}")]
    return []


def _check_object(node: dict[str, Any], value: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [(path, "must be an object")]
    found = [
        (f"{path}{name}", "missing")
        for name in node.get("required", [])
        if value.get(name) in (None, "", [])
    ]
    for name, item in value.items():
        sub = node["properties"].get(name)
        if sub is None:
            found.append((f"{path}{name}", "not a field of this kind"))
        elif item not in (None, "", []) or name not in node.get("required", []):
            found += _check(sub, item, f"{path}{name}")
    if path and not found and {"from", "to", "zone"} <= node["properties"].keys():
        found += _check_range(value, path)
    return found


def _check_array(node: dict[str, Any], value: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [(path, "must be a list")]
    found = []
    for i, item in enumerate(value):
        found += _check(node["items"], item, f"{path}[{i}]" + ("." if _is_object(node) else ""))
    return found


def _is_object(node: dict[str, Any]) -> bool:
    return bool(node["items"].get("type") == "object")


def _check_range(value: dict[str, Any], path: str) -> list[tuple[str, str]]:
    try:
        zone = ZoneInfo(value["zone"])
    except (ZoneInfoNotFoundError, ValueError):
        return [(f"{path}zone", "not an IANA time zone")]
    bounds = []
    for end in ("from", "to"):
        try:
            bounds.append(dt.datetime.fromisoformat(value[end]).replace(tzinfo=zone))
        except ValueError:
            return [(f"{path}{end}", "not an ISO 8601 date and time")]
    if bounds[0] > bounds[1]:
        return [(f"{path}to", "before from")]
    return []


# --- status model -------------------------------------------------------------------------

STATUSES = (
    "draft",
    "supervisor_review",
    "sent",
    "acknowledged",
    "needs_information",
    "refused",
    "accepted",
    "preserved",
    "executing",
    "partly_returned",
    "returned",
    "verified",
    "closed",
    "withdrawn",
    "expired",
)
TERMINAL = ("closed", "withdrawn", "expired")
REQUESTER, RECIPIENT = "requester", "recipient"
OPEN_AFTER_SENT = ("sent", "acknowledged", "needs_information", "accepted", "preserved")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    side: str  # who may take it: the requesting or the receiving agency
    kinds: tuple[str, ...] = KINDS


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("create", ("",), "draft", REQUESTER),
        Transition("submit", ("draft",), "supervisor_review", REQUESTER),
        Transition("rework", ("supervisor_review",), "draft", REQUESTER),
        Transition("approve", ("supervisor_review",), "sent", REQUESTER),
        Transition("acknowledge", ("sent",), "acknowledged", RECIPIENT),
        Transition("ask", ("sent", "acknowledged", "accepted"), "needs_information", RECIPIENT),
        Transition("inform", ("needs_information",), "acknowledged", REQUESTER),
        Transition("refuse", ("sent", "acknowledged", "needs_information"), "refused", RECIPIENT),
        Transition("accept", ("sent", "acknowledged"), "accepted", RECIPIENT),
        Transition(
            "preserve",
            ("sent", "acknowledged", "accepted"),
            "preserved",
            RECIPIENT,
            ("preservation",),
        ),
        Transition("extend", ("preserved",), "preserved", RECIPIENT, ("preservation",)),
        Transition("execute", ("accepted", "preserved"), "executing", RECIPIENT),
        Transition("return_part", ("executing", "partly_returned"), "partly_returned", RECIPIENT),
        Transition("return", ("executing", "partly_returned"), "returned", RECIPIENT),
        Transition("verify", ("returned", "partly_returned"), "verified", REQUESTER),
        # The returned material failed its checks (a package that did not verify): back to
        # the recipient, who answers again.
        Transition("reject", ("returned", "partly_returned"), "executing", REQUESTER),
        Transition("close", ("refused", "preserved", "returned", "verified"), "closed", REQUESTER),
        Transition(
            "withdraw",
            ("draft", "supervisor_review", *OPEN_AFTER_SENT, "executing"),
            "withdrawn",
            REQUESTER,
        ),
        Transition("expire", ("preserved",), "expired", RECIPIENT, ("preservation",)),
    )
}
REFUSAL_REASONS = (
    "insufficient_information",
    "no_dual_criminality",
    "data_not_held",
    "data_already_deleted",
    "outside_jurisdiction",
    "sovereignty_or_security",
    "political_offence",
    "other",
)


def check_transition(kind: str, status: str, action: str) -> Transition:
    """The transition ``action`` from ``status``, or RuleError saying why it is illegal."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise RuleError(f"unknown action {action!r}", ["action"])
    if status in TERMINAL:
        raise RuleError(f"the request is {status}: no further step is possible", ["status"])
    if kind not in transition.kinds:
        only = ", ".join(transition.kinds)
        raise RuleError(f"{action} applies to {only} requests, not {kind}", ["action"])
    if status not in transition.sources:
        allowed = ", ".join(s or "(new)" for s in transition.sources)
        raise RuleError(
            f"cannot {action} a request that is {status or 'new'}: only from {allowed}",
            ["status"],
        )
    return transition


def actions_from(kind: str, status: str) -> list[str]:
    return [
        t.action
        for t in TRANSITIONS.values()
        if status in t.sources and kind in t.kinds and status not in TERMINAL
    ]


# --- clocks ---------------------------------------------------------------------------------

PRESERVATION_DAYS = {"US": 90, "other": 60}  # 18 U.S.C. 2703(f)(2); Budapest Art. 29(7)
DUE = {
    "preservation": dt.timedelta(days=3),
    "production": dt.timedelta(days=30),
    "mla": dt.timedelta(days=180),
    "emergency": dt.timedelta(hours=8),
}
EXPIRING_WITHIN = dt.timedelta(days=14)


def preservation_days(custodian_country: str) -> int:
    """90 days where the custodian is in the US (2703(f)), else Art. 29(7)'s 60 at least."""
    return PRESERVATION_DAYS["US" if custodian_country == "US" else "other"]


def due_at(kind: str, start: dt.datetime) -> dt.datetime:
    return start + DUE[kind]


def is_expiring(until: dt.datetime | None, now: dt.datetime) -> bool:
    return until is not None and now <= until <= now + EXPIRING_WITHIN


def check_clock(action: str, until: dt.datetime | None, at: dt.datetime) -> None:
    """Refuse extending a preservation that has already lapsed: once its expiry has passed the
    custodian may have deleted the data, so it is recorded as expired and a new preservation
    request is sent instead (an extension would claim a continuity nobody can vouch for)."""
    if action == "extend" and until is not None and until < at:
        raise RuleError(
            f"the preservation lapsed on {until:%Y-%m-%d %H:%M} UTC: it cannot be extended; "
            "record it expired and send a new preservation request",
            ["expires"],
        )
