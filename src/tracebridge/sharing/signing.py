"""Detached Ed25519 signatures over what this node publishes, with the node's key.

The node key is the one the evidence app manages (``tracebridge keys init``): the
``TRACEBRIDGE_NODE_KEY`` environment variable, or a file under ``TRACEBRIDGE_HOME/keys``. When
neither exists this module creates ``keys/node_ed25519.pem`` (mode 0600) so a fresh node can
sign; the evidence app's ``keys init`` reuses the same file.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILES = ("node_ed25519.pem", "node.key", "node_ed25519.key", "ed25519.key", "node.pem")
CONTEXT = b"tracebridge-taxii-v1\n"


class SignatureError(ValueError):
    """A signature that does not verify under the partner's key."""


def _from_text(data: bytes) -> Ed25519PrivateKey:
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(text, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the node key is not an Ed25519 key")
        return key
    if len(text) == 32:
        return Ed25519PrivateKey.from_private_bytes(text)
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            raw = decode(text.decode())
        except ValueError:
            continue
        if len(raw) == 32:
            return Ed25519PrivateKey.from_private_bytes(raw)
    raise ValueError("the node key must be PEM, or 32 raw bytes in hex or base64")


def load_node_key(home: Path, *, create: bool = True) -> Ed25519PrivateKey:
    env = os.environ.get("TRACEBRIDGE_NODE_KEY", "")
    if env:
        return _from_text(env.encode())
    keys = home / "keys"
    for name in KEY_FILES:
        if (keys / name).is_file():
            return _from_text((keys / name).read_bytes())
    if not create:
        raise FileNotFoundError(f"no node key in {keys}; run `tracebridge keys init`")
    key = Ed25519PrivateKey.generate()
    keys.mkdir(parents=True, exist_ok=True)
    path = keys / KEY_FILES[0]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return key


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
