"""Alerts for formal requests: overdue requests and preservations expiring or lapsed, for the
reader's agency on either side, with a prompt to extend a preservation before it expires.

Computed when read from the clocks (as campaign alerts are filtered when read), so an alert
goes away the moment the step that answers it is taken. Shown on the dashboard's alerts card
(the "alerts" panel target), at the top of the request queue, by `tracebridge request alerts`,
and, for an expiring preservation, as a prompt on the request's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import acts_for, is_agency_user
from tracebridge.assistance import rules
from tracebridge.assistance.models import Request
from tracebridge.assistance.reading import OPEN_ENDS, agency_sides, is_central_authority

OVERDUE, EXPIRING, LAPSED = "overdue", "expiring", "lapsed"


@dataclass(frozen=True)
class RequestAlert:
    request: Request
    kind: str  # overdue, expiring, lapsed
    side: str  # incoming (this agency must act) or outgoing (this agency asked)
    when: dt.datetime  # the due date, or the preservation's expiry
    extend_to: dt.datetime | None  # the extension this reader may grant now, if any

    def as_dict(self) -> dict[str, object]:
        return {
            "reference": self.request.reference,
            "alert": self.kind,
            "side": self.side,
            "kind": self.request.kind,
            "status": self.request.status,
            "from": self.request.from_code,
            "to": self.request.to_code,
            "when": self.when.isoformat(),
            "extend_to": self.extend_to.isoformat() if self.extend_to else None,
        }


def extension_end(request: Request) -> dt.datetime | None:
    """Where an extension takes a preservation: one more period (90 days for a US custodian,
    18 U.S.C. 2703(f)(2); else 60, Art. 29(7)) from its current expiry."""
    if request.preserved_until is None:
        return None
    country = request.recipient.country if request.recipient else request.to_code[:2]
    return request.preserved_until + dt.timedelta(days=rules.preservation_days(country))


def extension_for(user: User, request: Request, now: dt.datetime) -> dt.datetime | None:
    """The extension ``user`` may grant now (the recipient's analysts, while preserved and
    not yet lapsed: a lapsed preservation is recorded expired, not extended)."""
    lapsed = request.preserved_until is not None and request.preserved_until < now
    allowed = not lapsed and "extend" in rules.actions_from(request.kind, request.status)
    if not allowed or not acts_for(user, request.recipient_id, "analyst"):
        return None
    return extension_end(request)


def for_agency(
    agency_id: int, user: User | None = None, now: dt.datetime | None = None
) -> list[RequestAlert]:
    """Every alert of the agency's requests, most urgent first; an extension is offered where
    ``user`` may grant it."""
    now = now or timezone.now()
    mine = Q(requester_id=agency_id) | Q(recipient_id=agency_id)
    alerts = [a for r in _urgent(mine, now) for a in alerts_of(r, user, agency_id, now)]
    return sorted(alerts, key=lambda a: a.when)


def _urgent(scope: Q, now: dt.datetime) -> QuerySet[Request]:
    """The requests of ``scope`` that are overdue or whose preservation expires soon."""
    return (
        Request.objects.filter(scope)
        .filter(
            Q(due_at__lt=now) & ~Q(status__in=OPEN_ENDS)
            | Q(status="preserved", preserved_until__lte=now + rules.EXPIRING_WITHIN)
        )
        .select_related("recipient")
        .order_by("due_at")
    )


def of_agency(agency: Agency, now: dt.datetime | None = None) -> list[RequestAlert]:
    """The alerts an agency's users see (a central authority's: its country's)."""
    return (
        for_country(agency, now) if agency.central_authority else for_agency(agency.pk, None, now)
    )


def for_country(agency: Agency, now: dt.datetime | None = None) -> list[RequestAlert]:
    """A central authority's alerts: those of every request of its country's agencies, on the
    side the country is on (it extends nothing: the custodian agency does)."""
    now = now or timezone.now()
    found = []
    for side, scope in agency_sides(agency).items():
        found += [a for r in _urgent(scope, now) for a in alerts_of(r, None, 0, now, side)]
    return sorted(found, key=lambda a: a.when)


def alerts_of(
    request: Request,
    user: User | None,
    agency_id: int,
    now: dt.datetime,
    side: str | None = None,
) -> list[RequestAlert]:
    """``request``'s alerts as the agency ``agency_id`` sees them (or on ``side``)."""
    side = side or ("incoming" if request.recipient_id == agency_id else "outgoing")
    found = []
    if request.status not in OPEN_ENDS and request.due_at < now:
        found.append(RequestAlert(request, OVERDUE, side, request.due_at, None))
    until = request.preserved_until
    if request.status == "preserved" and until and until <= now + rules.EXPIRING_WITHIN:
        kind = LAPSED if until < now else EXPIRING
        extend = extension_for(user, request, now) if user is not None else None
        found.append(RequestAlert(request, kind, side, until, extend))
    return found


def for_user(user: User, now: dt.datetime | None = None) -> list[RequestAlert]:
    """The reader's alerts: those of their agency's requests (the ones they may see; a central
    authority's, those of its country's agencies)."""
    if is_central_authority(user):
        return for_country(user.member_agency, now)
    return for_agency(user.agency_id, user, now) if user.agency_id else []


def panel(request: SignedInRequest, _obj: object) -> str | None:
    """The requests' alerts on the dashboard's alerts card (registered in AssistanceConfig)."""
    if not is_agency_user(request.user):
        return None
    found = for_user(request.user)
    if not found:
        return None
    context = {"alerts": found, "central": is_central_authority(request.user)}
    return render_to_string("assistance/alerts.html", context, request=request)
