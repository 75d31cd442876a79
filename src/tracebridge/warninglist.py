"""Curated legitimate identifiers that victims name but scammers only impersonate.

Like MISP's warninglists (https://github.com/MISP/misp-warninglists): a bank's real helpline, a
government number, a big company's support line, free-mail and platform domains. Linking must not
join campaigns through them (``listed``) and the public checker shows them as legitimate
(``legitimate_owner``, ``helpline``). Entries are written as people write them and normalised
through tracebridge.identifiers on first use, so the keys always match the parser's.

On top of the entries, rules that a flat list cannot express: subdomains and URLs of a listed
domain, every free-mail provider, and government suffixes. A scam domain that merely contains a
brand ("amzn-refund-desk.com") is not listed: only the real registrable domain and its
subdomains are.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit

from tracebridge.identifiers import Identifier, parse

# (kind, as written, default region, who it really belongs to)
ENTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("phone", "1800 11 2211", "IN", "State Bank of India customer care"),
    ("phone", "1800 425 3800", "IN", "State Bank of India customer care"),
    ("phone", "1800 1234", "IN", "State Bank of India contact centre"),
    ("phone", "1800 202 6161", "IN", "HDFC Bank phone banking"),
    ("phone", "1800 1080", "IN", "ICICI Bank customer care"),
    ("phone", "1800 419 5959", "IN", "Axis Bank customer care"),
    ("phone", "1800 180 1961", "IN", "Income Tax Department (Aayakar Sampark Kendra)"),
    ("phone", "1800 300 1947", "IN", "UIDAI (Aadhaar) helpline"),
    ("phone", "+1 800 829 1040", "US", "Internal Revenue Service"),
    ("phone", "+1 800 772 1213", "US", "Social Security Administration"),
    ("phone", "+1 800 642 7676", "US", "Microsoft support"),
    ("phone", "+1 800 275 2273", "US", "Apple support"),
    ("phone", "+1 888 280 4331", "US", "Amazon customer service"),
    ("phone", "+1 877 382 4357", "US", "Federal Trade Commission"),
    ("phone", "+1 800 225 5324", "US", "Federal Bureau of Investigation"),
    ("domain", "gmail.com", "", "Google Mail (free e-mail)"),
    ("domain", "yahoo.com", "", "Yahoo Mail (free e-mail)"),
    ("domain", "outlook.com", "", "Microsoft Outlook (free e-mail)"),
    ("domain", "hotmail.com", "", "Microsoft Hotmail (free e-mail)"),
    ("domain", "rediffmail.com", "", "Rediffmail (free e-mail)"),
    ("domain", "protonmail.com", "", "Proton Mail (free e-mail)"),
    ("domain", "microsoft.com", "", "Microsoft"),
    ("domain", "apple.com", "", "Apple"),
    ("domain", "amazon.com", "", "Amazon"),
    ("domain", "amazon.in", "", "Amazon India"),
    ("domain", "google.com", "", "Google"),
    ("domain", "whatsapp.com", "", "WhatsApp"),
    ("domain", "telegram.org", "", "Telegram"),
    ("domain", "facebook.com", "", "Facebook"),
    ("domain", "instagram.com", "", "Instagram"),
    ("domain", "youtube.com", "", "YouTube"),
    ("domain", "paypal.com", "", "PayPal"),
    ("domain", "paytm.com", "", "Paytm"),
    ("domain", "phonepe.com", "", "PhonePe"),
    ("domain", "irs.gov", "", "Internal Revenue Service"),
    ("domain", "ssa.gov", "", "Social Security Administration"),
    ("domain", "ftc.gov", "", "Federal Trade Commission"),
    ("domain", "ic3.gov", "", "FBI Internet Crime Complaint Center"),
    ("domain", "fbi.gov", "", "Federal Bureau of Investigation"),
    ("domain", "onlinesbi.sbi", "", "State Bank of India"),
    ("domain", "sbi.co.in", "", "State Bank of India"),
    ("domain", "hdfcbank.com", "", "HDFC Bank"),
    ("domain", "icicibank.com", "", "ICICI Bank"),
    ("domain", "rbi.org.in", "", "Reserve Bank of India"),
    ("domain", "incometax.gov.in", "", "Income Tax Department"),
    ("domain", "uidai.gov.in", "", "UIDAI (Aadhaar)"),
    ("domain", "cybercrime.gov.in", "", "National Cyber Crime Reporting Portal"),
    ("domain", "sancharsaathi.gov.in", "", "Sanchar Saathi / Chakshu"),
)

# Short codes that the numbering-plan parser rightly refuses as subscriber numbers.
HELPLINES: dict[str, str] = {
    "1930": "National Cyber Crime Helpline, India (report money lost at once)",
    "112": "India's emergency number",
    "911": "United States emergency number",
    "155260": "India's former cyber crime helpline, now 1930",
}

# The owners' names as a Hindi page shows them (brand names and acronyms stay in Latin script,
# as people see them on their phones). tests/portal/test_hindi_pages.py fails on a name left out.
NAMES_HI: dict[str, str] = {
    "State Bank of India customer care": "भारतीय स्टेट बैंक (SBI) ग्राहक सेवा",
    "State Bank of India contact centre": "भारतीय स्टेट बैंक (SBI) संपर्क केंद्र",
    "HDFC Bank phone banking": "HDFC बैंक फ़ोन बैंकिंग",
    "ICICI Bank customer care": "ICICI बैंक ग्राहक सेवा",
    "Axis Bank customer care": "एक्सिस बैंक ग्राहक सेवा",
    "Income Tax Department (Aayakar Sampark Kendra)": "आयकर विभाग (आयकर संपर्क केंद्र)",
    "UIDAI (Aadhaar) helpline": "UIDAI (आधार) हेल्पलाइन",
    "Internal Revenue Service": "अमेरिका का आंतरिक राजस्व सेवा विभाग (IRS)",
    "Social Security Administration": "अमेरिका का सामाजिक सुरक्षा प्रशासन (SSA)",
    "Microsoft support": "Microsoft सपोर्ट",
    "Apple support": "Apple सपोर्ट",
    "Amazon customer service": "Amazon ग्राहक सेवा",
    "Federal Trade Commission": "अमेरिका का संघीय व्यापार आयोग (FTC)",
    "Federal Bureau of Investigation": "अमेरिका की संघीय जाँच एजेंसी (FBI)",
    "Google Mail (free e-mail)": "Gmail (मुफ़्त ई-मेल)",
    "Yahoo Mail (free e-mail)": "Yahoo मेल (मुफ़्त ई-मेल)",
    "Microsoft Outlook (free e-mail)": "Microsoft Outlook (मुफ़्त ई-मेल)",
    "Microsoft Hotmail (free e-mail)": "Microsoft Hotmail (मुफ़्त ई-मेल)",
    "Rediffmail (free e-mail)": "Rediffmail (मुफ़्त ई-मेल)",
    "Proton Mail (free e-mail)": "Proton मेल (मुफ़्त ई-मेल)",
    "Microsoft": "Microsoft",
    "Apple": "Apple",
    "Amazon": "Amazon",
    "Amazon India": "Amazon भारत",
    "Google": "Google",
    "WhatsApp": "WhatsApp",
    "Telegram": "Telegram",
    "Facebook": "Facebook",
    "Instagram": "Instagram",
    "YouTube": "YouTube",
    "PayPal": "PayPal",
    "Paytm": "Paytm",
    "PhonePe": "PhonePe",
    "FBI Internet Crime Complaint Center": "FBI का इंटरनेट अपराध शिकायत केंद्र (IC3)",
    "State Bank of India": "भारतीय स्टेट बैंक (SBI)",
    "HDFC Bank": "HDFC बैंक",
    "ICICI Bank": "ICICI बैंक",
    "Reserve Bank of India": "भारतीय रिज़र्व बैंक (RBI)",
    "Income Tax Department": "आयकर विभाग",
    "UIDAI (Aadhaar)": "UIDAI (आधार)",
    "National Cyber Crime Reporting Portal": "राष्ट्रीय साइबर अपराध रिपोर्टिंग पोर्टल",
    "Sanchar Saathi / Chakshu": "संचार साथी / चक्षु",
    HELPLINES["1930"]: "राष्ट्रीय साइबर अपराध हेल्पलाइन, भारत (पैसे कटते ही तुरंत शिकायत करें)",
    HELPLINES["112"]: "भारत का आपातकालीन नंबर",
    HELPLINES["911"]: "अमेरिका का आपातकालीन नंबर",
    HELPLINES["155260"]: "भारत की पुरानी साइबर अपराध हेल्पलाइन, अब 1930",
}


def name_in(label: str, language: str) -> str:
    """An owner's or helpline's name in ``language`` ("hi" or "en"); English when not known."""
    if language.split("-")[0] == "hi":
        return NAMES_HI.get(label, label)
    return label


@cache
def legitimate() -> dict[str, str]:
    """Canonical key -> who the identifier really belongs to."""
    table: dict[str, str] = {}
    for kind, text, region, label in ENTRIES:
        found = parse(kind, text, region or None)
        if isinstance(found, Identifier):
            table[found.key] = label
    return table


def legitimate_owner(key: str) -> str | None:
    return legitimate().get(key)


def helpline(text: str) -> str | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return HELPLINES.get(digits) if digits == text.strip().replace(" ", "") else None


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
# Hosts where anyone gets a link of their own: the host is a hub, one link on it is not.
SHARED_HOSTS = frozenset(
    {"bit.ly", "tinyurl.com", "t.me", "telegram.me", "wa.me", "api.whatsapp.com"}
)


def shared_link(url: str) -> bool:
    """A specific short link, channel or chat on a shared host (``bit.ly/<code>``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return host in SHARED_HOSTS and bool(parts.path.strip("/") or parts.query)


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
        if shared_link(value):
            return None
        host = urlsplit(value).hostname or ""
        return domain_reason(host) if host else None
    return None
