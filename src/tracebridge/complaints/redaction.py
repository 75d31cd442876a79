"""The one redaction of a complaint for a reader: every path that shows a complaint calls it.

Victim personal data (name, phone, e-mail, city, state, age band) stays with the owning agency.
Another agency sees a victim field only when a sharing agreement names it for the complaint's
marking (the sharing policy registered with ``agencies.permissions`` answers); values removed
from ``victim`` are scrubbed from the narrative too. The same ``redact`` writes the copies the
sharing app puts in TAXII collections, STIX bundles and MISP events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tracebridge.agencies.permissions import victim_fields

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tracebridge.agencies.models import User

REDACTED = "[redacted]"
# Victim fields whose values victims repeat in their own narrative.
SCRUBBED = ("name", "phone", "email", "debited_account", "debited_upi")


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


def redact(record: Mapping[str, Any], allowed: Iterable[str] | None) -> dict[str, Any]:
    """A copy of a complaint record with victim fields outside ``allowed`` removed.

    ``allowed`` None keeps everything (the owning agency). Values removed from ``victim`` are
    also scrubbed from the narrative, where victims often repeat their own name, number or
    e-mail address.
    """
    out = dict(record)
    victim = dict(record.get("victim") or {})
    out["victim"] = victim
    if allowed is None:
        return out
    keep = field_names(allowed)
    narrative = str(record.get("narrative") or "")
    for name in list(victim):
        if name not in keep:
            value = str(victim.pop(name) or "")
            if name in SCRUBBED and len(value) >= 3:
                narrative = _scrub(narrative, value, is_phone=name == "phone")
    out["narrative"] = narrative
    return out


class Reader:
    """One reader of complaints: redacts each for that reader's agency.

    ``agency_id`` None is nobody on this node (everything personal is removed). The sharing
    policy is asked once per owning agency and marking, so a page of rows costs a few queries.
    """

    def __init__(self, agency_id: int | None) -> None:
        self.agency_id = agency_id
        self._fields: dict[tuple[int, str], frozenset[str]] = {}

    def fields(self, complaint: Any) -> frozenset[str] | None:
        """Victim fields this reader may see on ``complaint``; None means all (its own)."""
        return self.fields_of(complaint.agency_id, complaint.tlp)

    def fields_of(self, owner_id: int, tlp: str) -> frozenset[str] | None:
        """Victim fields this reader may see on ``owner_id``'s complaints marked ``tlp``."""
        if self.agency_id is not None and owner_id == self.agency_id:
            return None
        if self.agency_id is None:
            return frozenset()
        key = (owner_id, tlp)
        if key not in self._fields:
            self._fields[key] = field_names(victim_fields(self.agency_id, owner_id, tlp))
        return self._fields[key]

    def __call__(self, complaint: Any, record: Mapping[str, Any]) -> dict[str, Any]:
        """``record`` (a complaint's canonical or row shape) as this reader may see it."""
        return redact(record, self.fields(complaint))

    def victim_view(self, complaint: Any) -> dict[str, Any]:
        """The complaint's narrative and victim, redacted: what pages and rows show."""
        return self(complaint, {"narrative": complaint.narrative, "victim": complaint.victim})


def reader(user: User | AnonymousUser | None) -> Reader:
    """The reader ``user`` is: their agency, or nobody."""
    return Reader(getattr(user, "agency_id", None) if user is not None else None)
