"""Victim personal data leaves the owning agency only when an agreement names the field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"


def field_names(fields: Iterable[str]) -> frozenset[str]:
    """'victim.city' and 'city' both name the victim's city."""
    return frozenset(f.strip().removeprefix("victim.") for f in fields if f.strip())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _scrub(narrative: str, value: str, is_phone: bool) -> str:
    if not value:
        return narrative
    if is_phone and len(_digits(value)) >= 7:
        # The victim's own number may be written in any spelling: match its last ten digits
        # with any separators between them.
        tail = _digits(value)[-10:]
        pattern = r"[\s().-]*".join(re.escape(d) for d in tail)
        return re.sub(pattern, REDACTED, narrative)
    return re.sub(re.escape(value), REDACTED, narrative, flags=re.IGNORECASE)


def redact(record: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """A copy of a canonical complaint with victim fields outside ``allowed`` removed.

    Values removed from ``victim`` are also scrubbed from the narrative, where victims often
    repeat their own name, number or e-mail address.
    """
    keep = field_names(allowed)
    victim = dict(record.get("victim") or {})
    out = dict(record)
    narrative = str(record.get("narrative", ""))
    for name in list(victim):
        if name not in keep:
            value = str(victim.pop(name) or "")
            if name in ("name", "phone", "email") and len(value) >= 3:
                narrative = _scrub(narrative, value, is_phone=name == "phone")
    out["victim"] = victim
    out["narrative"] = narrative
    return out
