"""Digit runs in free text: phone numbers, card numbers and bank accounts.

A run is digits joined by at most three spaces, dots, hyphens or brackets. Context decides
what a run is: a keyword just before it ("UTR", "Rs", "complaint no.", "A/c", "card"), an
amount word just after it, and its shape (dates, times, 4-4-4 Aadhaar groups, 12-digit RRNs,
14+ digit acknowledgement numbers are never phone numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from .banking import bare_account, card_brand, indian_account, mask, us_account
from .model import Found, Identifier
from .phones import parse_phone

RUN = re.compile(r"(?<![A-Za-z0-9_@/#:=&?%+\-])(?:\+ ?|\(\+?)?\d(?:[ .\-()]{0,3}\d){6,}")
_TOKEN = re.compile(r"[^ ]+")
_NON_DIGIT = re.compile(r"\D")
_DATE_OR_TIME = re.compile(
    r"^\(?(?:\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}|\d{1,2}[.:]\d{2}|\d+\.\d{1,2})\)?$"
)
_KEYWORD_TAIL = r"(?:\s*(?:no|nos|number|num|id|#|संख्या|नंबर|सं))?\.?\s*[:#=\-]?\s*$"
_NOT_PHONE_BEFORE = re.compile(
    r"(?:\butr|\brrn|\btxn|transaction|\bref(?:erence)?|\border|\back(?:nowledge?ment)?|complaint"
    r"|\bcase|\bfir|ticket|invoice|\botp|\bpin(?:code)?|amount|\brs|\binr|\busd|\$|₹|aadhaa?r"
    r"|\bpan|\bimei|\bcin|\bgst(?:in)?|policy|loan|लेनदेन|शिकायत|संदर्भ|रु|रुपये|आधार)" + _KEYWORD_TAIL
)
_NOT_PHONE_AFTER = re.compile(
    r"^\s*(?:/-|rs\b|rupees?|inr\b|usd\b|dollars?|रु|रुपये|lakh|crore|लाख|करोड़)", re.IGNORECASE
)
_ACCOUNT_BEFORE = re.compile(
    r"(?:\ba/c|\bacct|\baccount|\bkhata|खाता|खाते)" + _KEYWORD_TAIL
    + r"|[A-Z]{4}0[A-Z0-9]{6}\s*[:/,\-]?\s*$"
)  # fmt: skip
_CARD_BEFORE = re.compile(
    r"(?:card|कार्ड|visa|master ?card|rupay|amex|debit|credit)" + _KEYWORD_TAIL
)
_IFSC_NEAR = re.compile(r"\b([A-Z]{4}0[A-Z0-9]{6})\b", re.IGNORECASE)
_ROUTING_NEAR = re.compile(r"(?:routing|\baba|\brtn)[^\d]{0,20}(\d{9})\b", re.IGNORECASE)
_CARD_GROUPS = {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 1), (4, 4, 4, 2)}


def numbers_in(text: str, low: str, region: str | None) -> Iterator[Found]:
    """Phones, cards and bank accounts in ``text`` (``low`` is its lower-case copy)."""
    for match in RUN.finditer(text):
        start, end = match.span()
        before = low[max(0, start - 32) : start]
        yield from _classify(text, start, end, before, region)


def _classify(text: str, start: int, end: int, before: str, region: str | None) -> Iterator[Found]:
    run = text[start:end]
    digits = _NON_DIGIT.sub("", run)
    if _ACCOUNT_BEFORE.search(before) or _ACCOUNT_BEFORE.search(text[max(0, start - 16) : start]):
        found = _account(text, start, end, digits)
        if found:
            yield found
        return
    groups = tuple(len(_NON_DIGIT.sub("", t)) for t in run.split())
    if 13 <= len(digits) <= 19 and (groups in _CARD_GROUPS or _CARD_BEFORE.search(before)):
        card = _card(start, end, digits)
        if card:
            yield card
        return
    if _NOT_PHONE_BEFORE.search(before) or _NOT_PHONE_AFTER.match(text[end : end + 12]):
        return
    if all(g == 4 for g in groups) and len(groups) >= 3:
        return  # Aadhaar (4-4-4) and card-like groups are not phone numbers
    yield from _phones(text, start, end, region)


def _phones(text: str, start: int, end: int, region: str | None) -> Iterator[Found]:
    """Longest valid phone number windows of whole tokens, left to right."""
    tokens = [(start + m.start(), start + m.end()) for m in _TOKEN.finditer(text[start:end])]
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            a, b = tokens[i][0], tokens[j - 1][1]
            phone = _phone(text[a:b], region)
            if phone:
                yield Found(phone, a, b, text[a:b])
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


def _card(start: int, end: int, digits: str) -> Found | None:
    if not luhn.is_valid(digits) or card_brand(digits) is None:
        return None
    from .banking import parse_card

    card = parse_card(digits)
    return Found(card, start, end, mask(digits)) if isinstance(card, Identifier) else None


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
