"""Reads of complaints: the filtered list an analyst (or API client) may see, and one row's shape.

Higher stages add filters without being imported: the campaigns app registers "campaign"
(``register_filter("campaign", fn)``), and ``?campaign=`` then works on the list page and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import visible
from tracebridge.agencies.selectors import FilterError, moment
from tracebridge.complaints.models import Complaint, Sighting
from tracebridge.complaints.redaction import Reader
from tracebridge.complaints.schema import SCAM_TYPES
from tracebridge.identifiers import Identifier, parse_any

ExtraFilter = Callable[[QuerySet[Complaint], str], QuerySet[Complaint]]
_filters: dict[str, ExtraFilter] = {}
FILTERS = (
    "since", "until", "country", "scam_type", "identifier", "campaign", "source", "ncrp_ack",
    "agency",
)  # fmt: skip


def register_filter(name: str, fn: ExtraFilter) -> None:
    """Let a higher stage filter complaints by ``name`` (e.g. "campaign" -> its id)."""
    _filters[name] = fn


@dataclass(frozen=True)
class Filters:
    since: str = ""
    until: str = ""
    country: str = ""
    scam_type: str = ""
    identifier: str = ""
    campaign: str = ""
    source: str = ""
    ncrp_ack: str = ""  # the victim's NCRP or 1930 acknowledgement number, exactly
    agency: str = ""  # the owning agency's code: narrows what the reader may see, never widens

    @classmethod
    def from_mapping(cls, data: Any) -> Filters:
        return cls(**{name: str(data.get(name, "") or "").strip() for name in FILTERS})

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def identifier_key(text: str, region: str | None) -> str:
    found = parse_any(text, region)
    if not isinstance(found, Identifier):
        raise FilterError("identifier", found.reason)
    return found.key


def complaints_for(user: User, filters: Filters) -> QuerySet[Complaint]:
    """The complaints ``user`` may see, narrowed by ``filters`` (raises FilterError)."""
    qs = visible(user, Complaint.objects.select_related("agency"))
    if filters.since:
        qs = qs.filter(received_at__gte=moment("since", filters.since))
    if filters.until:  # a date includes that whole day
        qs = qs.filter(received_at__lte=moment("until", filters.until, end_of_day=True))
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.scam_type:
        if filters.scam_type not in SCAM_TYPES:
            raise FilterError("scam_type", f"one of {', '.join(SCAM_TYPES)}")
        qs = qs.filter(scam_type=filters.scam_type)
    if filters.source:
        qs = qs.filter(source=filters.source.upper())
    if filters.ncrp_ack:
        qs = qs.filter(ncrp_ack=filters.ncrp_ack)
    if filters.agency:
        qs = qs.filter(agency__code=filters.agency.upper())
    if filters.identifier:
        region = filters.country.upper() or getattr(getattr(user, "agency", None), "country", None)
        key = identifier_key(filters.identifier, region)
        qs = qs.filter(pk__in=Sighting.objects.filter(key=key).values("complaint_id"))
    if filters.campaign:
        fn = _filters.get("campaign")
        if fn is None:
            raise FilterError("campaign", "campaign linking is not installed on this node")
        qs = fn(qs, filters.campaign)
    return qs


def loss_of(complaint: Complaint) -> dict[str, Any] | None:
    """The loss in the canonical shape, or None when none was reported."""
    if complaint.loss_amount is None:
        return None
    return {
        "amount": str(complaint.loss_amount),
        "currency": complaint.loss_currency,
        "payment_method": complaint.payment_method or None,
    }


def complaint_row(complaint: Complaint, read: Reader) -> dict[str, Any]:
    """One complaint as the API answers it, redacted for the reader."""
    row: dict[str, Any] = {
        "id": complaint.pk,
        "reference": complaint.reference,
        "source": complaint.source,
        "ref": complaint.ref,
        "agency": complaint.agency.code,
        "country": complaint.country,
        "received_at": complaint.received_at.isoformat(),
        "incident_at": complaint.incident_at.isoformat() if complaint.incident_at else None,
        "channel": complaint.channel,
        "scam_type": complaint.scam_type,
        "narrative": complaint.narrative,
        "loss": loss_of(complaint),
        "suspect": complaint.suspect,
        "transactions": complaint.transactions,
        "ncrp_ack": complaint.ncrp_ack or None,
        "tlp": complaint.tlp,
        "pap": complaint.pap or None,
        "victim": complaint.victim,
    }
    return read(complaint, row)


def sighting_rows(complaint: Complaint) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "kind": s.kind, "field": s.field, "start": s.start, "end": s.end}
        for s in complaint.sightings.order_by("field", "key")
    ]
