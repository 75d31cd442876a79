"""Phone numbers: E.164 through phonenumbers, plus India's and the NANP's special series.

Parsing is cached twice: on the raw string (repeated spellings cost a dict lookup) and on the
compact form "+digits"/"digits" with its region (different spellings of one number cost one
phonenumbers call between them).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from .model import Identifier, Rejected, make, short
from .text import clean

# Regions tried, in order, when the victim's country is unknown or the number does not fit it:
# the reference pair of countries.
FALLBACK_REGIONS = ("IN", "US")

_TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
# TRAI/DoT series that tell an investigator who may legitimately call from a number.
_INDIAN_SERIES = (
    ("140", "registered telemarketer (promotional calls)"),
    ("1600", "service and transactional calls (regulated entities)"),
    ("1601", "service and transactional calls (regulated entities)"),
    ("1800", "toll-free"),
    ("1860", "shared cost"),
)
_LABEL = re.compile(
    r"^(?:tel|phone|ph|mobile|mob|cell|call|whatsapp|wa|contact|number|no)\.?\s*(?:no\.?)?\s*[:.\-]?\s*",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\s*(?:ext\.?|extn\.?|extension|x)\s*\d{1,6}\s*$", re.IGNORECASE)
_ALLOWED = re.compile(r"^\(?\+?[\d\s().\-/]*$")
_NON_DIGITS = re.compile(r"\D")
_VANITY = re.compile(
    r"^\+?1?[\s.\-]?\(?8(?:00|33|44|55|66|77|88)\)?[\s.\-]?[0-9A-Z][0-9A-Z\-]{6,9}$"
)
_MIN_DIGITS, _MAX_DIGITS = 7, 18  # shortest national number worth a key; 011 + 15-digit E.164


def parse_phone(text: str, region: str | None = None) -> Identifier | Rejected:
    result = _parse_raw(text, region.upper() if region else None)
    if isinstance(result, str):
        return Rejected("phone", text, result)
    return result


@lru_cache(maxsize=1 << 17)
def _parse_raw(text: str, region: str | None) -> Identifier | str:
    compact = compact_phone(text)
    if compact.startswith("!"):
        return compact[1:]
    return parse_compact(compact, region)


def compact_phone(text: str) -> str:
    """'+digits' or 'digits'; '!<reason>' when the text cannot be a phone number."""
    t = clean(text)
    if not t:
        return "!The value is empty."
    if t[:4].lower() == "tel:":
        t = t[4:].split(";", 1)[0]  # RFC 3966 parameters (;ext=, ;phone-context=)
    t = _EXTENSION.sub("", _LABEL.sub("", t)).replace("(0)", " ")
    if not _ALLOWED.match(t):
        if not _VANITY.match(t.upper()):
            return f"!{short(text)} contains characters that are not part of a phone number."
        # NANP vanity number: letters beyond the tenth digit are not dialled.
        vanity = _NON_DIGITS.sub("", phonenumbers.convert_alpha_characters_in_number(t.upper()))
        return "+1" + vanity.removeprefix("1")[:10]
    digits = _NON_DIGITS.sub("", t)
    if not digits:
        return f"!{short(text)} contains no digits."
    return ("+" if t.lstrip("(").startswith("+") else "") + digits


def regions_for(compact: str, region: str | None) -> tuple[str, ...]:
    """Regions to read a national number in, most likely first; deterministic."""
    if compact.startswith("+"):
        return ("ZZ",)
    if region:
        return (region, *(r for r in FALLBACK_REGIONS if r != region))
    n = len(compact)
    if compact.startswith("011") and n > 12:
        return ("US", "IN")  # 011 is the NANP international prefix, and Delhi's STD code
    if compact.startswith("0"):
        return ("IN", "US")  # Indian trunk prefix 0 and international prefix 00
    if (n == 10 and compact[0] in "6789") or (n == 10 and compact[0] == "1"):
        return ("IN", "US")  # Indian mobiles; NANP area codes never start with 0 or 1
    if n == 12 and compact.startswith("91"):
        return ("IN", "US")  # Indian number with the country code but no plus
    return ("US", "IN")


@lru_cache(maxsize=1 << 17)
def parse_compact(compact: str, region: str | None) -> Identifier | str:
    """The identifier for a compact number, or the reason it is not one."""
    guess = e164_guess(compact, region)
    if guess:
        found = _parse_international(guess)
        if isinstance(found, Identifier):
            return found
    return _parse_national(compact, region)


def e164_guess(compact: str, region: str | None) -> str | None:
    """'+<country><number>' when the common forms make it obvious, so that every spelling of a
    number shares one cache entry; None when only phonenumbers can tell."""
    if compact.startswith("+"):
        return compact
    n = len(compact)
    if compact.startswith("00"):
        return "+" + compact[2:]
    if compact.startswith("011") and n >= 13:
        return "+" + compact[3:]
    first = regions_for(compact, region)[0]
    if first == "IN":
        if n == 10 and compact[0] in "6789":
            return "+91" + compact
        if n == 11 and compact[0] == "0" and compact[1] in "6789":
            return "+91" + compact[1:]
        if n == 12 and compact.startswith("91") and compact[2] in "6789":
            return "+" + compact
    elif first == "US":
        if n == 10 and compact[0] in "23456789":
            return "+1" + compact
        if n == 11 and compact[0] == "1" and compact[1] in "23456789":
            return "+" + compact
    return None


@lru_cache(maxsize=1 << 16)
def _parse_international(e164: str) -> Identifier | str:
    return _parse_national(e164, None)


def _parse_national(compact: str, region: str | None) -> Identifier | str:
    count = len(compact) - compact.startswith("+")
    if count < _MIN_DIGITS:
        return f"{compact} has only {count} digits, too few for a phone number."
    if count > _MAX_DIGITS:
        return f"{compact} has {count} digits, too many for a phone number."
    reason = ""
    for candidate in regions_for(compact, region):
        try:
            number = phonenumbers.parse(compact, candidate)
        except NumberParseException as exc:
            reason = reason or _unreadable_reason(compact, exc)
            continue
        if phonenumbers.is_valid_number(number):
            return _identifier(number)
        reason = reason or _invalid_reason(number, compact)
    return reason


def _unreadable_reason(compact: str, exc: NumberParseException) -> str:
    if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return f"{compact} does not start with a known country code."
    return f"{compact} is too short or too long to be a phone number."


def _invalid_reason(number: phonenumbers.PhoneNumber, compact: str) -> str:
    where = phonenumbers.region_code_for_country_code(number.country_code or 0)
    place = f"+{number.country_code} ({where})" if where != "ZZ" else f"+{number.country_code}"
    why = phonenumbers.is_possible_number_with_reason(number)
    if why == ValidationResult.INVALID_COUNTRY_CODE:
        return f"{compact} does not start with a known country code."
    if why == ValidationResult.TOO_SHORT:
        return f"{compact} is too short for a number in {place}."
    if why == ValidationResult.TOO_LONG:
        return f"{compact} is too long for a number in {place}."
    if why == ValidationResult.INVALID_LENGTH:
        return f"{compact} does not have a valid length for a number in {place}."
    return f"{compact} is not in an allocated number range of {place}."


def _identifier(number: phonenumbers.PhoneNumber) -> Identifier:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.national_significant_number(number)
    details = {
        "region": phonenumbers.region_code_for_number(number) or "ZZ",
        "country_code": str(number.country_code),
        "type": _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown"),
    }
    if number.country_code == 91:
        for prefix, purpose in _INDIAN_SERIES:
            if national.startswith(prefix):
                details.update(series=prefix, purpose=purpose)
                break
    elif number.country_code == 1 and national[3:6] == "555" and national[6:8] == "01":
        details["fictional"] = "yes"  # 555-0100..0199 are reserved for films and examples
    return make("phone", e164, details)
