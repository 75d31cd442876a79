"""Telecom fixtures: SHAKEN vectors, a token signer, and small CDR files."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

NOW = 1_750_000_000  # inside the test certificates' validity
X5U = "https://cert.example/sp.pem"


@pytest.fixture
def vectors(shared_dir: Path) -> Path:
    return shared_dir / "vectors" / "shaken"


@pytest.fixture
def sp_cert(vectors: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate((vectors / "sp_sp.pem").read_bytes())


@pytest.fixture
def ca_cert(vectors: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate((vectors / "ca_ca.pem").read_bytes())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "attest": "A",
        "dest": {"tn": ["12155551213"]},
        "iat": NOW - 5,
        "orig": {"tn": "12155551212"},
        "origid": "123e4567-e89b-12d3-a456-426655440000",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def sign(vectors: Path) -> Callable[..., str]:
    """Sign a PASSporT with the test SP key: sign(claims={...}, header={...})."""
    key = serialization.load_pem_private_key((vectors / "sp_sp.priv").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)

    def make(claim: dict[str, Any] | None = None, header: dict[str, Any] | None = None) -> str:
        head = {"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": X5U}
        head.update(header or {})
        head = {k: v for k, v in head.items() if v is not None}
        body = claims() if claim is None else claim
        signing = f"{_b64(json.dumps(head).encode())}.{_b64(json.dumps(body).encode())}"
        r, s = decode_dss_signature(key.sign(signing.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{signing}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    return make
