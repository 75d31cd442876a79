"""Digit runs in free text: phone numbers, card numbers and bank accounts.

A run is digits joined by at most three spaces, dots, hyphens or brackets. Context decides
what a run is: a keyword just before it ("UTR", "Rs", "complaint no.", "A/c", "card"), an
amount word just after it, and its shape (dates, times, 4-4-4 Aadhaar groups, 12-digit RRNs,
14+ digit acknowledgement numbers are never phone numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .banking import bare_account, indian_account, mask, parse_card, us_account
from .model import Found, Identifier
from .phones import parse_phone

RUN = re.compile(r"(?<![A-Za-z0-9_@/#:=&?%+\-])(?:\+ ?|\(\+?)?\d(?:[ .\-()]{0,3}\d){6,}")
_CANDIDATE = re.compile(r"\d[\d .\-()]{6,}")  # a fast finder; RUN then decides
_TOKEN = re.compile(r"[^ ]+")
_NON_DIGIT = re.compile(r"\D")
_DATE_OR_TIME = re.compile(
    r"^\(?(?:\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}|\d{1,2}[.:]\d{2}|\d+\.\d{1,2})\)?$"
)
_WORD = re.compile(r"[^\s:#=.\-,;()\[\]]+")
_FILLERS = frozenset({"no", "nos", "number", "num", "id", "#", "संख्या", "नंबर", "सं", "is", "of"})
_NOT_PHONE_WORDS = frozenset(
    [
        "utr",
        "rrn",
        "txn",
        "txnid",
        "transaction",
        "trans",
        "ref",
        "reference",
        "refno",
        "order",
        "ack",
        "acknowledgement",
        "acknowledgment",
        "complaint",
        "case",
        "fir",
        "ticket",
        "invoice",
        "otp",
        "pin",
        "pincode",
        "amount",
        "rs",
        "inr",
        "usd",
        "$",
        "₹",
        "aadhaar",
        "aadhar",
        "pan",
        "imei",
        "cin",
        "gst",
        "gstin",
        "policy",
        "loan",
        "लेनदेन",
        "शिकायत",
        "संदर्भ",
        "रु",
        "रुपये",
        "आधार",
    ]
)
_ACCOUNT_WORDS = frozenset(["a/c", "ac", "acct", "account", "acc", "khata", "खाता", "खाते"])
_CARD_WORDS = frozenset(["card", "कार्ड", "visa", "mastercard", "rupay", "amex", "debit", "credit"])
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$", re.IGNORECASE)
_NOT_PHONE_AFTER = re.compile(
    r"\s*(?:/-|rs\b|rupees?|inr\b|usd\b|dollars?|रु|रुपये|lakh|crore|लाख|करोड़)", re.IGNORECASE
)
_IFSC_NEAR = re.compile(r"\b([A-Z]{4}0[A-Z0-9]{6})\b", re.IGNORECASE)
_ROUTING_NEAR = re.compile(r"(?:routing|\baba|\brtn)[^\d]{0,20}(\d{9})\b", re.IGNORECASE)
_CARD_GROUPS = {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 1), (4, 4, 4, 2)}


def numbers_in(text: str, low: str, region: str | None) -> Iterator[Found]:
    """Phones, cards and bank accounts in ``text`` (``low`` is its lower-case copy)."""
    for candidate in _CANDIDATE.finditer(text):
        for match in RUN.finditer(text, max(0, candidate.start() - 2), candidate.end()):
            start, end = match.span()
            context = _context(low, start)
            international = text[start] in "+(" and "+" in text[start : start + 2]
            if not international and (
                context == "other" or _NOT_PHONE_AFTER.match(low, end, end + 12)
            ):
                continue  # a transaction id, case number or amount (never written with a +)
            if context == "account":
                account = _account(text, start, end, _NON_DIGIT.sub("", match.group(0)))
                if account:
                    yield account
                continue
            for a, b, found, shown in _classify(match.group(0), context, region):
                yield Found(found, start + a, start + b, shown)


def _context(low: str, start: int) -> str:
    """What the word just before a run says it is: account, card, other (not a phone) or ''."""
    words = _WORD.findall(low, max(0, start - 40), start)
    while words and words[-1] in _FILLERS:
        words.pop()
    if not words:
        return ""
    word = words[-1]
    if word in _ACCOUNT_WORDS or _IFSC.match(word):
        return "account"
    if word in _CARD_WORDS:
        return "card"
    if word in _NOT_PHONE_WORDS or word.endswith(("$", "₹")) or word.startswith(("₹", "$")):
        return "other"
    return ""


Span = tuple[int, int, Identifier, str]  # relative to the run, with the text to show


@lru_cache(maxsize=1 << 15)
def _classify(run: str, context: str, region: str | None) -> tuple[Span, ...]:
    """What a run is, given the word before it; cached because scam numbers repeat."""
    digits = _NON_DIGIT.sub("", run)
    groups = tuple(len(_NON_DIGIT.sub("", t)) for t in run.split())
    if 13 <= len(digits) <= 19 and (groups in _CARD_GROUPS or context == "card"):
        card = _card(digits)
        return ((0, len(run), card, mask(digits)),) if card else ()
    if all(g == 4 for g in groups) and len(groups) >= 3:
        return ()  # Aadhaar (4-4-4) and card-like groups are not phone numbers
    return tuple(_phones(run, region))


def _phones(run: str, region: str | None) -> Iterator[Span]:
    """Longest valid phone number windows of whole tokens, left to right."""
    tokens = [m.span() for m in _TOKEN.finditer(run)]
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            a, b = tokens[i][0], tokens[j - 1][1]
            phone = _phone(run[a:b], region)
            if phone:
                yield a, b, phone, run[a:b]
                i = j
                break
        else:
            i += 1


def _phone(window: str, region: str | None) -> Identifier | None:
    if _DATE_OR_TIME.match(window) or any(_DATE_OR_TIME.match(t) for t in window.split()):
        return None
    digits = _NON_DIGIT.sub("", window)
    plus = window.lstrip("(").startswith("+")
    if not plus and not _plausible_digits(digits):
        return None
    found = parse_phone(
        window.strip("()") if window.count("(") != window.count(")") else window, region
    )
    return found if isinstance(found, Identifier) else None


def _plausible_digits(digits: str) -> bool:
    """National or international numbers without a plus, minus RRNs and acknowledgement numbers."""
    n = len(digits)
    if digits.startswith(("00", "011")):
        return 12 <= n <= 18
    if n in (10, 11):
        return True
    return n == 12 and digits.startswith("91") and digits[2] in "6789"


def _card(digits: str) -> Identifier | None:
    card = parse_card(digits)  # Luhn and a card network's prefix and length
    return card if isinstance(card, Identifier) else None


def _account(text: str, start: int, end: int, digits: str) -> Found | None:
    near = text[max(0, start - 120) : end + 120]
    routing = _ROUTING_NEAR.search(near)
    ifsc = _IFSC_NEAR.search(near)
    if routing and routing.group(1) != digits:
        found = us_account(routing.group(1), digits)
    elif ifsc:
        found = indian_account(ifsc.group(1), digits)
    else:
        found = bare_account(digits)
    if isinstance(found, Identifier):
        return Found(found, start, end, text[start:end])
    return None
