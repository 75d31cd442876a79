"""The curated warninglist: identifiers that victims name but that never link campaigns.

Like MISP's warninglists (https://github.com/MISP/misp-warninglists): public helplines that
scammers impersonate, government and big-platform domains, free-mail providers. A scam domain
that merely contains a brand ("amzn-refund-desk.com") is not listed: only the real registrable
domain and its subdomains are.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "yahoo.co.in", "ymail.com", "aol.com", "icloud.com", "me.com",
        "protonmail.com", "proton.me", "rediffmail.com", "zoho.com", "gmx.com", "mail.com",
    }
)  # fmt: skip
PLATFORMS = frozenset(
    {
        "microsoft.com", "apple.com", "google.com", "amazon.com", "amazon.in", "paypal.com",
        "facebook.com", "instagram.com", "whatsapp.com", "wa.me", "t.me", "telegram.org",
        "youtube.com", "linkedin.com", "flipkart.com", "paytm.com", "phonepe.com",
        "binance.com", "coinbase.com", "anydesk.com", "teamviewer.com", "bit.ly",
        "walmart.com", "ebay.com", "netflix.com", "onlinesbi.sbi", "sbi.co.in",
        "hdfcbank.com", "icicibank.com", "rbi.org.in", "npci.org.in",
    }
)  # fmt: skip
GOVERNMENT_SUFFIXES = ("gov", "mil", "gov.in", "nic.in")
# Helplines that scammers impersonate or victims mention as the one they called back.
HELPLINES = frozenset(
    {
        "+18006427676",  # Microsoft support
        "+18002752273",  # Apple support
        "+18882804331",  # Amazon customer service (US)
        "+18008291040",  # IRS
        "+18007721213",  # Social Security Administration
        "+18773824357",  # FTC consumer response (1-877-FTC-HELP)
        "+911800112211",  # SBI contact centre
        "+9118001234",  # SBI short helpline
        "+911800425380",  # SBI toll-free
        "+911930",  # national cyber crime helpline
        "+91112",  # national emergency number
    }
)
HELPLINE_REASON = "public helpline that scammers impersonate"


def domain_reason(domain: str) -> str | None:
    domain = domain.lower().rstrip(".")
    parts = domain.split(".")
    for i in range(len(parts)):
        suffix = ".".join(parts[i:])
        if suffix in FREE_MAIL:
            return "free-mail provider"
        if suffix in PLATFORMS:
            return "big platform or bank domain"
        if suffix in GOVERNMENT_SUFFIXES and i > 0:
            return "government domain"
    return None


def listed(key: str, extra: Iterable[str] = ()) -> str | None:
    """Why ``key`` is on the warninglist, or None. ``extra`` holds keys an operator added."""
    kind, _, value = key.partition(":")
    if key in extra:
        return "added to the warninglist by an operator"
    if kind == "phone":
        return HELPLINE_REASON if value in HELPLINES else None
    if kind == "domain":
        return domain_reason(value)
    if kind == "url":
        host = urlsplit(value).hostname or ""
        return domain_reason(host) if host else None
    return None
