"""Detached Ed25519 signatures over what this node publishes, with the node's key.

The node key is the one the evidence app manages (``tracebridge keys init``): the
``TRACEBRIDGE_NODE_KEY`` environment variable (a C2SP signer key), or
``TRACEBRIDGE_HOME/keys/node.key``; a fresh node creates it on first use.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXT = b"tracebridge-taxii-v1\n"


class SignatureError(ValueError):
    """A signature that does not verify under the partner's key."""


def load_node_key(*, create: bool = True) -> Ed25519PrivateKey:
    """The node's Ed25519 key, the one that signs the evidence ledger's checkpoints.

    One key per node (evidence.keys: TRACEBRIDGE_NODE_KEY or TRACEBRIDGE_HOME/keys/node.key), so
    a partner pins one verifier key for both TAXII pages and checkpoints.
    """
    from tracebridge.evidence import keys

    if (
        create
        and not os.environ.get("TRACEBRIDGE_NODE_KEY")
        and not (keys.key_dir() / keys.ROLES["node"][0]).exists()
    ):
        keys.init_keys()
    return keys.signer("node").private_key


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def message(nonce: str, target: str, body: bytes) -> bytes:
    """What is signed: a context string, the client's nonce, the request target, SHA-256(body).

    The nonce binds each answer to one request, so an old answer replayed fails.
    """
    digest = hashlib.sha256(body).hexdigest()
    return CONTEXT + f"{nonce}\n{target}\n{digest}".encode()


def sign(key: Ed25519PrivateKey, nonce: str, target: str, body: bytes) -> str:
    return base64.b64encode(key.sign(message(nonce, target, body))).decode()


def sign_file(key: Ed25519PrivateKey, body: bytes) -> str:
    return sign(key, "", "file", body)


def verify(public_key: str, signature: str, nonce: str, target: str, body: bytes) -> None:
    """(1) decode the pinned key, (2) decode the signature, (3) Ed25519 verify (RFC 8032 §5.1.7)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    except ValueError as exc:
        raise SignatureError(f"(1) the partner key is not an Ed25519 key: {exc}") from None
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        raise SignatureError("(2) the signature is not base64") from None
    try:
        key.verify(raw, message(nonce, target, body))
    except InvalidSignature:
        raise SignatureError(
            "(3) the signature does not match the partner's key for this request and body"
        ) from None
