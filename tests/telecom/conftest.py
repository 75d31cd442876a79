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

from tests.conftest import vector_files

NOW = 1_750_000_000  # inside the test certificates' validity
X5U = "https://cert.example/sp.pem"


# libstirshaken's test PKI (tests/vectors/README.md); missing files stop collection.
SHAKEN = vector_files("shaken", least=8)[0].parent


@pytest.fixture
def vectors() -> Path:
    return SHAKEN


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


# --- small CDR files -----------------------------------------------------------------------
DAY0 = 1_750_000_000 - 1_750_000_000 % 86400 + 14 * 3600  # 14:00 UTC on a fixed day


def cdr_row(call_id: str, calling: str, called: str, at: int, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "call_id": call_id,
        "start_time": at,
        "duration_s": 0,
        "answered": False,
        "sip_code": 480,
        "calling_number": calling,
        "called_number": called,
        "orig_carrier": "Telx Wholesale",
        "term_carrier": "Verizon",
        "reporting_carrier": "Verizon",
        "attestation": "C",
        "origid": None,
        "identity": None,
    }
    row.update(over)
    return row


def world_rows() -> list[dict[str, Any]]:
    """Two robocall bursts, a legitimate reminder line, ordinary calls and bad rows."""
    rows = []
    spoof_origid = "0f8e6a52-2d1c-4c1e-9b5e-6a0c5d7e8f90"
    for i in range(60):  # rotating caller IDs, one origid, sequential dialing into 212-555x
        answered = i % 10 == 0
        rows.append(
            cdr_row(
                f"S{i:04d}",
                f"+1{3125550100 + i * 37}",
                f"+1212{4560000 + i * 3}",
                DAY0 + i * 20,
                origid=spoof_origid,
                duration_s=12 if answered else 0,
                answered=answered,
                sip_code=200 if answered else 480,
            )
        )
    for i in range(40):  # neighbour spoofing: caller shares the callee's NPA-NXX
        callee = 4155550000 + i * 7
        rows.append(
            cdr_row(
                f"N{i:04d}",
                f"{callee // 10000}{(callee + 13) % 10000:04d}",
                f"+1{callee}",
                DAY0 + 3600 + i * 30,
                origid="6b1d7c3e-0000-4000-8000-00000000000a",
                attestation="B",
            )
        )
    for i in range(80):  # a pharmacy's reminder line: stable, A-attested, answered
        answered = i % 3 != 0
        rows.append(
            cdr_row(
                f"R{i:04d}",
                "+18005550199",
                f"+1{2025550000 + i * 911 % 9999}",
                DAY0 + i * 900,
                attestation="A",
                origid="aa8e6a52-2d1c-4c1e-9b5e-6a0c5d7e8f90",
                duration_s=35 if answered else 0,
                answered=answered,
                sip_code=200 if answered else 486,
            )
        )
    for i in range(50):  # ordinary people, each calling once or twice
        rows.append(
            cdr_row(
                f"L{i:04d}",
                f"+1{6175550000 + i}",
                f"+1{7185550000 + i * 13}",
                DAY0 + i * 600,
                attestation="A",
                duration_s=120,
                answered=True,
                sip_code=200,
            )
        )
    bad = ["anonymous", "1234", "abc!", "", None]
    for i, calling in enumerate(bad):
        rows.append(
            cdr_row(f"B{i:04d}", calling, "+12125550000", DAY0, attestation=None, origid=None)
        )
    rows.append(dict(rows[0], call_id="S0000"))  # a duplicate record
    # A hop record of the first spoofed call from the upstream transit carrier.
    rows.append(dict(rows[1], reporting_carrier="Inteliquent", term_carrier="Inteliquent"))
    return rows


def write_cdrs(path: Path, rows: list[dict[str, Any]], drop: tuple[str, ...] = ()) -> Path:
    """Write ``rows`` as Parquet or CSV (by suffix), leaving out the ``drop`` columns."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {k: [r.get(k) for r in rows] for k in rows[0] if k not in drop}
    if "start_time" in columns:
        columns["start_time"] = pa.array(
            [None if t is None else t * 1_000_000 for t in columns["start_time"]], pa.int64()
        ).cast(pa.timestamp("us", tz="UTC"))
    table = pa.table(columns)
    if path.suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


@pytest.fixture
def cdr_file(tmp_path: Path) -> Path:
    return write_cdrs(tmp_path / "cdrs.parquet", world_rows())
