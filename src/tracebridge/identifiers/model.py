"""The three result types every parser returns, and the list of kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KINDS: tuple[str, ...] = (
    "phone",
    "email",
    "domain",
    "url",
    "upi",
    "bank",
    "iban",
    "card",
    "wallet",
    "sms",
    "social",
)


@dataclass(frozen=True, slots=True)
class Identifier:
    """A valid, normalised selector.

    ``key`` is the canonical key ("phone:+919812345678") used everywhere; ``value`` is the same
    without the kind prefix, for display. ``details`` is shared between cached results, so treat
    it as read-only. Equality and hashing use kind, key and value only.
    """

    kind: str
    key: str
    value: str
    details: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Rejected:
    """Input that is not a valid identifier of ``kind``; ``reason`` is a sentence for humans."""

    kind: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Found:
    """An identifier found in free text at ``text[start:end]``.

    ``text`` is the matched span, except for cards, where it is masked like the key so that a
    full card number is never stored.
    """

    identifier: Identifier
    start: int
    end: int
    text: str


def make(kind: str, value: str, details: Mapping[str, str] | None = None) -> Identifier:
    return Identifier(kind=kind, key=f"{kind}:{value}", value=value, details=dict(details or {}))


def short(text: str, limit: int = 60) -> str:
    """Quote user input in a reason sentence without flooding it."""
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
