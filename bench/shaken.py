"""Benchmark SHAKEN verification with certificate caching, against no caching, in one run.

Signs N PASSporTs (default 20k; --smoke 2k) with libstirshaken's test key (tests/vectors/), each
with its own numbers and iat, then verifies them (1) with one Verifier whose x5u certificate,
chain and TNAuthList results are cached, and (2) the baseline: a fresh Verifier per token that
parses the PEM and checks the chain every time, as a verifier without a cache must. Times are CPU (process)
seconds, so the rate is per core. Target: >= 2,000 tokens/s per core with caching.
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from rich.progress import Progress

from tracebridge.telecom import shaken

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parent / "tests" / "vectors" / "shaken"  # libstirshaken test PKI
X5U = "https://cert.example/sp.pem"
NOW = 1_750_000_000
TARGET = 2000.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tokens(n: int) -> list[str]:
    key = serialization.load_pem_private_key((VECTORS / "sp_sp.priv").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    head = _b64(
        json.dumps({"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": X5U}).encode()
    )
    out = []
    for i in range(n):
        claims = {
            "attest": "ABC"[i % 3],
            "dest": {"tn": [f"1212555{i % 10000:04d}"]},
            "iat": NOW - i % 50,
            "orig": {"tn": f"1415555{i % 9999:04d}"},
            "origid": "123e4567-e89b-12d3-a456-426655440000",
        }
        signing = f"{head}.{_b64(json.dumps(claims).encode())}"
        r, s = decode_dss_signature(key.sign(signing.encode(), ec.ECDSA(hashes.SHA256())))
        out.append(f"{signing}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))};info=<{X5U}>")
    return out


def run(label: str, items: list[str], make: object) -> float:
    started = time.process_time()
    with Progress(transient=True) as progress:
        task = progress.add_task(label, total=len(items))
        for i, token in enumerate(items):
            verifier = make()  # type: ignore[operator]
            verifier.verify(token, now=NOW)
            if i % 500 == 0:
                progress.update(task, completed=i)
    return len(items) / max(time.process_time() - started, 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--tokens", type=int)
    args = parser.parse_args()
    n = args.tokens or (2000 if args.smoke else 20_000)
    pem, ca = (VECTORS / "sp_sp.pem").read_bytes(), (VECTORS / "ca_ca.pem").read_bytes()
    items = tokens(n)
    cached = shaken.Verifier(shaken.load_certificates(ca), fetch=lambda url: pem)
    fast = run("cached", items, lambda: cached)
    slow = run(
        "uncached",
        items[: max(n // 4, 200)],
        lambda: shaken.Verifier(shaken.load_certificates(ca), fetch=lambda url: pem),
    )
    met = "met" if fast >= TARGET else "MISSED"
    print(
        f"shaken verify: {n:,} tokens; cached {fast:,.0f} tokens/s per core, "
        f"uncached baseline {slow:,.0f} tokens/s: {fast / slow:.1f}x; "
        f"target >= {TARGET:,.0f}/s per core {met}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
