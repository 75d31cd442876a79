"""Sharing agreements: create, approve, revoke; who may read which collection."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import acts_for
from tracebridge.agencies.services import ServiceError, get_agency
from tracebridge.complaints.redaction import field_names
from tracebridge.errors import Forbidden
from tracebridge.sharing.models import DEFAULT_KINDS, PERSONAL_FIELDS, SHARE_KINDS, Agreement


def _markings(tlp: Iterable[str]) -> list[str]:
    out = []
    for text in tlp:
        try:
            marking = TLP.parse(text)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        if not marking.leaves_agency:
            raise ServiceError(
                f"TLP:{marking.value} never leaves its agency; an agreement cannot share it"
            )
        out.append(marking.value)
    if not out:
        raise ServiceError("name at least one marking to share, e.g. --tlp CLEAR,GREEN")
    return sorted(set(out), key=lambda t: TLP(t).rank)


def _kinds(kinds: Iterable[str] | None) -> list[str]:
    chosen = list(kinds or DEFAULT_KINDS)
    unknown = sorted(set(chosen) - set(SHARE_KINDS))
    if unknown:
        raise ServiceError(f"unknown kinds {unknown}; known: {', '.join(SHARE_KINDS)}")
    return sorted(set(chosen))


def _fields(fields: Iterable[str]) -> list[str]:
    names = field_names(fields)
    unknown = sorted(names - set(PERSONAL_FIELDS))
    if unknown:
        raise ServiceError(f"unknown victim fields {unknown}; known: {', '.join(PERSONAL_FIELDS)}")
    return sorted(names)


def create_agreement(
    owner: str,
    partner: str,
    tlp: Iterable[str],
    *,
    kinds: Iterable[str] | None = None,
    fields: Iterable[str] = (),
    expires_on: date | None = None,
    user: User | None = None,
) -> Agreement:
    """Create (or re-state) the agreement from ``owner`` to ``partner``.

    Re-stating an agreement with different markings withdraws any earlier approval: a
    supervisor must approve AMBER again.
    """
    source, target = get_agency(owner), get_agency(partner)
    if source.pk == target.pk:
        raise ServiceError("an agreement needs two different agencies")
    values: dict[str, Any] = {
        "tlp": _markings(tlp),
        "kinds": _kinds(kinds),
        "fields": _fields(fields),
        "expires_on": expires_on,
    }
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update()
            .filter(owner=source, partner=target, revoked_at__isnull=True)
            .first()
        )
        if agreement is None:
            agreement = Agreement.objects.create(
                owner=source,
                partner=target,
                secret=secrets.token_hex(32),
                created_by=user.username if user else "",
                **values,
            )
            changed = True
        else:
            changed = any(getattr(agreement, k) != v for k, v in values.items())
            if changed:
                for name, value in values.items():
                    setattr(agreement, name, value)
                agreement.approved_at, agreement.approved_by = None, ""
                agreement.save()
    if changed:
        audit.record(
            "agreement.create", user=user, agency=source, obj=agreement, partner=target.code,
            tlp=values["tlp"], kinds=values["kinds"], fields=values["fields"],
            expires_on=str(expires_on or ""),
        )  # fmt: skip
    return agreement


def approve_agreement(agreement: Agreement, user: User) -> Agreement:
    """A supervisor (or above) of the owning agency lets AMBER flow under ``agreement``."""
    if not acts_for(user, agreement.owner_id, "supervisor"):
        audit.record("agreement.approve", user=user, obj=agreement, outcome="denied")
        raise Forbidden("only a supervisor of the sharing agency can approve this agreement")
    if agreement.approved_at is None:
        agreement.approved_at, agreement.approved_by = timezone.now(), user.username
        agreement.save(update_fields=["approved_at", "approved_by"])
        audit.record("agreement.approve", user=user, obj=agreement, tlp=agreement.tlp)
    return agreement


def revoke_agreement(agreement: Agreement, user: User | None = None) -> Agreement:
    if agreement.revoked_at is None:
        agreement.revoked_at = timezone.now()
        agreement.save(update_fields=["revoked_at"])
        audit.record("agreement.revoke", user=user, agency=agreement.owner, obj=agreement)
    return agreement


def agreement_between(owner: Agency, partner: Agency) -> Agreement | None:
    return Agreement.objects.filter(owner=owner, partner=partner, revoked_at__isnull=True).first()


def agreements_of(agency_id: int) -> QuerySet[Agreement]:
    """The unrevoked agreements an agency gives or receives."""
    return Agreement.objects.select_related("owner", "partner").filter(
        Q(owner_id=agency_id) | Q(partner_id=agency_id), revoked_at__isnull=True
    )


def readable_agreements(user: User) -> list[Agreement]:
    """Collections ``user`` may read: agreements to their agency, and their agency's own."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return []
    return [a for a in agreements_of(agency_id) if a.owner_id == agency_id or a.effective_tlp()]


def pending_approvals(user: User) -> list[Agreement]:
    return [
        a
        for a in Agreement.objects.select_related("owner", "partner").filter(
            owner_id=user.agency_id, revoked_at__isnull=True, approved_at__isnull=True
        )
        if a.needs_approval and a.is_active()
    ]
