"""Account keys of transaction trails, normalised through tracebridge.identifiers.

A trail names accounts the way banks do (``IN:<IFSC>:<account>``, ``US:<routing>:<account>``,
``IBAN:<iban>``, ``UPI:<vpa>``, ``WALLET:<chain>:<address>``). Internally every account is its
identifier key ("bank:IN:…", "upi:…", "wallet:…") so that the registry can be searched by any
spelling; :func:`account_form` turns a key back into the trail's own form.
"""

from __future__ import annotations

from functools import lru_cache

from tracebridge.identifiers import (
    KINDS,
    Identifier,
    Rejected,
    parse_account_key,
    parse_any,
    parse_key,
)

_TRAIL_PREFIX = {"upi": "UPI", "iban": "IBAN", "wallet": "WALLET"}


@lru_cache(maxsize=500_000)
def normalise(text: str) -> Identifier | Rejected:
    """The identifier of a trail account key; repeated spellings are cached."""
    found = parse_account_key(text)
    if isinstance(found, Identifier) and found.key.startswith("bank:XX:"):
        # A bare account number names no bank: a hold request could not be addressed.
        return Rejected("bank", text, f"{text!r} names no bank (IFSC or routing number).")
    return found


def account_form(key: str) -> str:
    """``bank:IN:SBIN0001234:001`` -> ``IN:SBIN0001234:001``; ``upi:a@ybl`` -> ``UPI:a@ybl``."""
    kind, _, value = key.partition(":")
    if kind == "bank":
        return value
    return f"{_TRAIL_PREFIX.get(kind, kind.upper())}:{value}"


def country_of(key: str) -> str:
    """Where an account is held, as far as its key tells ("" for wallets)."""
    kind, _, value = key.partition(":")
    if kind == "bank":
        return value[:2]
    if kind == "iban":
        return value[:2]
    if kind == "upi":
        return "IN"
    return ""


def lookup_keys(text: str) -> list[str]:
    """Registry keys a search-box entry may match: the account itself, or a phone's UPI IDs.

    A phone number matches UPI IDs whose handle is that mobile number (``98123…@ybl``), the
    usual way Indian mules are registered; the caller matches those by prefix.
    """
    text = text.strip()
    head = text.split(":", 1)[0]
    candidates = [parse_key(text)] if head in KINDS else []
    candidates += [normalise(text), parse_any(text)] if head.upper() != head.lower() else []
    candidates += [] if candidates else [parse_any(text)]
    found = next((c for c in candidates if isinstance(c, Identifier)), None)
    if found is None:
        return []
    keys = [found.key]
    if found.kind == "phone" and found.key.startswith("phone:+91"):
        keys.append(f"upi:{found.key.removeprefix('phone:+91')}@")
    return keys
