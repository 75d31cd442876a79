"""The suspect selectors of one imported complaint, bounded as the canonical schema bounds them.

Partners' events may name more than one complaint keeps (MISP events with hundreds of URLs are
real): the first ``MAX_ITEMS`` of each list are kept and the rest are skipped with the reason, so
the event is imported rather than refused, and the summary says what was left out. The same goes
for a value longer than the schema allows and for a narrative over its limit.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from tracebridge.complaints.importers.base import Skip, suspect_entry
from tracebridge.complaints.schema import MAX_ITEMS, MAX_NARRATIVE

MAX_CHARS = {"bank_accounts": 200}  # the schema's Short; every other list holds Items
MAX_ITEM_CHARS = 300
_ACCOUNT_KEY = re.compile(r"^(IN|US|XX):([A-Za-z0-9-]+):([A-Za-z0-9]+)$", re.IGNORECASE)


@dataclass
class Collected:
    suspect: dict[str, list[Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    def skip(self, kind: str, reason: str, item: str = "") -> None:
        self.skipped.append(Skip(kind, reason, item))

    def add(self, target: str, value: str | dict[str, str], kind: str, item: str = "") -> None:
        """Keep one selector unless it is empty, too long or its list is full (then skip it)."""
        if target == "ip":
            if not _one_address(str(value)):
                self.skip(kind, "not one IP address (a range or a name)", item)
                return
            target = "urls"  # an IP that serves a scam site is sighted as its web address
        if target == "account" and isinstance(value, str):
            value = _account(value)
            target = "bank_accounts" if isinstance(value, dict) else target
        name, entry = suspect_entry(target, value)
        texts = list(entry.values()) if isinstance(entry, dict) else [entry]
        limit = MAX_CHARS.get(name, MAX_ITEM_CHARS)
        kept = self.suspect.setdefault(name, [])
        if not all(t.strip() for t in texts):
            self.skip(kind, "no value", item)
        elif any(len(t.strip()) > limit for t in texts):
            self.skip(kind, f"longer than {limit} characters", item)
        elif entry in kept:
            return
        elif len(kept) >= MAX_ITEMS:
            self.skip(
                kind,
                f"suspect.{name} already holds {MAX_ITEMS}, the most one complaint keeps",
                item,
            )
        else:
            kept.append(entry)

    def merge(self, other: Collected, kind: str, item: str) -> None:
        """Add what one object of a bundle named (read once, referred to by many reports)."""
        for name, entries in other.suspect.items():
            for entry in entries:
                self.add(name, entry, kind, item)
        self.notes += [note for note in other.notes if note not in self.notes]
        self.skipped += other.skipped

    def narrative(self, *head: str) -> str:
        """The head (an event's title) and the notes, cut at the schema's limit if need be."""
        text = "\n\n".join(part for part in (*head, *self.notes) if part).strip()
        if len(text) > MAX_NARRATIVE:
            self.skip("narrative", f"cut at {MAX_NARRATIVE} characters ({len(text)} given)")
            text = text[:MAX_NARRATIVE]
        return text

    def without_empty(self) -> dict[str, list[Any]]:
        return {name: values for name, values in self.suspect.items() if values}


def _one_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


def _account(text: str) -> str | dict[str, str]:
    """TraceBridge's own account keys ('IN:<IFSC>:<number>', 'US:<routing>:<number>',
    'XX:-:<number>', as its STIX export writes account_number) as a whole bank account."""
    match = _ACCOUNT_KEY.match(text.strip())
    if match is None:
        return text
    country, code, number = match.groups()
    if code == "-":
        return {"account": number}
    return {"account": number, "ifsc" if country.upper() == "IN" else "routing": code}
