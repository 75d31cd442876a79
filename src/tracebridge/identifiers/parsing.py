"""The public entry points: parse one value of a known kind, guess the kind, read keys back."""

from __future__ import annotations

import re
from collections.abc import Callable

from .banking import parse_bank_text, parse_card, parse_iban, parse_upi
from .messaging import PLATFORM_WORDS, bare_handle, parse_sms_header, parse_social
from .model import KINDS, Identifier, Rejected, short
from .phones import parse_phone
from .text import clean, refang
from .wallets import detect_chain, parse_wallet
from .web import parse_domain, parse_email, parse_url

_PARSERS: dict[str, Callable[[str], Identifier | Rejected]] = {
    "email": parse_email,
    "domain": parse_domain,
    "url": parse_url,
    "upi": parse_upi,
    "bank": parse_bank_text,
    "iban": parse_iban,
    "card": parse_card,
    "wallet": parse_wallet,
    "sms": parse_sms_header,
    "social": parse_social,
}
_SMS_SHAPE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{6}(?:-[STPG])?$", re.IGNORECASE)
_SOCIAL_SHAPE = re.compile(r"^([a-z\u0900-\u097f]+)\s*[:\s]\s*@[A-Za-z0-9_.]+$", re.IGNORECASE)
_IBAN_SHAPE = re.compile(r"^(?:IBAN\s*:?\s*)?[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}$", re.IGNORECASE)
_BANK_SHAPE = re.compile(
    r"^(?:[A-Z]{4}0[A-Z0-9]{6}|\d{9})\s*[:/,\s-]\s*(?:a/?c\.?\s*(?:no\.?)?\s*)?\d", re.I
)
_URL_SHAPE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://|www\.)|^[^\s/@]+\.[a-z]{2,}[:/]", re.I)
_DOMAIN_SHAPE = re.compile(r"^[^\s/@:]+\.[^\s/@:.]{2,}$")
_CARD_SHAPE = re.compile(
    r"^\d{4}[\s-]?\d{4,6}[\s-]?\d{4,5}(?:[\s-]?\d{1,4})?$|^\d{6}[*xX•]{3,9}\d{4}$"
)
_ACCOUNT_KEY_KINDS = {"IN": "bank", "US": "bank", "XX": "bank"}


def parse(kind: str, text: str, region: str | None = None) -> Identifier | Rejected:
    """Parse ``text`` as an identifier of ``kind`` (one of KINDS); ``region`` is for phones."""
    if kind == "phone":
        return parse_phone(text, region)
    parser = _PARSERS.get(kind)
    if parser is None:
        return Rejected(kind, text, f"{kind!r} is not a kind of identifier ({', '.join(KINDS)}).")
    if not isinstance(text, str) or not text.strip():
        return Rejected(kind, str(text), "The value is empty.")
    return parser(text)


def parse_key(key: str) -> Identifier | Rejected:
    """Read a canonical key back: parse_key(x.key).key == x.key."""
    kind, sep, rest = key.partition(":")
    if not sep or kind not in KINDS:
        return Rejected("unknown", key, f"{short(key)} is not an identifier key (kind:value).")
    return parse(kind, rest)


def parse_account_key(text: str) -> Identifier | Rejected:
    """Money-trail account keys: IN:<IFSC>:<acct>, US:<routing>:<acct>, IBAN:, UPI:, WALLET:."""
    head, sep, rest = clean(text).partition(":")
    prefix = head.upper()
    if not sep:
        return Rejected(
            "bank", text, f"{short(text)} is not an account key (e.g. IN:<IFSC>:<account>)."
        )
    if prefix in _ACCOUNT_KEY_KINDS:
        return parse_bank_text(f"{prefix}:{rest}")
    if prefix == "IBAN":
        return parse_iban(rest)
    if prefix == "UPI":
        return parse_upi(rest)
    if prefix == "WALLET":
        chain, _, address = rest.partition(":")
        return parse_wallet(address, chain) if address else parse_wallet(rest)
    return Rejected(
        "bank", text, f"{short(text)} does not start with IN:, US:, IBAN:, UPI: or WALLET:."
    )


