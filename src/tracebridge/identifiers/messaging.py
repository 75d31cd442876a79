"""SMS sender headers and social media handles (pure Python, no Django).

SMS headers follow TRAI's scheme as phones show them: a two-letter operator and circle prefix,
a dash, the six-character header the sender registered, and, since 2023, an optional category
suffix (-S service, -T transactional, -P promotional, -G government): ``VM-HDFCBK-S``. The key
keeps prefix and header (``sms:VM-HDFCBK``); the category goes to ``details``.

Social handles are keyed by platform: ``social:telegram:name``, ``social:instagram:name``,
``social:x:name``, lower-case (all three platforms treat usernames case-insensitively).
"""

from __future__ import annotations

import re

from .model import Identifier, Rejected, make, short
from .text import clean

_SMS = re.compile(r"^([A-Z]{2})[-\s_:]?([A-Z0-9]{6})(?:[-\s_]([STPG]))?$")
SMS_CATEGORIES = {"S": "service", "T": "transactional", "P": "promotional", "G": "government"}

# platform -> (username rule, host names of its profile links, words that name it)
_HANDLE_RULES = {
    "telegram": re.compile(r"^[a-z][a-z0-9_]{3,30}[a-z0-9]$"),
    "instagram": re.compile(r"^(?!.*\.\.)[a-z0-9_](?:[a-z0-9._]{0,28}[a-z0-9_])?$"),
    "x": re.compile(r"^[a-z0-9_]{1,15}$"),
}
PLATFORMS = tuple(_HANDLE_RULES)
_HOSTS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "instagram.com": "instagram",
    "x.com": "x",
    "twitter.com": "x",
}
PLATFORM_WORDS = {
    "telegram": "telegram",
    "टेलीग्राम": "telegram",
    "instagram": "instagram",
    "insta": "instagram",
    "इंस्टाग्राम": "instagram",
    "twitter": "x",
    "x": "x",
}
_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(t\.me|telegram\.me|instagram\.com|x\.com|twitter\.com)/@?"
    r"([A-Za-z0-9_.]+)/?$",
    re.IGNORECASE,
)
_PREFIXED = re.compile(r"^([a-z\u0900-\u097f]+)\s*[:/\s]\s*@?([A-Za-z0-9_.]+)$", re.IGNORECASE)


def parse_sms_header(text: str) -> Identifier | Rejected:
    """``vm-hdfcbk``, ``VM-HDFCBK-S`` -> ``sms:VM-HDFCBK`` (category in details)."""
    t = clean(text).upper()
    match = _SMS.match(t)
    if match is None:
        return Rejected(
            "sms",
            text,
            f"{short(text)} is not an SMS sender header (two letters, a dash and six letters "
            "or digits, e.g. VM-HDFCBK).",
        )
    prefix, header, category = match.groups()
    details = {"header": header, "prefix": prefix}
    if category:
        details["category"] = SMS_CATEGORIES[category]
    return make("sms", f"{prefix}-{header}", details)


def parse_handle(platform: str, name: str) -> Identifier | Rejected:
    """One platform's username, with or without its @."""
    rule = _HANDLE_RULES.get(platform)
    handle = name.strip().removeprefix("@").lower()
    if rule is None:
        return Rejected("social", name, f"{short(platform)} is not one of {', '.join(PLATFORMS)}.")
    if not rule.match(handle):
        return Rejected("social", name, f"{short(name)} is not a valid {platform} username.")
    return make("social", f"{platform}:{handle}", {"platform": platform, "handle": handle})


def parse_social(text: str) -> Identifier | Rejected:
    """``telegram:@name``, ``Instagram @name``, ``t.me/name``, ``x.com/name`` -> one key."""
    t = clean(text)
    url = _PROFILE_URL.match(t)
    if url:
        return parse_handle(_HOSTS[url.group(1).lower()], url.group(2))
    prefixed = _PREFIXED.match(t)
    platform = PLATFORM_WORDS.get(prefixed.group(1).lower()) if prefixed else None
    if prefixed is None or platform is None:
        return Rejected(
            "social",
            text,
            f"{short(text)} does not say its platform (e.g. telegram:@name, t.me/name, "
            "instagram:@name, x:@name).",
        )
    return parse_handle(platform, prefixed.group(2))


def bare_handle(t: str) -> bool:
    """``@name`` alone: a handle that does not say its platform (not an e-mail address)."""
    return t.startswith("@") and "@" not in t[1:] and " " not in t


def social_readings(text: str) -> list[Identifier]:
    """A bare ``@name`` read on every platform where it is a valid username; a handle that
    names its platform (or a profile link) has its one reading."""
    t = clean(text)
    if bare_handle(t):
        found = [parse_handle(platform, t) for platform in PLATFORMS]
        return [f for f in found if isinstance(f, Identifier)]
    one = parse_social(t)
    return [one] if isinstance(one, Identifier) else []
