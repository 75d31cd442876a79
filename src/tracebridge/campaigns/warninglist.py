"""Which identifiers never link campaigns: the node's curated list plus the rules around it.

The curated entries live in ``tracebridge.warninglist`` (shared with the public checker). On top
of them, like MISP's warninglists (https://github.com/MISP/misp-warninglists), rules that a
flat list cannot express: subdomains and URLs of a listed domain, every free-mail provider, and
government suffixes. A scam domain that merely contains a brand ("amzn-refund-desk.com") is not
listed: only the real registrable domain and its subdomains are.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from tracebridge.warninglist import legitimate_owner

FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "yahoo.co.in", "ymail.com", "aol.com", "icloud.com", "me.com",
        "protonmail.com", "proton.me", "rediffmail.com", "zoho.com", "gmx.com", "mail.com",
    }
)  # fmt: skip
PLATFORMS = frozenset(
    {
        "wa.me", "t.me", "linkedin.com", "flipkart.com", "binance.com", "coinbase.com",
        "anydesk.com", "teamviewer.com", "bit.ly", "walmart.com", "ebay.com", "netflix.com",
        "npci.org.in",
    }
)  # fmt: skip
GOVERNMENT_SUFFIXES = ("gov", "mil", "gov.in", "nic.in")


def domain_reason(domain: str) -> str | None:
    parts = domain.lower().rstrip(".").split(".")
    for i in range(len(parts)):
        suffix = ".".join(parts[i:])
        owner = legitimate_owner(f"domain:{suffix}")
        if owner:
            return owner
        if suffix in FREE_MAIL:
            return "free-mail provider"
        if suffix in PLATFORMS:
            return "big platform"
        if suffix in GOVERNMENT_SUFFIXES and i > 0:
            return "government domain"
    return None


def listed(key: str, extra: Iterable[str] = ()) -> str | None:
    """Why ``key`` never links, or None. ``extra`` holds keys an operator added."""
    if key in extra:
        return "added to the warninglist by an operator"
    owner = legitimate_owner(key)
    if owner:
        return owner
    kind, _, value = key.partition(":")
    if kind == "domain":
        return domain_reason(value)
    if kind == "url":
        host = urlsplit(value).hostname or ""
        return domain_reason(host) if host else None
    return None
