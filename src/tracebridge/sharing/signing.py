"""Detached Ed25519 signatures over what this node publishes, with the node's key.

The node key is the one the evidence app manages (``tracebridge keys init``): the
``TRACEBRIDGE_NODE_KEY`` environment variable (a C2SP signer key), or
``TRACEBRIDGE_HOME/keys/node.key``; a fresh node creates it on first use.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXT = b"tracebridge-taxii-v1\n"  # bundle files
PAGE_CONTEXT = b"tracebridge-taxii-v2\n"  # TAXII answers: also binds the headers below
# The resume cursor of `sync pull` is read from these: a proxy must not be able to move it.
SIGNED_HEADERS = ("X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last")


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
    """What a bundle file's signature covers: a context string, nonce, target, SHA-256(body)."""
    digest = hashlib.sha256(body).hexdigest()
    return CONTEXT + f"{nonce}\n{target}\n{digest}".encode()


def page_message(nonce: str, target: str, body: bytes, headers: Mapping[str, str]) -> bytes:
    """What a TAXII answer's signature covers: the client's nonce (an old answer replayed to a
    new request fails), the request target, SHA-256(body) and the date-added headers (absent
    ones as empty values, so removing one fails too)."""
    digest = hashlib.sha256(body).hexdigest()
    values = "\n".join(f"{name}: {headers.get(name, '')}" for name in SIGNED_HEADERS)
    return PAGE_CONTEXT + f"{nonce}\n{target}\n{digest}\n{values}".encode()


def sign(key: Ed25519PrivateKey, nonce: str, target: str, body: bytes) -> str:
    return base64.b64encode(key.sign(message(nonce, target, body))).decode()


def sign_page(
    key: Ed25519PrivateKey, nonce: str, target: str, body: bytes, headers: Mapping[str, str]
) -> str:
    return base64.b64encode(key.sign(page_message(nonce, target, body, headers))).decode()


def sign_file(key: Ed25519PrivateKey, body: bytes) -> str:
    return sign(key, "", "file", body)


def verify(public_key: str, signature: str, nonce: str, target: str, body: bytes) -> None:
    """A bundle file's signature (see ``_verify`` for the steps)."""
    _verify(public_key, signature, message(nonce, target, body), "request and body")


def verify_page(
    public_key: str,
    signature: str,
    nonce: str,
    target: str,
    body: bytes,
    headers: Mapping[str, str],
) -> None:
    """A TAXII answer's signature, over its body and its date-added headers."""
    what = "request, body and " + "/".join(SIGNED_HEADERS) + " headers"
    _verify(public_key, signature, page_message(nonce, target, body, headers), what)


def _verify(public_key: str, signature: str, signed: bytes, what: str) -> None:
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
        key.verify(raw, signed)
    except InvalidSignature:
        raise SignatureError(
            f"(3) the signature does not match the partner's key for this {what}"
        ) from None
