"""Curated legitimate identifiers that victims name but scammers only impersonate.

Like MISP's warninglists: a bank's real helpline, a government number, a big company's support
line, free-mail and platform domains. Linking must not join campaigns through them and the public
checker shows them as legitimate. Entries are written as people write them and normalised through
tracebridge.identifiers on first use, so the keys always match the parser's.
"""

from __future__ import annotations

from functools import cache

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
    "1930": "India's national cyber-fraud helpline (report money lost at once)",
    "112": "India's emergency number",
    "911": "United States emergency number",
    "155260": "India's former cyber-fraud helpline, now 1930",
}


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
