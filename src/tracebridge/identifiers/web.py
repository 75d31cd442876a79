"""E-mail addresses, domains and URLs.

Domains are cut at the registered domain with tldextract's bundled Public Suffix List snapshot,
private suffixes included: for "scam.github.io" or "kyc.web.app" the selector is the
customer's own name under the platform, which is what an investigator wants to link on.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

import idna
import tldextract

from .model import Identifier, Rejected, make, short
from .text import clean, refang

# Never touches the network: no suffix list download, no disk cache.
_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_PERCENT = re.compile(r"%([0-9a-fA-F]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"
_CASELESS_PATH_HOSTS = frozenset({"t.me", "telegram.me"})


class HostError(ValueError):
    """A host name that cannot be a registered internet domain; the message says why."""


@lru_cache(maxsize=1 << 14)
def host_info(host: str) -> tuple[str, str, bool]:
    """(ASCII host, registered domain, private suffix?) or HostError."""
    host = host.strip().rstrip(".").lower()
    if not host:
        raise HostError("The host name is empty.")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise HostError(
                f"{short(host)} is not a valid internationalised domain ({exc})."
            ) from exc
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise HostError(f"{short(host)} is not a valid host name.")
    parts = _PSL(host)
    if not parts.suffix:
        raise HostError(f"{short(host)} does not end in a known public suffix (top-level domain).")
    if not parts.domain:
        raise HostError(f"{short(host)} is a public suffix, not a registered domain.")
    return host, f"{parts.domain}.{parts.suffix}", parts.is_private


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_domain(text: str) -> Identifier | Rejected:
    t = refang(clean(text))
    if "/" in t or "@" in t or ":" in t:
        t = _hostname(t)
    if _is_ip(t):
        return Rejected("domain", text, f"{short(text)} is an IP address, not a domain name.")
    try:
        host, registered, private = host_info(t)
    except HostError as exc:
        return Rejected("domain", text, str(exc))
    details = {"host": host, "private_suffix": "yes" if private else "no"}
    return make("domain", registered, details)


def _hostname(text: str) -> str:
    if "://" not in text:
        text = "//" + text.split("@")[-1] if "@" in text.split("/")[0] else "//" + text
    try:
        return urlsplit(text).hostname or ""
    except ValueError:
        return ""


def parse_email(text: str) -> Identifier | Rejected:
    t = refang(clean(text)).strip("<>").lower()
    t = t[7:] if t.startswith("mailto:") else t
    local, at, host = t.rpartition("@")
    if not at or not local:
        return Rejected("email", text, f"{short(text)} has no @ between a name and a domain.")
    if len(local) > 64 or not _LOCAL_PART.match(local):
        return Rejected(
            "email", text, f"The part before @ in {short(text)} is not a valid mailbox name."
        )
    try:
        ascii_host, registered, _ = host_info(host)
    except HostError as exc:
        return Rejected("email", text, str(exc))
    return make("email", f"{local}@{ascii_host}", {"domain": registered, "host": ascii_host})


def parse_url(text: str) -> Identifier | Rejected:
    t = refang(clean(text))
    scheme_match = _SCHEME.match(t)
    if scheme_match and t[scheme_match.end() : scheme_match.end() + 2] != "//":
        if not t[scheme_match.end() :][:1].isdigit():  # "host:8080/x" is a port, not a scheme
            scheme = scheme_match.group(1).lower()
            return Rejected("url", text, f"{short(text)} is a {scheme}: link, not a web address.")
        scheme_match = None
    if scheme_match is None:
        t = "https://" + t.lstrip("/")  # no scheme given: assume the web's default today
    try:
        return _normalised_url(t)
    except (ValueError, HostError) as exc:
        return Rejected("url", text, f"{short(text)} is not a usable web address: {exc}")


def _normalised_url(t: str) -> Identifier:
    parts = urlsplit(t)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"the scheme {scheme!r} is not http, https or ftp.")
    raw_host = parts.hostname or ""
    if _is_ip(raw_host):
        host = domain = str(ipaddress.ip_address(raw_host))
        host = f"[{host}]" if ":" in host else host
    else:
        host, domain, _ = host_info(raw_host)
    port = parts.port
    netloc = (
        f"{parts.username}{':' + (parts.password or '') if parts.password else ''}@"
        if parts.username
        else ""
    )
    netloc += host + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")
    path = _remove_dot_segments(_percent(parts.path, _PATH_SAFE)) or "/"
    if host in _CASELESS_PATH_HOSTS:
        path = path.lower()  # Telegram user and channel names ignore case
    query = _percent(parts.query, _QUERY_SAFE)
    value = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    return make("url", value, {"scheme": scheme, "host": host, "domain": domain})


def _percent(text: str, safe: str) -> str:
    """RFC 3986 §6.2.2: upper-case escapes, decode unreserved characters, escape the rest."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return quote(_PERCENT.sub(fix, text), safe=safe)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, for the common cases ('/a/./b/../c' -> '/a/c')."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    trailing = "/" if segments[-1] in (".", "..") else ""
    return "/" + "/".join(out) + trailing if path.startswith("/") else path
