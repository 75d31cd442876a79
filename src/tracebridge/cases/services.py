"""Opening and working cases. Every change is audited; callers check permissions first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.services import ServiceError, get_agency
from tracebridge.cases.models import Assignment, Case, CaseSequence, CaseStatus, Note, Task
from tracebridge.complaints.models import Complaint


def next_reference(agency: Agency, year: int) -> str:
    """CASE-<agency code>-<year>-<4-digit number>, numbered per agency and year."""
    return CaseSequence.next_reference("CASE", agency, year)


def _check_member(agency: Agency, user: User | None, what: str) -> None:
    if user is not None and user.agency_id != agency.pk:
        raise ServiceError(f"{what} {user.username} does not belong to {agency.code}")


def create_case(
    agency: Agency | str,
    title: str,
    *,
    by: User | None = None,
    lead: User | None = None,
    description: str = "",
    tlp: str = TLP.AMBER.value,
    campaigns: Iterable[Any] = (),
    complaints: Iterable[Complaint] = (),
) -> Case:
    agency = get_agency(agency) if isinstance(agency, str) else agency
    title = title.strip()
    if not title:
        raise ServiceError("a case needs a title")
    try:
        marking = TLP.parse(tlp).value
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    _check_member(agency, lead, "lead")
    with transaction.atomic():
        case = Case.objects.create(
            agency=agency,
            reference=next_reference(agency, timezone.now().year),
            title=title[:200],
            description=description,
            tlp=marking,
            lead=lead,
            opened_by=by,
        )
        case.complaints.add(*complaints)
        link_campaigns(case, campaigns)
        # The reference names the case; its title is case content, and the node operator reads
        # every agency's audit log (found by the leak sweep: a RED case's title showed there).
        audit.record("case.create", user=by, agency=agency, obj=case, tlp=case.tlp)
    return case


def link_campaigns(case: Case, campaigns: Iterable[Any]) -> None:
    campaigns = list(campaigns)
    if campaigns:
        case.campaigns.add(*campaigns)


def link_complaints(case: Case, complaints: Iterable[Complaint], by: User | None) -> int:
    complaints = list(complaints)
    case.complaints.add(*complaints)
    audit.record("case.link_complaints", user=by, obj=case, complaints=[c.pk for c in complaints])
    return len(complaints)


def set_status(case: Case, status: str, by: User | None) -> None:
    if status not in CaseStatus.values:
        raise ServiceError(f"status must be one of {', '.join(CaseStatus.values)}")
    old, case.status = case.status, status
    case.save(update_fields=["status", "updated_at"])
    audit.record("case.status", user=by, obj=case, old=old, new=status)


def add_note(case: Case, text: str, by: User | None) -> Note:
    if not text.strip():
        raise ServiceError("a note cannot be empty")
    note = Note.objects.create(case=case, author=by, text=text.strip())
    audit.record("case.note", user=by, obj=case, note=note.pk)
    return note


def assign(case: Case, user: User, role: str, by: User | None) -> Assignment:
    _check_member(case.agency, user, "user")
    assignment, _ = Assignment.objects.update_or_create(
        case=case, user=user, defaults={"role": role.strip()[:64], "assigned_by": by}
    )
    audit.record("case.assign", user=by, obj=case, assignee=user.username, role=role)
    return assignment


def add_task(
    case: Case, title: str, due: dt.date | None, assignee: User | None, by: User | None
) -> Task:
    if not title.strip():
        raise ServiceError("a task needs a title")
    _check_member(case.agency, assignee, "assignee")
    task = Task.objects.create(
        case=case, title=title.strip()[:200], due_date=due, assignee=assignee, created_by=by
    )
    audit.record("case.task", user=by, obj=case, task=task.pk, due=str(due or ""))
    return task


def complete_task(task: Task, by: User | None) -> None:
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit.record("case.task_done", user=by, obj=task.case, task=task.pk)


def overdue_tasks(case: Case, today: dt.date | None = None) -> list[Task]:
    today = today or timezone.localdate()
    return list(case.tasks.filter(done_at__isnull=True, due_date__lt=today))
