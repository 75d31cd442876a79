"""Issue 20.13: a supervisor sees who asks and what would flow, approves or declines with a
reason, and the history of decisions."""

from __future__ import annotations

from typing import Any

import pytest

from tracebridge.agencies.models import AuditEvent
from tracebridge.sharing.models import Agreement
from tracebridge.sharing.services import create_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(complaints: Any, make_user: Any) -> Agreement:
    return create_agreement(
        "US-FBI", "IN-CBI", ["GREEN", "AMBER"], kinds=["complaint"], user=make_user("agency_admin")
    )


def test_the_page_shows_who_asks_and_what_would_flow(
    asked: Agreement, client_for: Any, supervisor: Any
) -> None:
    html = client_for(supervisor).get("/sharing/approvals/").content.decode()
    assert "IN-CBI" in html and "asks for your records" in html
    assert "us-fbi-agency_admin" in html
    preview = html.split('data-testid="preview">')[1].split("</table>")[0]
    rows = [r for r in preview.split("<tr>")[2:]]
    cells = [r.replace("</td>", "|").replace("<td>", "").split("|")[:3] for r in rows]
    assert cells == [["complaint", "TLP:AMBER", "1"], ["complaint", "TLP:GREEN", "1"]]


def test_decline_needs_a_reason_and_is_kept_in_history(
    asked: Agreement, client_for: Any, supervisor: Any
) -> None:
    client = client_for(supervisor)
    post = {"agreement": asked.pk, "decision": "decline", "reason": "  "}
    page = client.post("/sharing/approvals/", post, follow=True).content.decode()
    assert "a decline needs a reason" in page
    asked.refresh_from_db()
    assert asked.revoked_at is None
    post["reason"] = "No MoU with CBI for victims' data yet"
    page = client.post("/sharing/approvals/", post, follow=True).content.decode()
    asked.refresh_from_db()
    assert asked.revoked_at is not None and asked.approved_at is None
    assert "Declined: nothing flows under this agreement." in page
    history = page.split('data-testid="history">')[1]
    assert "Declined" in history and "No MoU with CBI for victims&#x27; data yet" in history
    assert "<td>IN-CBI</td>" in history  # the partner it concerned, not the agreement's id
    event = AuditEvent.objects.get(action="agreement.decline", outcome="ok")
    assert event.detail["reason"] == "No MoU with CBI for victims' data yet"


def test_approval_is_in_history_and_another_agency_cannot_decide(
    asked: Agreement, client_for: Any, supervisor: Any, make_user: Any
) -> None:
    outsider = client_for(make_user("supervisor", "IN-CBI"))
    post = {"agreement": asked.pk, "decision": "decline", "reason": "mine now"}
    assert outsider.post("/sharing/approvals/", post).status_code == 403
    page = client_for(supervisor).post(
        "/sharing/approvals/", {"agreement": asked.pk, "decision": "approve"}, follow=True
    )
    history = page.content.decode().split('data-testid="history">')[1]
    assert "Approved" in history and "us-fbi-supervisor" in history
    asked.refresh_from_db()
    assert asked.revoked_at is None and asked.approved_at is not None


def test_exports_show_counts_and_warn_when_only_markings_would_flow(
    complaints: Any, agreement_factory: Any, client_for: Any, supervisor: Any, make_user: Any
) -> None:
    full = agreement_factory(approve_by=supervisor)
    empty = agreement_factory(partner="US-FTC", tlp="CLEAR", kinds=["case"])
    html = client_for(make_user("analyst")).get("/sharing/exports/").content.decode()
    full_cell = html.split(f'data-testid="export-count-{full.pk}">')[1].split("</td>")[0]
    empty_cell = html.split(f'data-testid="export-count-{empty.pk}">')[1].split("</td>")[0]
    assert "Only marking definitions" not in full_cell and " objects" in full_cell
    assert "Only marking definitions: no record would flow." in empty_cell


def test_a_partner_sees_what_comes_in(
    complaints: Any, agreement_factory: Any, client_for: Any, supervisor: Any, cbi_analyst: Any
) -> None:
    agreement_factory(approve_by=supervisor)
    html = client_for(cbi_analyst).get("/sharing/agreements/").content.decode()
    incoming = html.split('data-testid="incoming">')[1].split("</table>")[0]
    assert "US-FBI" in incoming and 'href="/complaints/?agency=US-FBI"' in incoming
    assert "with records" in incoming and "(0 with records)" not in incoming
    mine = client_for(supervisor).get("/sharing/agreements/").content.decode()
    assert "No partner shares with your agency yet." in mine
