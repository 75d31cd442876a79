"""Signed request messages: built, signed with the node key and verified against a pinned key.

A message is a JSON object; its signature is the sharing app's detached Ed25519 signature
(``sharing.signing.sign``) over its canonical JSON (the ledger's encoding), with the message id as
the nonce and ``assistance`` as the target, made with the node key that signs checkpoints.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

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
