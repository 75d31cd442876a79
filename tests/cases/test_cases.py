"""Cases: references, services, the command, pages and who may do what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tracebridge import panels
from tracebridge.agencies.models import AuditEvent, User
from tracebridge.agencies.services import ServiceError
from tracebridge.campaigns.models import Campaign, CampaignMember
from tracebridge.cases import services
from tracebridge.cases.models import Case
from tracebridge.complaints.models import Complaint

YEAR = timezone.now().year


@pytest.fixture
def case(analyst: User) -> Case:
    return services.create_case("US-FBI", "Tech-support ring", by=analyst, lead=analyst)


def _complaint(agency: Any, ref: str, tlp: str = "AMBER") -> Complaint:
    return Complaint.objects.create(
        agency=agency,
        tlp=tlp,
        source="IC3",
        ref=ref,
        country="US",
        received_at=timezone.now(),
        content_hash="0" * 64,
    )


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


def test_case_create_command(agencies: Any, analyst: User) -> None:
    Campaign.objects.create(code="CMP-0001", size=2)
    out = StringIO()
    call_command(
        "case",
        "create",
        "--agency",
        "US-FBI",
        "--title",
        "Gift cards",
        "--lead",
        analyst.username,
        "--campaign",
        "CMP-0001",
        stdout=out,
    )
    reference = out.getvalue().strip()
    assert reference == f"CASE-US-FBI-{YEAR}-0001"
    case = Case.objects.get(reference=reference)
    assert case.lead == analyst and [c.code for c in case.campaigns.all()] == ["CMP-0001"]
    with pytest.raises(CommandError, match="no campaign CMP-9"):
        call_command("case", "create", "--agency", "US-FBI", "--title", "x", "--campaign", "CMP-9")
    with pytest.raises(CommandError, match="no agency"):
        call_command("case", "create", "--agency", "NOPE", "--title", "x")
    out = StringIO()
    call_command("case", "list", "--agency", "US-FBI", stdout=out)
    assert out.getvalue().startswith(f"{reference}\topen\tGift cards")


def test_case_pages_for_the_owner(
    case: Case, analyst: User, client_for: Callable[..., Any]
) -> None:
    client = client_for(analyst)
    listing = client.get("/cases/")
    assert listing.status_code == 200 and case.reference in listing.content.decode()
    page = client.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        action="case.read", object_id=case.reference, outcome="ok"
    ).exists()
    base = f"/cases/{case.reference}"
    client.post(f"{base}/note/", {"text": "<script>alert(1)</script>"})
    client.post(f"{base}/task/", {"title": "Subpoena bank", "due_date": "2030-01-02"})
    client.post(f"{base}/status/", {"status": "prosecution"})
    page = client.get(f"{base}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Subpoena bank" in page and "2030-01-02" in page
    case.refresh_from_db()
    assert case.status == "prosecution"


def test_link_complaint_only_when_visible(
    case: Case, analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    _complaint(agencies["US-FBI"], "A1")
    _complaint(agencies["IN-CBI"], "SECRET", tlp="RED")
    client = client_for(analyst)
    client.post(f"/cases/{case.reference}/link/", {"complaint": "IC3:A1"})
    response = client.post(
        f"/cases/{case.reference}/link/", {"complaint": "IC3:SECRET"}, follow=True
    )
    assert "No complaint IC3:SECRET that you may see." in response.content.decode()
    assert [c.ref for c in case.complaints.all()] == ["A1"]


def test_other_agency_cannot_see_or_change(
    case: Case, cbi_analyst: User, viewer: User, client_for: Callable[..., Any]
) -> None:
    other = client_for(cbi_analyst)
    assert other.get(f"/cases/{case.reference}/").status_code == 404
    assert other.post(f"/cases/{case.reference}/note/", {"text": "x"}).status_code == 404
    assert AuditEvent.objects.filter(action="case.read", outcome="denied").count() == 2
    case.tlp = "CLEAR"
    case.save()
    assert other.get(f"/cases/{case.reference}/").status_code == 200
    assert other.post(f"/cases/{case.reference}/note/", {"text": "x"}).status_code == 403
    assert (
        client_for(viewer).post(f"/cases/{case.reference}/note/", {"text": "x"}).status_code == 403
    )
    assert case.notes.count() == 0


def _campaign(code: str, *members: Complaint) -> Campaign:
    campaign = Campaign.objects.create(code=code, size=len(members))
    for complaint in members:
        CampaignMember.objects.create(campaign=campaign, complaint=complaint)
    return campaign


def test_open_a_case_from_a_campaign(
    analyst: User, agencies: Any, client_for: Callable[..., Any], rf: Any
) -> None:
    campaign = _campaign("CMP-0042", _complaint(agencies["US-FBI"], "A1"))
    client = client_for(analyst)
    form = client.get("/cases/new/?campaign=CMP-0042").content.decode()
    assert 'value="Campaign CMP-0042"' in form
    response = client.post(
        "/cases/new/", {"title": "Campaign CMP-0042", "tlp": "AMBER", "campaign": "CMP-0042"}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    request = rf.get("/")
    request.user = analyst
    [html] = [p for p in panels.render("campaign", request, campaign) if "campaign-cases" in p]
    assert case.reference in html and "/cases/new/?campaign=CMP-0042" in html


def test_a_case_cannot_name_a_campaign_the_user_may_not_see(
    analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    _campaign("CMP-0007", _complaint(agencies["IN-CBI"], "SECRET", tlp="RED"))
    client = client_for(analyst)
    form = client.get("/cases/new/?campaign=CMP-0007").content.decode()
    assert "From campaign" not in form and 'value="Campaign CMP-0007"' not in form
    for code in ("CMP-0007", "CMP-9999"):
        response = client.post("/cases/new/", {"title": "x", "tlp": "AMBER", "campaign": code})
        assert response.status_code == 200
        assert f"No campaign {code} that you may see." in response.content.decode()
    assert not Case.objects.exists()


def test_bad_case_actions_are_answered_naming_the_field(
    case: Case, analyst: User, client_for: Callable[..., Any]
) -> None:
    client = client_for(analyst)
    base = f"/cases/{case.reference}"
    answers = {
        "note": ({"text": ""}, "Note: This field is required."),
        "task": ({"title": "x", "due_date": "soon"}, "Due: Enter a valid date."),
        "status": ({"status": "lost"}, "Status: Select a valid choice."),
        "task-done": ({"task": "abc"}, "No such task on this case."),
        "link": ({}, "Complaints (source:ref): This field is required."),
    }
    for action, (data, message) in answers.items():
        response = client.post(f"{base}/{action}/", data, follow=True)
        assert response.status_code == 200 and message in response.content.decode(), action
    case.refresh_from_db()
    assert case.status == "open" and not case.notes.exists() and not case.tasks.exists()


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
