"""Privacy-preserving overlap: which identifiers two agencies both hold, and nothing more.

Two modes (threat model in docs/sharing.md):

* ``keyed_tokens``: HMAC-SHA256 under the agreement's secret. Cheap; hides identifiers from
  anyone without the secret (a leaked token list cannot be brute-forced), but both parties hold
  the secret, so each could test guesses against the other's tokens.
* ECDH private set intersection over X25519 (Diffie-Hellman PSI): each side raises hashed
  identifiers to its own secret scalar. Scalar multiplication commutes, so H(x)^ab == H(x)^ba
  exactly when the identifiers are equal; neither side ever holds a value it can test guesses
  against without the other's participation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey


def keyed_tokens(secret: bytes, keys: Iterable[str]) -> dict[str, str]:
    """Token -> identifier key, for the keys this side holds."""
    return {hmac.new(secret, k.encode(), hashlib.sha256).hexdigest(): k for k in keys}


def _point(key: str) -> bytes:
    """Hash an identifier key to an X25519 u-coordinate (X25519 is twist-secure)."""
    digest = bytearray(hashlib.sha256(b"tracebridge-psi-v1:" + key.encode()).digest())
    digest[31] &= 0x7F
    return bytes(digest)


class PsiParty:
    """One side of a DH-PSI run; its scalar lives only as long as the object."""

    def __init__(self) -> None:
        self._key = X25519PrivateKey.generate()

    def _raise(self, point: bytes) -> bytes:
        try:
            return self._key.exchange(X25519PublicKey.from_public_bytes(point))
        except ValueError:  # a low-order point: answer something that matches nothing
            return hashlib.sha256(b"low-order:" + point).digest()

    def blind(self, keys: Sequence[str]) -> list[bytes]:
        return [self._raise(_point(k)) for k in keys]

    def reblind(self, blinded: Sequence[bytes]) -> list[bytes]:
        return [self._raise(b) for b in blinded]


def intersect(
    mine: Sequence[str], mine_double: Sequence[bytes], theirs_double: Iterable[bytes]
) -> list[str]:
    """Keys of ``mine`` whose double-blinded value the other side also produced."""
    theirs = set(theirs_double)
    return sorted(k for k, d in zip(mine, mine_double, strict=True) if d in theirs)
