"""Signed request messages: built, signed with the node key and verified against a pinned key.

A message is a JSON object; its signature is the sharing app's detached Ed25519 signature
(``sharing.signing.sign``) over its canonical JSON (the ledger's encoding), with the message id as
the nonce and ``assistance`` as the target, made with the node key that signs checkpoints.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tracebridge.assistance import rules
from tracebridge.evidence import keys
from tracebridge.evidence.merkle import canonical_json
from tracebridge.sharing import signing

TARGET = "assistance"
RECEIPT_TARGET = "assistance-receipt"  # a receipt can never pass for a message, nor the reverse
FORMAT = "tracebridge-request-v1"


@dataclass(frozen=True)
class Signed:
    body: dict[str, Any]
    signature: str
    key: str  # the signer's Ed25519 public key, base64
    signer: str  # the signer's key name (<node>/evidence)

    @property
    def id(self) -> str:
        return str(self.body["id"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "signature": self.signature,
            "key": self.key,
            "signer": self.signer,
        }


def new_id() -> str:
    return uuid.uuid4().hex


def sign(body: dict[str, Any], target: str = TARGET) -> Signed:
    key = signing.load_node_key()
    signature = signing.sign(key, str(body["id"]), target, canonical_json(body))
    return Signed(body, signature, signing.public_key_text(key), keys.key_name("node"))


def own_key() -> str:
    return signing.public_key_text(signing.load_node_key())


def verify(message: Signed, target: str = TARGET) -> None:
    """Raise signing.SignatureError unless ``message.signature`` is its key's over its body."""
    body = canonical_json(message.body)
    signing.verify(message.key, message.signature, message.id, target, body)


def parse(item: Any, where: str) -> Signed:
    """One message of a file, checked for shape only (the signature is checked later)."""
    if not isinstance(item, dict) or not isinstance(item.get("body"), dict):
        raise ValueError(f"{where}: not a signed message (body, signature, key, signer)")
    fields = [item.get(k) for k in ("signature", "key", "signer")]
    if not all(isinstance(f, str) and f for f in fields):
        raise ValueError(f"{where}: signature, key and signer must be non-empty text")
    signature, key, signer = (str(f) for f in fields)
    body = item["body"]
    for name, kind in (("id", str), ("request", str), ("seq", int), ("action", str)):
        if not isinstance(body.get(name), kind):
            raise ValueError(f"{where}: body.{name} is missing or not {kind.__name__}")
    return Signed(body, signature, key, signer)


# --- the wire format as JSON Schema (docs/assistance.md holds the same, a test keeps them equal)

_TEXT = {"type": "string", "minLength": 1}
_STATUS = {"type": "string", "enum": list(rules.STATUSES)}


def _envelope(name: str, title: str, body: dict[str, Any], target: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://tracebridge.example/schemas/request-{name}.json",
        "title": title,
        "type": "object",
        "required": ["body", "signature", "key", "signer"],
        "properties": {
            "body": body,
            "signature": {
                **_TEXT,
                "description": "base64 Ed25519 signature (sharing.signing.sign) with nonce "
                f"body.id and target {target!r} over the canonical JSON of body",
            },
            "key": {**_TEXT, "description": "the signing node's Ed25519 public key, base64"},
            "signer": {**_TEXT, "description": "the signing node's key name, <node>/evidence"},
        },
        "additionalProperties": False,
    }


def _body(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


MESSAGE_SCHEMA = _envelope(
    "message",
    "a signed step of a request",
    _body(
        ["v", "id", "request", "seq", "action", "from", "to", "agency", "by", "at", "data"],
        {
            "v": {"const": 1},
            "id": {**_TEXT, "description": "the message id (32 hex digits): once per node"},
            "request": {**_TEXT, "description": "the request's reference, REQ-<agency>-<yyyy>-<n>"},
            "seq": {"type": "integer", "minimum": 1, "description": "the step's number, 1 first"},
            "action": {"type": "string", "enum": list(rules.TRANSITIONS)},
            "from": {"type": "string", "enum": ["", *rules.STATUSES]},
            "to": _STATUS,
            "agency": {**_TEXT, "description": "the agency taking the step"},
            "by": {**_TEXT, "description": "the user who took it"},
            "at": {**_TEXT, "format": "date-time"},
            "data": {
                "type": "object",
                "description": "create: kind, from_code, to_code, case, links, fields, "
                "created_at, due_at; approve: due_at; preserve, extend: until; refuse: reason; "
                "any: note",
            },
        },
    ),
    TARGET,
)
RECEIPT_SCHEMA = _envelope(
    "receipt",
    "the recipient node's signed receipt of one message",
    _body(
        ["v", "type", "id", "message", "digest", "request", "seq", "action", "status", "at"],
        {
            "v": {"const": 1},
            "type": {"const": "receipt"},
            "id": {**_TEXT, "description": "the receipt id"},
            "message": {**_TEXT, "description": "the id of the message it acknowledges"},
            "digest": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "SHA-256 (hex) of the message body's canonical JSON",
            },
            "request": _TEXT,
            "seq": {"type": "integer", "minimum": 1},
            "action": {"type": "string", "enum": list(rules.TRANSITIONS)},
            "status": {
                "type": "string",
                "enum": ["accepted", "delivered"],
                "description": "accepted: applied now as the request's next step; delivered: "
                "already on the node (it came in a file), nothing applied again",
            },
            "request_status": {**_STATUS, "description": "the request's status on the node"},
            "at": {**_TEXT, "format": "date-time"},
        },
    ),
    RECEIPT_TARGET,
)
