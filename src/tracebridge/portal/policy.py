"""Agencies' publication policies: which markings feed public counts, and from how many reports.

One place decides what of a complaint may count in public: ``allowed_complaints`` (which
complaints) and ``Policies.minimum`` (from how many independent reports an agency's count of
an identifier is shown). The checker's counts and the statistics both go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from tracebridge.agencies import audit
from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.services import ServiceError
from tracebridge.portal.models import PublicationPolicy

PUBLISHABLE = (TLP.CLEAR.value, TLP.GREEN.value, TLP.AMBER.value)  # RED, AMBER+STRICT never
MAX_MIN_REPORTS = 1000


@dataclass(frozen=True)
class Policy:
    markings: tuple[str, ...]
    min_reports: int

    def describe(self) -> str:
        return f"{','.join(self.markings)} from {self.min_reports}"


DEFAULT = Policy(markings=(TLP.CLEAR.value,), min_reports=1)


class Policies:
    """Every agency's policy, read once for a refresh."""

    def __init__(self) -> None:
        self.by_agency = {p.agency_id: _policy(p) for p in PublicationPolicy.objects.all()}

    def minimum(self, agency_id: int) -> int:
        return self.by_agency.get(agency_id, DEFAULT).min_reports

    def complaint_filter(self) -> Q:
        """Complaints whose agency lets their marking feed public counts."""
        allowed = Q(tlp__in=DEFAULT.markings) & ~Q(agency_id__in=list(self.by_agency))
        for agency_id, policy in self.by_agency.items():
            allowed |= Q(agency_id=agency_id, tlp__in=policy.markings)
        return allowed


def allowed_complaints(rules: Policies | None = None) -> Any:
    """The complaints public counts are built from, under ``rules`` (read now when None)."""
    from tracebridge.complaints.models import Complaint

    return Complaint.objects.filter((rules or Policies()).complaint_filter())


def _policy(row: PublicationPolicy) -> Policy:
    markings = tuple(m for m in row.markings.split(",") if m in PUBLISHABLE)
    return Policy(markings=markings, min_reports=max(1, row.min_reports))


def policy_of(agency: Agency) -> Policy:
    row = PublicationPolicy.objects.filter(agency=agency).first()
    return _policy(row) if row else DEFAULT


def parse_markings(text: str) -> tuple[str, ...]:
    """ "clear, green" -> ("CLEAR", "GREEN"); RED and AMBER+STRICT are refused by name."""
    names = [m.strip().upper() for m in text.split(",") if m.strip()]
    for name in names:
        if name not in {t.value for t in TLP}:
            raise ServiceError(f"markings: {name!r} is not a TLP marking.")
        if name not in PUBLISHABLE:
            raise ServiceError(
                f"markings: {name} never feeds public counts (only CLEAR, GREEN, AMBER)."
            )
    return tuple(t for t in PUBLISHABLE if t in names)


def set_policy(
    agency: Agency,
    markings: str,
    min_reports: int,
    *,
    user: User | None = None,
    request: HttpRequest | None = None,
    refresh: bool = True,
) -> Policy:
    """Validate, store and audit a policy, then rebuild the public counts under it."""
    chosen = parse_markings(markings)
    if not 1 <= min_reports <= MAX_MIN_REPORTS:
        raise ServiceError(f"min_reports: {min_reports} is not between 1 and {MAX_MIN_REPORTS}.")
    old = policy_of(agency)
    new = Policy(markings=chosen, min_reports=min_reports)
    PublicationPolicy.objects.update_or_create(
        agency=agency, defaults={"markings": ",".join(chosen), "min_reports": min_reports}
    )
    audit.record(
        "portal.policy",
        request=request,
        user=user,
        agency=agency,
        object_type="agency",
        object_id=agency.code,
        old=old.describe(),
        new=new.describe(),
    )
    if refresh:
        from tracebridge.portal import services

        services.refresh_identifier_stats()
        services.forget_statistics()
    return new
