"""STIR/SHAKEN PASSporT verification (RFC 8224, RFC 8225, RFC 8588, ATIS-1000074).

A verifier either returns a ``Verified`` result or raises ``ShakenError`` naming the step that
failed, what it expected and what it found. Steps are numbered as in ``STEPS``; each check cites
the section it implements. Certificates are cached (parsed once, chain checked once per
certificate), so bulk verification costs one JSON parse and one ECDSA verification per token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tracebridge import jsonlimits

# The steps in the order they run; ShakenError.step is one of these.
STEPS = (
    "identity_header",  # (1) RFC 8224 §4.1
    "jws",  # (2) RFC 8225 §6, RFC 7515 §7.1
    "header",  # (3) RFC 8225 §4, RFC 8588 §4
    "claims",  # (4) RFC 8225 §5, RFC 8588 §4
    "orig",  # (5) RFC 8225 §5.2.1
    "dest",  # (6) RFC 8225 §5.2.1
    "iat",  # (7) RFC 8224 §6.2.4, ATIS-1000074 §5.3.1
    "certificate",  # (8) ATIS-1000074 §5.3.1: x5u or the given certificate
    "chain",  # (9) ATIS-1000074 §6.3.4, RFC 5280 §6: chains to a trusted STI-CA root
    "validity",  # (10) RFC 5280 §4.1.2.5
    "tn_auth_list",  # (11) RFC 8226 §9, ATIS-1000080 §5.3.3
    "signature",  # (12) RFC 7518 §3.4: ES256, raw r‖s
)
TN_AUTH_LIST_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.26")
ATTESTATIONS = frozenset({"A", "B", "C"})
DEFAULT_MAX_AGE = 60  # seconds: RFC 8224 §6.2.4 recommends 60
FUTURE_SKEW = 5  # seconds an iat may lie ahead of the verifier's clock
_TN = re.compile(r"^\d{5,15}$")  # RFC 8224 §8.3 canonical form: digits only, no '+'
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_ECDSA = ec.ECDSA(hashes.SHA256())


class ShakenError(Exception):
    """Verification failed at ``step``: ``expected`` against ``found``.

    ``warnings`` holds what the steps before the failure noticed (a TNAuthList that is not DER,
    an origid that is not a UUID): they still tell about the token's sender.
    """

    def __init__(self, step: str, expected: str, found: str) -> None:
        super().__init__(f"{step}: expected {expected}, found {found}")
        self.step, self.expected, self.found = step, expected, found
        self.warnings: list[str] = []


@dataclass
class Verified:
    attest: str
    orig: str
    dest: list[str]
    origid: str
    iat: int
    x5u: str
    checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """What could be read from a token before (or without) trusting it."""

    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    signing_input: bytes = b""
    signature: bytes = b""
    info: str = ""


def _b64url(part: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise ShakenError("jws", f"base64url {what}", repr(part[:24])) from None


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = jsonlimits.loads(raw, f"the {what}")
    except jsonlimits.JsonInputError as exc:
        raise ShakenError("jws", f"a JSON {what}", f"{raw[:24]!r}: {exc}") from None
    if not isinstance(value, dict):
        raise ShakenError("jws", f"a JSON object as {what}", type(value).__name__)
    return value


def split_identity(header: str) -> tuple[str, dict[str, str]]:
    """(1) RFC 8224 §4.1: ``token;info=<uri>;alg=ES256;ppt=shaken`` -> token, parameters."""
    text = header.strip()
    if text.lower().startswith("identity:"):
        text = text.split(":", 1)[1].strip()
    token, *params = text.split(";")
    values: dict[str, str] = {}
    for param in params:
        name, sep, value = param.strip().partition("=")
        if not sep:
            raise ShakenError("identity_header", "name=value parameters", repr(param))
        values[name.strip().lower()] = value.strip().strip('"')
    info = values.get("info", "")
    if info and not (info.startswith("<") and info.endswith(">")):
        raise ShakenError("identity_header", "info=<URI>", repr(info))
    values["info"] = info[1:-1]
    if values.get("alg", "ES256") != "ES256":
        raise ShakenError("identity_header", "alg=ES256", values["alg"])
    if values.get("ppt", "shaken") != "shaken":
        raise ShakenError("identity_header", "ppt=shaken", values["ppt"])
    return token.strip(), values


def parse(token: str, info: str = "") -> Parsed:
    """(2) RFC 7515 §7.1 compact serialisation: three base64url parts, JSON header and claims.

    An empty signature part is read here (an unsecured JWS, RFC 7515 §A.5, has one): the header
    step then refuses its ``alg: none``, and the signature step an ES256 token without one.
    """
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise ShakenError("jws", "header.claims.signature", f"{len(parts)} part(s)")
    header = _json_object(_b64url(parts[0], "header"), "header")
    claims = _json_object(_b64url(parts[1], "claims"), "claims")
    signature = _b64url(parts[2], "signature")
    return Parsed(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature, info)


def check_header(header: dict[str, Any], warnings: list[str], strict: bool) -> str:
    """(3) RFC 8225 §4.1-4.3, RFC 8588 §4: alg ES256, typ passport, ppt shaken, x5u."""
    for name, wanted in (("alg", "ES256"), ("typ", "passport"), ("ppt", "shaken")):
        if header.get(name) != wanted:
            raise ShakenError("header", f"{name}={wanted}", repr(header.get(name)))
    x5u = header.get("x5u")
    if not isinstance(x5u, str) or not x5u:
        raise ShakenError("header", "an x5u URL", repr(x5u))
    if not x5u.startswith("https://"):
        # ATIS-1000074 §5.3.1 wants HTTPS; test deployments often use plain HTTP.
        _soft(warnings, strict, "header", "an https x5u", x5u)
    return x5u


def _soft(warnings: list[str], strict: bool, step: str, expected: str, found: str) -> None:
    if strict:
        raise ShakenError(step, expected, found)
    warnings.append(f"{step}: expected {expected}, found {found}")


def check_claims(claims: dict[str, Any], warnings: list[str], strict: bool) -> tuple[str, str]:
    """(4) RFC 8588 §4: attest is A, B or C; origid present (a UUID per ATIS-1000074 §5.2.4)."""
    attest = claims.get("attest")
    if attest not in ATTESTATIONS:
        raise ShakenError("claims", "attest A, B or C", repr(attest))
    origid = claims.get("origid")
    if not isinstance(origid, str) or not origid:
        raise ShakenError("claims", "an origid", repr(origid))
    if not _UUID.match(origid):
        _soft(warnings, strict, "claims", "origid as a UUID", repr(origid))
    return str(attest), origid


def _tn(value: Any, step: str) -> str:
    if not isinstance(value, str) or not _TN.match(value):
        raise ShakenError(step, "a telephone number in canonical form (digits)", repr(value))
    return value


def check_orig(claims: dict[str, Any]) -> str:
    """(5) RFC 8225 §5.2.1: orig is an object {"tn": "<digits>"}."""
    orig = claims.get("orig")
    if not isinstance(orig, dict):
        raise ShakenError("orig", 'an object {"tn": ...}', type(orig).__name__)
    return _tn(orig.get("tn"), "orig")


def check_dest(claims: dict[str, Any]) -> list[str]:
    """(6) RFC 8225 §5.2.1: dest is an object {"tn": ["<digits>", ...]}."""
    dest = claims.get("dest")
    if not isinstance(dest, dict):
        raise ShakenError("dest", 'an object {"tn": [...]}', type(dest).__name__)
    numbers = dest.get("tn")
    if isinstance(numbers, str):
        numbers = [numbers]  # a bare string is a common sender mistake; its number still counts
    if not isinstance(numbers, list) or not numbers:
        raise ShakenError("dest", "a non-empty tn array", repr(numbers))
    return [_tn(n, "dest") for n in numbers]


def check_iat(claims: dict[str, Any], now: float, max_age: float) -> int:
    """(7) RFC 8224 §6.2.4: iat is an integer no older than max_age and not in the future."""
    iat = claims.get("iat")
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise ShakenError("iat", "an integer iat", repr(iat))
    if iat > now + FUTURE_SKEW:
        raise ShakenError("iat", f"iat at most {FUTURE_SKEW}s ahead of {int(now)}", str(iat))
    if now - iat > max_age:
        raise ShakenError("iat", f"iat within {int(max_age)}s of {int(now)}", str(iat))
    return iat


def tn_auth_list_is_der(value: bytes) -> bool:
    """RFC 8226 §9: TNAuthList ::= SEQUENCE SIZE (1..MAX) OF TNEntry, TNEntry tagged [0]-[2]."""
    body = _der_element(value, 0, 0x30)
    if body is None or body[1] != len(value):
        return False
    pos, count = body[0], 0
    while pos < len(value):
        entry = _der_element(value, pos, None)
        if entry is None or value[pos] not in (0xA0, 0xA1, 0xA2):
            return False
        pos, count = entry[1], count + 1
    return count > 0


def _der_element(data: bytes, pos: int, tag: int | None) -> tuple[int, int] | None:
    """(content start, element end) of the DER element at ``pos``, or None when malformed."""
    if pos + 2 > len(data) or (tag is not None and data[pos] != tag):
        return None
    first = data[pos + 1]
    start = pos + 2
    if first < 0x80:
        length = first
    else:
        size = first & 0x7F
        if size == 0 or size > 3 or start + size > len(data):
            return None
        length = int.from_bytes(data[start : start + size], "big")
        start += size
    end = start + length
    return (start, end) if end <= len(data) else None


class Verifier:
    """Trusted STI-CA roots, a certificate cache and an optional x5u fetcher."""

    def __init__(
        self,
        roots: Iterable[x509.Certificate] = (),
        intermediates: Iterable[x509.Certificate] = (),
        fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        self.roots = list(roots)
        self.intermediates = list(intermediates)
        self.fetch = fetch
        self._by_url: dict[str, x509.Certificate] = {}
        self._chained: dict[bytes, tuple[x509.Certificate, ...]] = {}
        self._tn_auth: dict[bytes, str] = {}

    def certificate(self, x5u: str, given: x509.Certificate | None) -> x509.Certificate:
        """(8) ATIS-1000074 §5.3.1: the given certificate, else x5u (fetched once, cached)."""
        if given is not None:
            return given
        cached = self._by_url.get(x5u)
        if cached is not None:
            return cached
        if self.fetch is None:
            raise ShakenError("certificate", "a certificate (--cert) or an online x5u", "neither")
        try:
            cert = load_certificates(self.fetch(x5u))[0]
        except (OSError, ValueError) as exc:
            raise ShakenError("certificate", f"a PEM certificate at {x5u}", str(exc)) from None
        self._by_url[x5u] = cert
        return cert

    def chain(self, cert: x509.Certificate) -> tuple[x509.Certificate, ...]:
        """(9) RFC 5280 §6: each certificate signed by the next, ending at a trusted root."""
        key = cert.fingerprint(hashes.SHA256())
        found = self._chained.get(key)
        if found is None:
            found = self._build_chain(cert)
            self._chained[key] = found
        return found

    def _build_chain(self, cert: x509.Certificate) -> tuple[x509.Certificate, ...]:
        if not self.roots:
            raise ShakenError("chain", "at least one trusted STI-CA root (--ca)", "none")
        path = [cert]
        for _ in range(4):  # STI chains are leaf, optional intermediate, root
            current = path[-1]
            for root in self.roots:
                if _issued_by(current, root):
                    return (*path, root)
            issuer = next((c for c in self.intermediates if _issued_by(current, c)), None)
            if issuer is None or issuer in path:
                break
            path.append(issuer)
        raise ShakenError(
            "chain", "a chain to a trusted STI-CA root", f"issuer {cert.issuer.rfc4514_string()}"
        )

    def tn_auth_list(self, cert: x509.Certificate, warnings: list[str], strict: bool) -> None:
        """(11) RFC 8226 §9: the TNAuthList extension is present and DER-encoded."""
        key = cert.fingerprint(hashes.SHA256())
        state = self._tn_auth.get(key)
        if state is None:
            try:
                ext = cert.extensions.get_extension_for_oid(TN_AUTH_LIST_OID)
            except x509.ExtensionNotFound:
                state = "missing"
            else:
                raw = ext.value.public_bytes()
                state = "der" if tn_auth_list_is_der(raw) else "not-der"
            self._tn_auth[key] = state
        if state == "missing":
            raise ShakenError("tn_auth_list", "a TNAuthList extension", "none")
        if state == "not-der":
            _soft(warnings, strict, "tn_auth_list", "RFC 8226 DER TNAuthList", "another encoding")

    def verify(
        self,
        token: str,
        *,
        cert: x509.Certificate | None = None,
        now: float | None = None,
        max_age: float = DEFAULT_MAX_AGE,
        strict: bool = False,
    ) -> Verified:
        """Verify a compact PASSporT or a full Identity header value."""
        parsed = parse_any(token)
        return self.verify_parsed(parsed, cert=cert, now=now, max_age=max_age, strict=strict)

    def verify_parsed(
        self,
        parsed: Parsed,
        *,
        cert: x509.Certificate | None = None,
        now: float | None = None,
        max_age: float = DEFAULT_MAX_AGE,
        strict: bool = False,
    ) -> Verified:
        when = datetime.now(UTC).timestamp() if now is None else now
        warnings: list[str] = []
        try:
            return self._verify(parsed, cert, when, max_age, strict, warnings)
        except ShakenError as exc:
            exc.warnings = warnings
            raise

    def _verify(
        self,
        parsed: Parsed,
        cert: x509.Certificate | None,
        when: float,
        max_age: float,
        strict: bool,
        warnings: list[str],
    ) -> Verified:
        x5u = check_header(parsed.header, warnings, strict)
        if parsed.info and parsed.info != x5u:
            _soft(warnings, strict, "identity_header", f"info=<{x5u}>", parsed.info)
        attest, origid = check_claims(parsed.claims, warnings, strict)
        result = Verified(
            attest, check_orig(parsed.claims), check_dest(parsed.claims), origid, 0, x5u
        )
        result.iat = check_iat(parsed.claims, when, max_age)
        signer = self.certificate(x5u, cert)
        chain = self.chain(signer)
        check_validity(chain, when)
        self.tn_auth_list(signer, warnings, strict)
        check_signature(signer, parsed)
        result.checks = list(STEPS if parsed.info else STEPS[1:])
        result.warnings = warnings
        return result


def parse_any(token: str) -> Parsed:
    """A compact token, or an Identity header value (token;info=<…>;alg=…;ppt=…)."""
    text = token.strip()
    if ";" in text or text.lower().startswith("identity:"):
        compact, params = split_identity(text)
        parsed = parse(compact)
        parsed.info = params["info"]
        return parsed
    return parse(text)


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def check_validity(chain: Sequence[x509.Certificate], now: float) -> None:
    """(10) RFC 5280 §4.1.2.5: every certificate on the chain is valid at ``now``."""
    when = datetime.fromtimestamp(now, UTC)
    for cert in chain:
        if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
            raise ShakenError(
                "validity",
                f"{cert.subject.rfc4514_string()} valid at {when:%Y-%m-%dT%H:%M:%SZ}",
                f"{cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d}",
            )


def check_signature(cert: x509.Certificate, parsed: Parsed) -> None:
    """(12) RFC 7518 §3.4: ES256 signature is 64 bytes r‖s over header.claims."""
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ShakenError("signature", "a P-256 certificate key", type(key).__name__)
    sig = parsed.signature
    if len(sig) != 64:
        raise ShakenError("signature", "64 bytes (r‖s)", f"{len(sig)} bytes")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        key.verify(der, parsed.signing_input, _ECDSA)
    except InvalidSignature:
        raise ShakenError("signature", "a valid ES256 signature", "a mismatch") from None


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle; ValueError when there is none."""
    certs = x509.load_pem_x509_certificates(pem)
    if not certs:
        raise ValueError("no certificate in PEM data")
    return certs


