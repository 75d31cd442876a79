"""Cases' services: references per agency and year, notes, tasks, assignment, status, and
what the audit log keeps of a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.agencies.services import ServiceError
from tracebridge.cases import services
from tracebridge.cases.models import Case

YEAR = timezone.now().year


def test_references_count_per_agency_and_year(analyst: User, cbi_analyst: User) -> None:
    first = services.create_case("US-FBI", "One", by=analyst)
    second = services.create_case("us-fbi", "Two", by=analyst)
    indian = services.create_case("IN-CBI", "Ek", by=cbi_analyst)
    assert [first.reference, second.reference, indian.reference] == [
        f"CASE-US-FBI-{YEAR}-0001",
        f"CASE-US-FBI-{YEAR}-0002",
        f"CASE-IN-CBI-{YEAR}-0001",
    ]
    event = AuditEvent.objects.get(action="case.create", object_id=first.reference)
    assert event.username == analyst.username and event.detail == {"tlp": "AMBER"}


def test_create_case_refuses_bad_input(analyst: User, cbi_analyst: User) -> None:
    with pytest.raises(ServiceError, match="needs a title"):
        services.create_case("US-FBI", "  ")
    with pytest.raises(ServiceError, match="unknown TLP"):
        services.create_case("US-FBI", "x", tlp="PURPLE")
    with pytest.raises(ServiceError, match="does not belong to US-FBI"):
        services.create_case("US-FBI", "x", lead=cbi_analyst)
    with pytest.raises(ServiceError, match="no agency"):
        services.create_case("XX-NONE", "x")


def test_notes_tasks_assignment_status(case: Case, analyst: User, supervisor: User) -> None:
    services.add_note(case, "Called the carrier", analyst)
    task = services.add_task(case, "Send 2703(d) order", dt.date(2020, 1, 1), supervisor, analyst)
    services.assign(case, supervisor, "prosecutor liaison", analyst)
    services.set_status(case, "investigating", analyst)
    assert [t.title for t in services.overdue_tasks(case)] == ["Send 2703(d) order"]
    services.complete_task(task, analyst)
    assert services.overdue_tasks(case) == []
    case.refresh_from_db()
    assert case.status == "investigating"
    assert [a.role for a in case.assignments.all()] == ["prosecutor liaison"]
    with pytest.raises(ServiceError, match="status must be one of"):
        services.set_status(case, "lost", analyst)
    with pytest.raises(ServiceError, match="cannot be empty"):
        services.add_note(case, " ", analyst)


def test_the_audit_log_names_a_case_but_never_its_title(
    analyst: User, make_user: Callable[..., User], api_for: Any
) -> None:
    """The operator reads every agency's audit log; a RED case's title must not be in it."""
    case = services.create_case("US-FBI", "Sting on Canaryton call centre", by=analyst, tlp="RED")
    event = AuditEvent.objects.get(action="case.create")
    assert (event.object_id, event.detail) == (case.reference, {"tlp": "RED"})
    operator = make_user("operator", "US-FTC")
    body = api_for(operator).get("/audit", action="case.").content.decode()
    assert case.reference in body and "Canaryton" not in body
