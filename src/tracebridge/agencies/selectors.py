"""Read-side queries of the agencies app."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.errors import Invalid


class FilterError(Invalid):
    """A list filter that cannot be applied; ``field`` names the parameter, ``message`` says
    what is wrong with it (the pages show it beside the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", [{"field": field, "message": message}])
        self.field, self.message = field, message


def moment(field: str, text: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 time (UTC when it has no offset), or a date: its first instant, or with
    ``end_of_day`` its last. Raises FilterError naming ``field``."""
    try:
        day = parse_date(text)  # first: parse_datetime also takes a date, as its midnight
        when = parse_datetime(text) if day is None else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        day = when = None
    if day is not None:
        when = datetime.combine(day, time.max if end_of_day else time.min)
    if when is None:
        raise FilterError(field, f"not an ISO 8601 date or time: {text!r}")
    return when if timezone.is_aware(when) else timezone.make_aware(when, UTC)


def audit_events(
    user: User,
    *,
    action: str = "",
    username: str = "",
    object_type: str = "",
    outcome: str = "",
    since: str = "",
    until: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events an agency admin may browse: their agency's (an operator sees all).

    ``until`` a date includes that whole day, as the complaint list filters do. Raises
    FilterError for a ``since`` or ``until`` that is not a date or time.
    """
    events = AuditEvent.objects.select_related("agency")
    if not user.is_operator:
        events = events.filter(agency_id=user.member_agency_id)
    if action:
        events = events.filter(action__startswith=action)
    if username:
        events = events.filter(username=username)
    if object_type:
        events = events.filter(object_type=object_type)
    if outcome:
        events = events.filter(outcome=outcome)
    if since:
        events = events.filter(at__gte=moment("since", since))
    if until:
        events = events.filter(at__lte=moment("until", until, end_of_day=True))
    return events
