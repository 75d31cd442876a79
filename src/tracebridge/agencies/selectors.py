"""Read-side queries of the agencies app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import make_aware

from tracebridge.agencies.models import AuditEvent


def _when(text: str) -> datetime | None:
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(f"not a date or ISO 8601 time: {text!r}")
        moment = datetime(day.year, day.month, day.day)
    return moment if moment.tzinfo else make_aware(moment)


def audit_events(
    user: Any,
    *,
    action: str = "",
    username: str = "",
    object_type: str = "",
    outcome: str = "",
    since: str = "",
    until: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events an agency admin may browse: their agency's (an operator sees all)."""
    events = AuditEvent.objects.select_related("agency")
    if not user.is_operator:
        events = events.filter(agency_id=user.agency_id)
    if action:
        events = events.filter(action__startswith=action)
    if username:
        events = events.filter(username=username)
    if object_type:
        events = events.filter(object_type=object_type)
    if outcome:
        events = events.filter(outcome=outcome)
    start, end = _when(since), _when(until)
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lte=end)
    return events
