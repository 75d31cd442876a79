"""SHAKEN PASSporTs (RFC 8225, RFC 8588) signed ES256 with the package's published test key.

Signatures use RFC 6979 deterministic ECDSA so that the same seed gives the same bytes.
"""

from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

# libstirshaken's published test key (data/README.md): for synthetic calls only, never trusted.
DEFAULT_KEY = Path(__file__).resolve().parent / "data" / "sp_sp.priv"
X5U = "https://cert.example.org/sp.pem"
HEADER = {"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": X5U}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(value: object) -> bytes:
    # RFC 8225 §9: keys in lexicographic order, no whitespace.
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


class Signer:
    def __init__(self, key: ec.EllipticCurvePrivateKey, x5u: str = X5U) -> None:
        self._key = key
        self._alg = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
        self._header = _b64(_json({**HEADER, "x5u": x5u}))
        self._info = f";info=<{x5u}>;alg=ES256;ppt=shaken"

    def token(self, attest: str, orig_tn: str, dest_tn: str, iat: int, origid: str) -> str:
        claims = {
            "attest": attest,
            "dest": {"tn": [dest_tn]},
            "iat": iat,
            "orig": {"tn": orig_tn},
            "origid": origid,
        }
        signing_input = f"{self._header}.{_b64(_json(claims))}"
        r, s = decode_dss_signature(self._key.sign(signing_input.encode(), self._alg))
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def identity(self, attest: str, orig_tn: str, dest_tn: str, iat: int, origid: str) -> str:
        """The SIP Identity header value (RFC 8224 §4.1)."""
        return self.token(attest, orig_tn, dest_tn, iat, origid) + self._info


def load_signer(key_path: Path | None) -> Signer | None:
    """The signer, or None (with a warning) when the test key is not there."""
    path = key_path or DEFAULT_KEY
    if not path.is_file():
        warnings.warn(
            f"SHAKEN key {path} not found: calls carry no identity tokens",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: not an EC private key")
    return Signer(key)
