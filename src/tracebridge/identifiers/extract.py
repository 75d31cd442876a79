"""extract(): every identifier in free text (English and Hindi), with its span and kind.

Cheap pre-filters decide which scanners run at all ('@' for e-mail and UPI, '://' or 'www.'
for URLs, digits for numbers); each scanner finds candidates with one regular expression and
hands them to the same cached parsers that parse() uses. Overlaps are resolved by kind priority
(a URL wins over the domain inside it, an e-mail over its domain, a bank account over a phone).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .banking import UPI_HANDLES, parse_iban, parse_upi
from .model import Found, Identifier, Rejected
from .numbers import numbers_in
from .text import same_length
from .wallets import parse_wallet
from .web import parse_domain, parse_email, parse_url

_D = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\])"  # a dot, possibly defanged
_URL = re.compile(
    r"\b(?:(?:https?|hxxps?|ftp)(?:://|\[://\]|\[:\]//)|www" + _D + r")[^\s<>\"'`]+", re.IGNORECASE
)
_EMAIL = re.compile(
    r"(?<![\w.+%-])[a-z0-9][a-z0-9._%+'-]{0,63}\s?(?:@|\[at\]|\(at\)|\[@\]|\{at\})\s?"
    r"(?:[a-z0-9-]+" + _D + r")+[a-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)
_UPI = re.compile(
    r"(?<![\w.+-])[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63}(?![\w@-]|\.[a-z0-9])", re.I
)
_DOMAIN = re.compile(
    r"(?<![\w@.\-/])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    + _D
    + r")+[a-z][a-z0-9-]{0,22}[a-z0-9]"
    r"(?![\w\-@]|\.[a-z0-9]|\[\.\])(/[^\s<>\"'`]*)?",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_WALLET = re.compile(
    r"\b(?:(?:bc1|BC1|ltc1|LTC1)[a-zA-Z0-9]{8,87}|0x[0-9a-fA-F]{40}"
    r"|[13TLMDr][1-9A-HJ-NP-Za-km-z]{24,34}|[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93})\b"
)
_DIGIT = re.compile(r"\d")
_TRAILING = ".,;:!?'\"।)]}>*"
_PRIORITY = {
    "url": 0,
    "email": 1,
    "bank": 2,
    "iban": 3,
    "wallet": 4,
    "card": 5,
    "upi": 6,
    "phone": 7,
}
_PRIORITY["domain"] = 8
_Parser = Callable[[str], Identifier | Rejected]


def extract(text: str, region: str | None = None) -> list[Found]:
    """Every identifier in ``text`` with its span, in text order, without overlaps."""
    if not isinstance(text, str) or not text:
        return []
    t = same_length(text)
    low = t.lower()
    found = _without_overlaps(list(_scan(t, low, region)))
    if t is text:
        return found
    # Spans index the caller's text; give back its own characters (cards stay masked).
    return [
        f
        if f.identifier.kind == "card"
        else Found(f.identifier, f.start, f.end, text[f.start : f.end])
        for f in found
    ]


def _scan(t: str, low: str, region: str | None) -> Iterator[Found]:
    if "@" in t:
        yield from _matches(_EMAIL, t, parse_email)
        yield from _upi(t)
    elif "[at]" in low or "(at)" in low or "{at}" in low:
        yield from _matches(_EMAIL, t, parse_email)
    if "://" in t or "www" in low or "[:]" in t:
        yield from _urls(t)
    if "." in t or "[dot]" in low:
        yield from _domains(t)
    if _DIGIT.search(t):
        yield from numbers_in(t, low, region)
        yield from _matches(_IBAN, t, parse_iban)
    yield from _matches(_WALLET, t, parse_wallet)


def _matches(pattern: re.Pattern[str], t: str, parser: _Parser) -> Iterator[Found]:
    for match in pattern.finditer(t):
        result = parser(match.group(0))
        if isinstance(result, Identifier):
            yield Found(result, match.start(), match.end(), match.group(0))


def _upi(t: str) -> Iterator[Found]:
    for match in _UPI.finditer(t):
        handle, psp = match.group(0).rsplit("@", 1)
        # An unknown handle could be a half-typed e-mail; keep it only when the name is a number.
        if psp.lower() in UPI_HANDLES or handle.isdigit():
            result = parse_upi(match.group(0))
            if isinstance(result, Identifier):
                yield Found(result, match.start(), match.end(), match.group(0))


def _trim(t: str, start: int, end: int) -> int:
    """Drop trailing punctuation that ends the sentence, keeping balanced brackets."""
    while end > start and t[end - 1] in _TRAILING:
        closing = t[end - 1]
        opening = {")": "(", "]": "[", "}": "{", ">": "<"}.get(closing)
        if opening and t.count(opening, start, end) >= t.count(closing, start, end):
            break
        end -= 1
    return end


def _urls(t: str) -> Iterator[Found]:
    for match in _URL.finditer(t):
        start = match.start()
        end = _trim(t, start, match.end())
        result = parse_url(t[start:end])
        if isinstance(result, Identifier):
            yield Found(result, start, end, t[start:end])


def _domains(t: str) -> Iterator[Found]:
    for match in _DOMAIN.finditer(t):
        start, end = match.span()
        host_end = match.start(1) if match.group(1) else end
        tld = t[start:host_end].rsplit(".", 1)[-1].rstrip("]")
        if tld[:1].isupper() and tld[1:].islower():
            continue  # "paid.Then" is a missing space, not the .then top-level domain
        if match.group(1) and len(match.group(1)) > 1:
            end = _trim(t, start, end)
            result: Identifier | Rejected = parse_url(t[start:end])
        else:
            end = host_end
            result = parse_domain(t[start:end])
        if isinstance(result, Identifier):
            yield Found(result, start, end, t[start:end])


def _without_overlaps(found: list[Found]) -> list[Found]:
    found.sort(key=lambda f: (_PRIORITY.get(f.identifier.kind, 9), f.start - f.end, f.start))
    taken: list[Found] = []
    for candidate in found:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in taken):
            taken.append(candidate)
    taken.sort(key=lambda f: f.start)
    return taken
