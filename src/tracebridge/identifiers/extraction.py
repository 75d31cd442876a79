"""extract(): every identifier in free text (English and Hindi), with its span and kind.

Cheap pre-filters decide which scanners run at all ('@' for e-mail and UPI, '://' or 'www.'
for URLs, digits for numbers); each scanner finds candidates with one regular expression and
hands them to the same cached parsers that parse() uses. Overlaps are resolved by kind priority
(a URL wins over the domain inside it, an e-mail over its domain, a bank account over a phone).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from .banking import UPI_HANDLES, parse_iban, parse_upi
from .messaging import PLATFORM_WORDS, parse_handle, parse_sms_header
from .model import Found, Identifier, Rejected
from .numbers import numbers_in
from .text import same_length
from .wallets import parse_wallet
from .web import parse_domain, parse_email, parse_url

_Parser = Callable[[str], Identifier | Rejected]


def _cached(parser: _Parser) -> _Parser:
    # Narratives repeat the same scam URLs, e-mails and UPI IDs: parse each spelling once.
    return lru_cache(maxsize=1 << 14)(parser)


_email, _url, _domain = _cached(parse_email), _cached(parse_url), _cached(parse_domain)
_upi_id, _iban, _wallet = _cached(parse_upi), _cached(parse_iban), _cached(parse_wallet)

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
    r"(?:(?:bc1|BC1|ltc1|LTC1)[a-zA-Z0-9]{8,87}|0x[0-9a-fA-F]{40}"
    r"|[13TLMDr][1-9A-HJ-NP-Za-km-z]{24,34}|[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93})"
)
_SMS_HEADER = re.compile(r"(?<![\w-])[A-Z]{2}-([A-Z0-9]{6})(-[STPG])?(?![\w-])")
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.]{0,31})")
# Words that name a handle's platform in a narrative; the nearest one to the handle wins.
_PLATFORM_NEAR = re.compile(
    r"telegram|टेलीग्राम|instagram|insta\b|इंस्टाग्राम|twitter|\bon x\b|\bx\.com", re.IGNORECASE
)
_NEAR = 40
_DIGIT = re.compile(r"\d")
# Fast finders (a literal or a plain class first, so the regex engine can skip ahead); the
# precise patterns above are then matched only where a finder hit.
_DOT_LETTER = re.compile(r"\.[a-zA-Z]")
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]", re.IGNORECASE)
_URL_HINT = re.compile(r"://|\[:\]//|www[.\[(]")
_IBAN_HINT = re.compile(r"[A-Z][A-Z]\d\d")
_LONG_TOKEN = re.compile(r"[0-9A-Za-z]{25,}")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+'-")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.[]()")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz[]")
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
    "sms": 8,
    "social": 8,
}
_PRIORITY["domain"] = 9


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
        yield from _at_signs(t)
        yield from _handles(t)
    if "-" in t:
        yield from _sms_headers(t)
    if "[at]" in low or "(at)" in low or "{at}" in low or "[@]" in low:
        yield from _matches(_EMAIL, t, _email)  # defanged addresses: the slow, full scan
    if "//" in t or "www" in low:
        yield from _urls(t, low)
    if "." in t:
        yield from _domains(t, _DOT_LETTER.finditer(t))
    if "[.]" in t or "(.)" in t or "{.}" in t or "[dot]" in low:
        yield from _domains(t, _DEFANGED_DOT.finditer(t))
    if _DIGIT.search(t):
        yield from numbers_in(t, low, region)
        yield from _ibans(t)
    yield from _wallets(t)


def _matches(pattern: re.Pattern[str], t: str, parser: _Parser) -> Iterator[Found]:
    for match in pattern.finditer(t):
        result = parser(match.group(0))
        if isinstance(result, Identifier):
            yield Found(result, match.start(), match.end(), match.group(0))


def _back(t: str, i: int, chars: frozenset[str], limit: int) -> int:
    """Where a token of ``chars`` that ends at ``i`` starts (at most ``limit`` back)."""
    stop = max(0, i - limit)
    while i > stop and t[i - 1] in chars:
        i -= 1
    return i


def _at_signs(t: str) -> Iterator[Found]:
    i = t.find("@")
    while i >= 0:
        left = _back(t, i, _LOCAL_CHARS, 64)
        while left < i and t[left] in "._%+'-":
            left += 1
        match = _EMAIL.match(t, left)
        if match and isinstance(found := _email(match.group(0)), Identifier):
            yield Found(found, left, match.end(), match.group(0))
        elif (match := _UPI.match(t, left)) is not None:
            yield from _upi(match)
        i = t.find("@", i + 1)


def _upi(match: re.Match[str]) -> Iterator[Found]:
    handle, psp = match.group(0).rsplit("@", 1)
    # An unknown handle could be a half-typed e-mail; keep it only when the name is a number.
    if psp.lower() in UPI_HANDLES or handle.isdigit():
        result = _upi_id(match.group(0))
        if isinstance(result, Identifier):
            yield Found(result, match.start(), match.end(), match.group(0))


def _sms_headers(t: str) -> Iterator[Found]:
    """VM-HDFCBK: six letters, or any six with a category suffix (AD-123456-P); six digits
    alone are too often something else (a PIN code, an order number)."""
    for match in _SMS_HEADER.finditer(t):
        if match.group(2) or match.group(1).isalpha():
            result = parse_sms_header(match.group(0))
            if isinstance(result, Identifier):
                yield Found(result, match.start(), match.end(), match.group(0))


def _handles(t: str) -> Iterator[Found]:
    """@name with a platform named within a few words of it ("on Telegram @name")."""
    for match in _HANDLE.finditer(t):
        platform = _platform_near(t, match.start(), match.end())
        name = match.group(1).rstrip(".")
        result = parse_handle(platform, name) if platform else None
        if isinstance(result, Identifier):
            end = match.start(1) + len(name)
            yield Found(result, match.start(), end, t[match.start() : end])


def _platform_near(t: str, start: int, end: int) -> str | None:
    window_start = max(0, start - _NEAR)
    words = _PLATFORM_NEAR.finditer(t, window_start, min(len(t), end + _NEAR))
    nearest = min(words, key=lambda w: abs(w.start() - start), default=None)
    if nearest is None:
        return None
    return PLATFORM_WORDS.get(nearest.group(0).lower(), "x")  # "on x", "x.com"


def _trim(t: str, start: int, end: int) -> int:
    """Drop trailing punctuation that ends the sentence, keeping balanced brackets."""
    while end > start and t[end - 1] in _TRAILING:
        closing = t[end - 1]
        opening = {")": "(", "]": "[", "}": "{", ">": "<"}.get(closing)
        if opening and t.count(opening, start, end) >= t.count(closing, start, end):
            break
        end -= 1
    return end


def _urls(t: str, low: str) -> Iterator[Found]:
    pos = 0
    for hint in _URL_HINT.finditer(low):
        if hint.start() < pos:
            continue
        left = _back(low, hint.start(), _SCHEME_CHARS, 8)
        match = _URL.match(t, left)
        if match is None:
            continue
        end = _trim(t, left, match.end())
        result = _url(t[left:end])
        if isinstance(result, Identifier):
            pos = end
            yield Found(result, left, end, t[left:end])


def _domains(t: str, dots: Iterator[re.Match[str]]) -> Iterator[Found]:
    pos = 0
    for dot in dots:
        if dot.start() < pos:
            continue
        left = _back(t, dot.start(), _HOST_CHARS, 253)
        while left < dot.start() and t[left] in "[](){}.-":
            left += 1
        match = _DOMAIN.match(t, left)
        if match is None:
            continue
        pos = match.end()
        found = _domain_or_url(t, match)
        if found:
            yield found


def _domain_or_url(t: str, match: re.Match[str]) -> Found | None:
    start, end = match.span()
    host_end = match.start(1) if match.group(1) else end
    tld = t[start:host_end].rsplit(".", 1)[-1].rstrip("]")
    if tld[:1].isupper() and tld[1:].islower():
        return None  # "paid.Then" is a missing space, not the .then top-level domain
    if match.group(1) and len(match.group(1)) > 1:
        end = _trim(t, start, end)
        result: Identifier | Rejected = _url(t[start:end])
    else:
        end = host_end
        result = _domain(t[start:end])
    return Found(result, start, end, t[start:end]) if isinstance(result, Identifier) else None


def _ibans(t: str) -> Iterator[Found]:
    for hint in _IBAN_HINT.finditer(t):
        match = _IBAN.match(t, hint.start())
        if match and isinstance(result := _iban(match.group(0)), Identifier):
            yield Found(result, match.start(), match.end(), match.group(0))


def _wallets(t: str) -> Iterator[Found]:
    for token in _LONG_TOKEN.finditer(t):
        if _WALLET.fullmatch(token.group(0)) and isinstance(
            result := _wallet(token.group(0)), Identifier
        ):
            yield Found(result, token.start(), token.end(), token.group(0))


def _without_overlaps(found: list[Found]) -> list[Found]:
    found.sort(key=lambda f: (_PRIORITY.get(f.identifier.kind, 9), f.start - f.end, f.start))
    taken: list[Found] = []
    for candidate in found:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in taken):
            taken.append(candidate)
    taken.sort(key=lambda f: f.start)
    return taken
