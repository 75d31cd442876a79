"""Text clean-up shared by the parsers: Unicode digits, odd spaces and defanged indicators."""

from __future__ import annotations

import re
import unicodedata

# Decimal digits of the scripts Indian and US complainants write in (Devanagari first), plus
# Arabic-Indic and fullwidth forms. One character maps to one character so that spans found in
# the cleaned text are spans in the original.
_DIGIT_BLOCKS = (
    0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0xFF10,
)  # fmt: skip
_SAME_LENGTH: dict[int, str] = {
    zero + i: str(unicodedata.decimal(chr(zero + i))) for zero in _DIGIT_BLOCKS for i in range(10)
}
for _space in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
    _SAME_LENGTH[ord(_space)] = " "
for _dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d":
    _SAME_LENGTH[ord(_dash)] = "-"
_SAME_LENGTH.update(
    {ord("\uff0b"): "+", ord("\uff08"): "(", ord("\uff09"): ")", ord("\uff0e"): "."}
)
_SAME_LENGTH.update({ord("\uff20"): "@", ord("\u3002"): ".", ord("\uff61"): "."})

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))

_DEFANG = re.compile(
    r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[:\]|\[://\]|\[at\]|\(at\)|\[@\]|\{at\}",
    re.IGNORECASE,
)
_DEFANG_MAP = {"[.]": ".", "(.)": ".", "{.}": ".", "[dot]": ".", "(dot)": ".", "[:]": ":"}
_DEFANG_MAP.update({"[://]": "://", "[at]": "@", "(at)": "@", "[@]": "@", "{at}": "@"})


_NEEDS_MAPPING = re.compile("[" + "".join(map(chr, sorted(_SAME_LENGTH))) + "]")


def same_length(text: str) -> str:
    """ASCII digits, plain spaces and hyphens, character for character."""
    if text.isascii() or not _NEEDS_MAPPING.search(text):
        return text
    return text.translate(_SAME_LENGTH)


def clean(text: str) -> str:
    """Input from a form field: same_length, invisible characters dropped, outer space trimmed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_SAME_LENGTH).translate(_INVISIBLE))
    return text.strip()


def refang(text: str) -> str:
    """Undo the usual defanging: hxxp://, [.], (.), [dot], [:], [at]."""
    if "[" in text or "(" in text or "{" in text:
        text = _DEFANG.sub(lambda m: _DEFANG_MAP[m.group(0).lower()], text)
    low = text[:8].lower()
    if low.startswith(("hxxp", "h[tt]p", "hxxxp")):
        scheme_end = text.find(":")
        scheme = "https" if text[:scheme_end].lower().endswith("s") else "http"
        text = scheme + text[scheme_end:] if scheme_end > 0 else text
    return text


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
