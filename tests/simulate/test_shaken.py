"""PASSporTs in the CDRs verify against the test certificate and match their call."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import tracebridge
from tracebridge.simulate import generate
from tracebridge.simulate.passport import DEFAULT_KEY, X5U

from .conftest import World


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify(token: str, public_key: ec.EllipticCurvePublicKey) -> dict[str, object]:
    header, claims, signature = token.split(".")
    raw = _b64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public_key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    assert json.loads(_b64(header)) == {
        "alg": "ES256",
        "ppt": "shaken",
        "typ": "passport",
        "x5u": X5U,
    }
    return dict(json.loads(_b64(claims)))


@pytest.fixture
def public_key() -> ec.EllipticCurvePublicKey:
    cert = x509.load_pem_x509_certificate((DEFAULT_KEY.parent / "sp_sp.pem").read_bytes())
    key = cert.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def test_default_key_is_the_packaged_libstirshaken_test_key(vectors_dir: Path) -> None:
    # Inside the package (a clone or a wheel needs nothing beside it), and the same published
    # key as the SHAKEN vectors, so the simulated tokens verify against those certificates.
    assert DEFAULT_KEY.is_relative_to(Path(tracebridge.__file__).parent)
    assert DEFAULT_KEY.read_bytes() == (vectors_dir / "shaken/sp_sp.priv").read_bytes()
    for name in ("sp_sp.pem", "ca_ca.pem"):
        assert (DEFAULT_KEY.parent / name).read_bytes() == (
            vectors_dir / "shaken" / name
        ).read_bytes()


def test_identity_headers_verify_and_match_their_call(
    world: World, public_key: ec.EllipticCurvePublicKey
) -> None:
    signed = [r for r in world.cdrs if r["identity"]]
    assert 0 < len(signed) < len(world.cdrs) / 4
    for row in signed:
        token, *params = row["identity"].split(";")
        assert params == [f"info=<{X5U}>", "alg=ES256", "ppt=shaken"]
        claims = _verify(token, public_key)
        assert claims["iat"] == int(row["start_time"].timestamp())
        assert claims["attest"] == row["attestation"] and claims["origid"] == row["origid"]
        assert claims["dest"] == {"tn": [row["called_number"].lstrip("+")]}
        orig = claims["orig"]
        assert isinstance(orig, dict) and orig["tn"].endswith(row["calling_number"].lstrip("+"))


def test_a_tampered_token_does_not_verify(
    world: World, public_key: ec.EllipticCurvePublicKey
) -> None:
    token = next(r["identity"] for r in world.cdrs if r["identity"]).split(";")[0]
    header, claims, signature = token.split(".")
    forged = json.loads(_b64(claims)) | {"attest": "A", "iat": 0}
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        _verify(f"{header}.{body}.{signature}", public_key)


def test_c_attestation_comes_from_international_gateways(world: World) -> None:
    c_calls = {r["call_id"] for r in world.cdrs if r["attestation"] == "C"}
    foreign = {
        r["call_id"] for r in world.cdrs if r["orig_carrier"].startswith(("IN-", "KH-", "PH-"))
    }
    assert c_calls and foreign <= c_calls


def test_traced_calls_have_one_record_per_carrier_on_the_path(world: World) -> None:
    kind = {c["call_id"]: c["kind"] for c in world.calls}
    hops: dict[str, list[dict[str, object]]] = {}
    for row in world.cdrs:
        hops.setdefault(row["call_id"], []).append(row)
    robocalls = [rows for call_id, rows in hops.items() if kind[call_id] == "robocall"]
    assert robocalls and all(len(rows) >= 2 for rows in robocalls)
    for rows in robocalls:
        # Walk back from the terminating carrier's record, as a traceback would.
        by_reporter = {r["reporting_carrier"]: r for r in rows}
        current, seen = rows[0], 0
        while current["orig_carrier"] in by_reporter and seen < 5:
            if current["orig_carrier"] == current["reporting_carrier"]:
                break  # the originating carrier's own record: traceback done
            current, seen = by_reporter[current["orig_carrier"]], seen + 1
        assert seen == len(rows) - 1 or current["orig_carrier"] == current["reporting_carrier"]


def test_missing_key_warns_and_writes_no_tokens(tmp_path: Path) -> None:
    with pytest.warns(RuntimeWarning, match="no identity tokens"):
        generate(
            tmp_path, 5, complaints=20, calls=300, txns=50, shaken_key=tmp_path / "absent.priv"
        )
    identity = pq.read_table(tmp_path / "cdrs.parquet", columns=["identity"]).column(0)
    assert identity.null_count == len(identity) > 0