def http_fetch(url: str, timeout: float = 3.0) -> bytes:
    """GET ``url`` (http or https only): used for x5u when the node is online."""
    if not url.startswith(("https://", "http://")):
        raise OSError(f"x5u scheme not allowed: {url[:40]}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked
            return bytes(response.read(64 * 1024))
    except urllib.error.HTTPError as exc:
        exc.close()  # the error holds the open response
        raise OSError(f"HTTP {exc.code} from {url}") from None


def report(error: ShakenError | None, parsed: Parsed | None, ok: Verified | None) -> dict[str, Any]:
    """The JSON the CLI prints: {valid, attest, orig, dest, origid, iat, checks, warnings}."""
    if ok is not None:
        return {
            "valid": True,
            "attest": ok.attest,
            "orig": ok.orig,
            "dest": ok.dest,
            "origid": ok.origid,
            "iat": ok.iat,
            "x5u": ok.x5u,
            "checks": ok.checks,
            "warnings": ok.warnings,
        }
    claims = parsed.claims if parsed else {}
    failed = error.step if error else STEPS[0]
    out: dict[str, Any] = {
        "valid": False,
        "attest": claims.get("attest"),
        "orig": claims.get("orig"),
        "dest": claims.get("dest"),
        "origid": claims.get("origid"),
        "iat": claims.get("iat"),
        "checks": [s for s in STEPS if STEPS.index(s) < STEPS.index(failed)],
        "warnings": list(error.warnings) if error else [],
    }
    if error is not None:
        out["error"] = {"step": error.step, "expected": error.expected, "found": error.found}
    return out


def verify_report(verifier: Verifier, text: str, **options: Any) -> dict[str, Any]:
    """Verify ``text`` (token or Identity header) and give the printable report either way."""
    parsed = None
    try:
        parsed = parse_any(text)
        return report(None, parsed, verifier.verify_parsed(parsed, **options))
    except ShakenError as exc:
        return report(exc, parsed, None)


def cached_fetch(cache_dir: Path, online: bool = True) -> Callable[[str], bytes]:
    """An x5u fetcher that keeps certificates on disk: offline nodes verify from the cache."""

    def fetch(url: str) -> bytes:
        path = cache_dir / (hashlib.sha256(url.encode()).hexdigest() + ".pem")
        if path.exists():
            return path.read_bytes()
        if not online:
            raise OSError(f"{url} is not in the certificate cache and the node is offline")
        body = http_fetch(url)
        load_certificates(body)  # cache only what parses
        cache_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        return body

    return fetch
