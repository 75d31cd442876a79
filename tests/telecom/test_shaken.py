"""SHAKEN verification: the published vectors, tokens signed here, and every failing step."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from hypothesis import given, settings
from hypothesis import strategies as st

from tracebridge.telecom import shaken
from tracebridge.telecom.shaken import ShakenError, Verifier

from .conftest import NOW, X5U, claims


@pytest.fixture
def verifier(ca_cert: x509.Certificate) -> Verifier:
    return Verifier(roots=[ca_cert])


def _fail(verifier: Verifier, token: str, step: str, **kw: Any) -> ShakenError:
    with pytest.raises(ShakenError) as info:
        verifier.verify(token, now=kw.pop("now", NOW), **kw)
    assert info.value.step == step, str(info.value)
    return info.value


def _sample(vectors: Path) -> tuple[str, str]:
    lines = [line.strip() for line in (vectors / "sp_passport.txt").read_text().splitlines()]
    tokens = [line for line in lines if line.startswith("eyJ")]
    return tokens[0], tokens[1]


def test_valid_token_signed_with_the_test_key(verifier, sign, sp_cert) -> None:
    result = verifier.verify(sign(), cert=sp_cert, now=NOW)
    assert result.attest == "A"
    assert result.orig == "12155551212"
    assert result.dest == ["12155551213"]
    assert result.iat == NOW - 5
    assert result.checks[-1] == "signature"
    # The test certificate's TNAuthList is a bare IA5String, not RFC 8226 DER.
    assert result.warnings == [
        "tn_auth_list: expected RFC 8226 DER TNAuthList, found another encoding"
    ]


def test_strict_refuses_the_non_der_tn_auth_list(verifier, sign, sp_cert) -> None:
    _fail(verifier, sign(), "tn_auth_list", cert=sp_cert, strict=True)


def test_identity_header_form_checks_info_against_x5u(verifier, sign, sp_cert) -> None:
    token = sign()
    header = f"{token};info=<{X5U}>;alg=ES256;ppt=shaken"
    result = verifier.verify(header, cert=sp_cert, now=NOW)
    assert result.checks[0] == "identity_header"
    other = verifier.verify(f"{token};info=<https://x/y.pem>", cert=sp_cert, now=NOW)
    assert any(w.startswith("identity_header") for w in other.warnings)


@pytest.mark.parametrize(
    ("header", "found"),
    [("tok;alg=RS256", "RS256"), ("tok;ppt=div", "div"), ("tok;info=http://x", "http")],
)
def test_bad_identity_parameters(verifier, header: str, found: str) -> None:
    error = _fail(verifier, header, "identity_header")
    assert found in error.found


def test_identity_parameter_without_value(verifier) -> None:
    _fail(verifier, "a.b.c;garbage", "identity_header")


def test_sample_passport_fails_on_its_string_orig(verifier, vectors, sp_cert) -> None:
    signed, identity = _sample(vectors)
    for text in (signed, identity):
        error = _fail(verifier, text, "orig", cert=sp_cert, now=1603458131)
        assert error.found == "str"


def test_sample_signature_is_genuine(vectors, sp_cert) -> None:
    """The vector's orig is malformed, but its signature is the SP key's."""
    signed, identity = _sample(vectors)
    for text in (signed, identity):
        shaken.check_signature(sp_cert, shaken.parse_any(text))


@pytest.mark.parametrize(
    "token", ["", "abc", "a.b", "a..c", "!!!.e30.AA", "bm90anNvbg.e30.AA", "WzFd.e30.AA"]
)
def test_malformed_jws(verifier, token: str) -> None:
    _fail(verifier, token, "jws")


@pytest.mark.parametrize(
    "header",
    [{"alg": "RS256"}, {"typ": "JWT"}, {"ppt": "div"}, {"x5u": None}, {"x5u": ""}],
)
def test_bad_header(verifier, sign, header: dict[str, Any]) -> None:
    _fail(verifier, sign(header=header), "header")


def test_http_x5u_is_a_warning_unless_strict(verifier, sign, sp_cert) -> None:
    token = sign(header={"x5u": "http://cert.example/sp.pem"})
    result = verifier.verify(token, cert=sp_cert, now=NOW)
    assert any("https" in w for w in result.warnings)
    _fail(verifier, token, "header", cert=sp_cert, strict=True)


@pytest.mark.parametrize(
    "claim",
    [claims(attest=None), claims(attest="D"), claims(origid=None), claims(origid="")],
)
def test_bad_claims(verifier, sign, claim: dict[str, Any]) -> None:
    _fail(verifier, sign(claim), "claims")


def test_origid_not_uuid_is_a_warning_unless_strict(verifier, sign, sp_cert) -> None:
    token = sign(claims(origid="ref"))
    assert verifier.verify(token, cert=sp_cert, now=NOW).warnings[0].startswith("claims")
    _fail(verifier, token, "claims", cert=sp_cert, strict=True)


@pytest.mark.parametrize(
    ("claim", "step"),
    [
        (claims(orig=None), "orig"),
        (claims(orig={"tn": "anonymous"}), "orig"),
        (claims(orig={"tn": "+12155551212"}), "orig"),
        (claims(orig={"tn": 12155551212}), "orig"),
        (claims(dest=None), "dest"),
        (claims(dest={"tn": []}), "dest"),
        (claims(dest={"tn": ["12"]}), "dest"),
        (claims(dest="12155551213"), "dest"),
    ],
)
def test_orig_and_dest_must_be_numbers(verifier, sign, claim, step: str) -> None:
    _fail(verifier, sign(claim), step)


def test_dest_as_a_bare_string_is_read(verifier, sign, sp_cert) -> None:
    token = sign(claims(dest={"tn": "12155551213"}))
    assert verifier.verify(token, cert=sp_cert, now=NOW).dest == ["12155551213"]


@pytest.mark.parametrize("iat", [NOW - 61, NOW + 6, "1750000000", True, None])
def test_stale_future_or_missing_iat(verifier, sign, iat: Any) -> None:
    _fail(verifier, sign(claims(iat=iat)), "iat")


def test_max_age_is_configurable(verifier, sign, sp_cert) -> None:
    token = sign(claims(iat=NOW - 300))
    assert verifier.verify(token, cert=sp_cert, now=NOW, max_age=600).iat == NOW - 300


def test_no_certificate_and_offline(verifier, sign) -> None:
    _fail(verifier, sign(), "certificate")


def test_unrelated_certificate_does_not_chain(verifier, sign, vectors) -> None:
    wrong = x509.load_pem_x509_certificate((vectors / "sp_wrongsp.pem").read_bytes())
    error = _fail(verifier, sign(), "chain", cert=wrong)
    assert "Wrong CA" in error.found


def test_no_trusted_roots(sign, sp_cert) -> None:
    _fail(Verifier(), sign(), "chain", cert=sp_cert)


def test_other_root_does_not_vouch(sign, sp_cert, vectors) -> None:
    pa = x509.load_pem_x509_certificate((vectors / "pa_pa.pem").read_bytes())
    _fail(Verifier(roots=[pa]), sign(), "chain", cert=sp_cert)


def test_intermediate_path(sign, sp_cert, ca_cert, vectors) -> None:
    """The CA given as an intermediate still needs a trusted root above it."""
    pa = x509.load_pem_x509_certificate((vectors / "pa_pa.pem").read_bytes())
    _fail(Verifier(roots=[pa], intermediates=[ca_cert]), sign(), "chain", cert=sp_cert)


def test_expired_or_not_yet_valid(verifier, sign, sp_cert) -> None:
    for when in (1_500_000_000, 2_600_000_000):
        token = sign(claims(iat=when))
        _fail(verifier, token, "validity", cert=sp_cert, now=when)


def test_certificate_without_tn_auth_list(sign, vectors) -> None:
    ca = x509.load_pem_x509_certificate((vectors / "ca_ca.pem").read_bytes())
    # The self-signed CA has no TNAuthList; trusting it as its own root isolates that step.
    signer_key_mismatch = Verifier(roots=[ca])
    _fail(signer_key_mismatch, sign(), "tn_auth_list", cert=ca)


def test_wrong_signature(verifier, sign, sp_cert) -> None:
    head, body, sig = sign().split(".")
    other_body = sign(claims(attest="B")).split(".")[1]
    _fail(verifier, f"{head}.{other_body}.{sig}", "signature", cert=sp_cert)
    short = base64.urlsafe_b64encode(b"x" * 10).decode().rstrip("=")
    _fail(verifier, f"{head}.{body}.{short}", "signature", cert=sp_cert)


def _unsecured(header: dict[str, Any]) -> str:
    """An unsecured JWS (RFC 7515 §A.5): no signature after the second dot."""
    parts = [json.dumps(part).encode() for part in (header, claims())]
    return ".".join(base64.urlsafe_b64encode(p).decode().rstrip("=") for p in parts) + "."


def test_alg_none_is_refused_for_its_alg(verifier, sp_cert) -> None:
    head = {"alg": "none", "ppt": "shaken", "typ": "passport", "x5u": X5U}
    error = _fail(verifier, _unsecured(head), "header", cert=sp_cert)
    assert (error.expected, error.found) == ("alg=ES256", "'none'")
    # An ES256 token whose signature was stripped fails at the signature, for its length.
    error = _fail(verifier, _unsecured({**head, "alg": "ES256"}), "signature", cert=sp_cert)
    assert error.found == "0 bytes"


def test_warnings_are_kept_when_verification_fails(verifier, sign, sp_cert) -> None:
    odd = claims(origid="not-a-uuid")
    origid_warning = "claims: expected origid as a UUID, found 'not-a-uuid'"
    tn_warning = "tn_auth_list: expected RFC 8226 DER TNAuthList, found another encoding"
    stale = _fail(verifier, sign({**odd, "iat": NOW - 100}), "iat", cert=sp_cert)
    assert stale.warnings == [origid_warning]
    head, _, sig = sign(odd).split(".")
    forged = f"{head}.{sign(claims(attest='B', origid='not-a-uuid')).split('.')[1]}.{sig}"
    error = _fail(verifier, forged, "signature", cert=sp_cert)
    assert error.warnings == [origid_warning, tn_warning]
    report = shaken.verify_report(verifier, forged, cert=sp_cert, now=NOW)
    assert (report["valid"], report["warnings"]) == (False, [origid_warning, tn_warning])


def test_der_tn_auth_list_parser() -> None:
    spc = b"\xa0\x06\x16\x04709J"
    assert shaken.tn_auth_list_is_der(b"\x30\x08" + spc)
    assert not shaken.tn_auth_list_is_der(b"\x16\x04709J")
    assert not shaken.tn_auth_list_is_der(b"\x30\x00")
    assert not shaken.tn_auth_list_is_der(b"\x30\x08\x04\x06\x16\x04709J")
    assert not shaken.tn_auth_list_is_der(b"\x30\x09" + spc)
    assert not shaken.tn_auth_list_is_der(b"\x30\x81")
    long = b"\xa0\x81\x80\x16\x7e" + b"9" * 126
    assert shaken.tn_auth_list_is_der(b"\x30\x81\x83" + long)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_garbage_never_crashes(text: str) -> None:
    out = shaken.verify_report(Verifier(), text, now=NOW)
    assert out["valid"] is False
    assert out["error"]["step"] in shaken.STEPS


def test_report_shapes(verifier, sign, sp_cert) -> None:
    good = shaken.verify_report(verifier, sign(), cert=sp_cert, now=NOW)
    assert set(good) >= {"valid", "attest", "orig", "dest", "origid", "iat", "checks", "warnings"}
    bad = shaken.verify_report(verifier, sign(claims(iat=NOW - 100)), cert=sp_cert, now=NOW)
    assert bad["valid"] is False
    assert bad["error"]["step"] == "iat"
    assert bad["checks"] == ["identity_header", "jws", "header", "claims", "orig", "dest"]


@pytest.fixture
def cert_server(vectors: Path) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server serving the SP certificate, recording each request."""
    seen: list[str] = []
    body = (vectors / "sp_sp.pem").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            status = 200 if self.path == "/sp.pem" else 404
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body if status == 200 else b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_x5u_fetched_once_and_cached(ca_cert, sign, cert_server) -> None:
    base, seen = cert_server
    verifier = Verifier(roots=[ca_cert], fetch=shaken.http_fetch)
    token = sign(header={"x5u": f"{base}/sp.pem"})
    for _ in range(3):
        assert verifier.verify(token, now=NOW).attest == "A"
    assert seen == ["/sp.pem"]


def test_x5u_fetch_failure_names_the_certificate_step(ca_cert, sign, cert_server) -> None:
    base, _ = cert_server
    verifier = Verifier(roots=[ca_cert], fetch=shaken.http_fetch)
    _fail(verifier, sign(header={"x5u": f"{base}/missing.pem"}), "certificate")
    _fail(verifier, sign(header={"x5u": "file:///etc/passwd"}), "certificate")


def test_load_certificates_refuses_empty() -> None:
    with pytest.raises(ValueError):
        shaken.load_certificates(b"")