def guess_kind(text: str) -> str:
    """The kind a search-box entry most likely is; the parser of that kind has the last word."""
    t = refang(clean(text))
    low = t.lower()
    if "@" in t:
        if low.startswith("mailto:"):
            return "email"
        if _URL_SHAPE.match(t) and "/" in t.split("@", 1)[0]:
            return "url"
        return "email" if "." in t.rsplit("@", 1)[1] else "upi"
    if _URL_SHAPE.match(t):
        return "url"
    if detect_chain(t) and _wallet_ok(t):
        return "wallet"
    if _IBAN_SHAPE.match(t) and t[:2].isalpha():
        return "iban"
    if _BANK_SHAPE.match(t):
        return "bank"
    if (
        _CARD_SHAPE.match(t)
        and not t.startswith(("+", "0"))
        and isinstance(parse_card(t), Identifier)
    ):
        return "card"
    if _DOMAIN_SHAPE.match(t) and any(c.isalpha() for c in t):
        return "domain"
    return "phone"


def _wallet_ok(text: str) -> bool:
    return isinstance(parse_wallet(text), Identifier) or text[:2].lower() in ("0x", "bc")


def parse_any(text: str, region: str | None = None) -> Identifier | Rejected:
    """Guess the kind of a search-box entry and parse it."""
    t = clean(text) if isinstance(text, str) else ""
    if not t:
        return Rejected("unknown", str(text), "The value is empty.")
    head = t.split(":", 1)[0]
    if head in KINDS and ":" in t:
        return parse_key(t)
    if head.upper() in ("IN", "US", "XX", "IBAN", "UPI", "WALLET") and t.count(":") >= 1:
        found = parse_account_key(t)
        if isinstance(found, Identifier):
            return found
    if special := _messaging(t):
        return special
    kind = guess_kind(t)
    result = parse(kind, t, region)
    if isinstance(result, Rejected) and kind == "phone" and not any(ch.isdigit() for ch in t):
        return Rejected("unknown", text, _UNKNOWN_REASON.format(short(text)))
    return result


def _messaging(t: str) -> Identifier | Rejected | None:
    """SMS headers (VM-HDFCBK) and handles that name their platform (telegram:@name); a bare
    @name is refused here (social_readings reads it on every platform)."""
    if _SMS_SHAPE.match(t):
        return parse_sms_header(t)
    social = _SOCIAL_SHAPE.match(t)
    if social and social.group(1).lower() in PLATFORM_WORDS:
        return parse_social(t)
    if bare_handle(t):
        return Rejected("social", t, f"{short(t)} does not say its platform (telegram:@name).")
    return None


# The two countries whose national numbers are read without a country code.
PHONE_REGIONS = ("US", "IN")
_NATIONAL_PHONE = re.compile(r"^\(?\d[\d\s().-]{6,}$")


def phone_readings(text: str) -> list[Identifier]:
    """Every valid reading of a phone number written without its country code.

    ``9004083368`` is +1 900 408 3368 in the US and +91 90040 83368 in India; a number that
    names its country (``+91…``, ``0091…``) has one reading, so this returns none for it.
    """
    t = clean(text) if isinstance(text, str) else ""
    if not _NATIONAL_PHONE.match(t) or t.startswith(("00", "+")):
        return []
    readings: dict[str, Identifier] = {}
    for region in PHONE_REGIONS:
        found = parse_phone(t, region)
        if isinstance(found, Identifier):
            readings.setdefault(found.key, found)
    return list(readings.values())


_UNKNOWN_REASON = (
    "{} is not a phone number, e-mail address, website, UPI ID, bank account, IBAN, card "
    "number or wallet address that we can recognise."
)


_CHAT_PHONE_HOSTS = frozenset({"wa.me", "api.whatsapp.com"})


def phone_of_link(ident: Identifier) -> Identifier | None:
    """The phone number a WhatsApp link is: ``wa.me/<number>`` (or ``api.whatsapp.com/send?
    phone=<number>``) names the number itself, written in international form without "+"."""
    if ident.kind != "url" or ident.details.get("host") not in _CHAT_PHONE_HOSTS:
        return None
    path_and_query = ident.value.split("://", 1)[-1].partition("/")[2]
    path, _, query = path_and_query.partition("?")
    digits = path.strip("/").lstrip("+")
    if path.strip("/") == "send":
        digits = next((v for k, _, v in _params(query) if k == "phone"), "").lstrip("+")
    if not digits.isdigit():
        return None
    found = parse_phone("+" + digits, None)
    return found if isinstance(found, Identifier) else None


def _params(query: str) -> list[tuple[str, str, str]]:
    return [pair.partition("=") for pair in query.split("&") if pair]
