"""Parse, normalise, validate and extract the selectors fraud runs on (pure Python, no Django).

Every identifier has one canonical key (docs/identifiers.md):

>>> parse("phone", "+91 98123 45678").key
'phone:+919812345678'
>>> parse_any("hxxps://evil[.]in/x").key
'url:https://evil.in/x'
"""

from __future__ import annotations

from .banking import parse_bank_account
from .extraction import extract
from .messaging import parse_sms_header, parse_social, social_readings
from .model import KINDS, Found, Identifier, Rejected
from .parsing import (
    parse,
    parse_account_key,
    parse_any,
    parse_key,
    phone_of_link,
    phone_readings,
)

__all__ = [
    "KINDS",
    "Found",
    "Identifier",
    "Rejected",
    "extract",
    "parse",
    "parse_account_key",
    "parse_any",
    "parse_bank_account",
    "parse_key",
    "parse_sms_header",
    "parse_social",
    "phone_of_link",
    "phone_readings",
    "social_readings",
]
