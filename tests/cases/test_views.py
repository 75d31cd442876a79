"""Cases' pages: the owner's actions, what another agency and a viewer may do, and answers
to bad input that name the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.cases.models import Case

from .conftest import campaign, complaint


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
    complaint(agencies["US-FBI"], "A1")
    complaint(agencies["IN-CBI"], "SECRET", tlp="RED")
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


def test_a_case_cannot_name_a_campaign_the_user_may_not_see(
    analyst: User, agencies: Any, client_for: Callable[..., Any]
) -> None:
    campaign("CMP-0007", complaint(agencies["IN-CBI"], "SECRET", tlp="RED"))
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
