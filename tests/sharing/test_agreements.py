"""Agreements drive who sees what across agencies; AMBER needs a supervisor; RED never moves."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.permissions import can_view, visible
from tracebridge.agencies.services import ServiceError
from tracebridge.complaints.models import Complaint
from tracebridge.sharing.models import Agreement
from tracebridge.sharing.services import approve_agreement, create_agreement, revoke_agreement


def _seen(user: Any) -> set[str]:
    return set(visible(user, Complaint.objects.all()).values_list("ref", flat=True))


def test_without_agreement_only_clear_crosses(complaints: Any, cbi_analyst: Any) -> None:
    assert _seen(cbi_analyst) == {"CBI-1", "FBI-CLEAR"}


def test_agreement_grants_markings_and_amber_waits_for_approval(
    complaints: Any, agreement_factory: Any, cbi_analyst: Any, supervisor: Any
) -> None:
    agreement = agreement_factory()
    assert agreement.needs_approval
    assert _seen(cbi_analyst) == {"CBI-1", "FBI-CLEAR", "FBI-GREEN"}
    approve_agreement(agreement, supervisor)
    assert _seen(cbi_analyst) == {"CBI-1", "FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}
    assert not can_view(cbi_analyst, complaints["FBI-RED"])
    assert not can_view(cbi_analyst, complaints["FBI-AMBER+STRICT"])
    assert AuditEvent.objects.filter(action="agreement.approve", outcome="ok").count() == 1


def test_only_a_supervisor_of_the_owner_approves(
    complaints: Any, agreement_factory: Any, analyst: Any, make_user: Any
) -> None:
    agreement = agreement_factory()
    with pytest.raises(ServiceError):
        approve_agreement(agreement, analyst)
    with pytest.raises(ServiceError):
        approve_agreement(agreement, make_user("supervisor", "IN-CBI"))
    assert AuditEvent.objects.filter(action="agreement.approve", outcome="denied").count() == 2


@pytest.mark.parametrize("tlp", ["RED", "AMBER+STRICT", "PURPLE", ""])
def test_unshareable_markings_are_refused(agencies: Any, tlp: str) -> None:
    with pytest.raises(ServiceError):
        create_agreement("US-FBI", "IN-CBI", [tlp] if tlp else [])


def test_bad_fields_kinds_and_same_agency_are_refused(agencies: Any) -> None:
    with pytest.raises(ServiceError, match="victim fields"):
        create_agreement("US-FBI", "IN-CBI", ["GREEN"], fields=["victim.aadhaar"])
    with pytest.raises(ServiceError, match="kinds"):
        create_agreement("US-FBI", "IN-CBI", ["GREEN"], kinds=["everything"])
    with pytest.raises(ServiceError, match="two different"):
        create_agreement("US-FBI", "US-FBI", ["GREEN"])


def test_expired_and_revoked_agreements_grant_nothing(
    complaints: Any, agreement_factory: Any, cbi_analyst: Any
) -> None:
    agreement = agreement_factory(tlp="GREEN", expires_on=date.today() - timedelta(days=1))
    assert _seen(cbi_analyst) == {"CBI-1", "FBI-CLEAR"}
    agreement = create_agreement("US-FBI", "IN-CBI", ["GREEN"])
    assert "FBI-GREEN" in _seen(cbi_analyst)
    revoke_agreement(agreement)
    assert _seen(cbi_analyst) == {"CBI-1", "FBI-CLEAR"}


def test_restating_with_new_markings_withdraws_approval(
    complaints: Any, agreement_factory: Any, supervisor: Any
) -> None:
    agreement = agreement_factory(approve_by=supervisor)
    assert not agreement.needs_approval
    again = create_agreement("US-FBI", "IN-CBI", ["GREEN", "AMBER"], fields=["city"])
    assert again.pk == agreement.pk and again.needs_approval


def test_agreement_command(complaints: Any, capsys: Any) -> None:
    call_command("agreement", "create", "--from", "US-FBI", "--to", "IN-CBI",
                 "--tlp", "CLEAR,GREEN,AMBER", "--fields", "city,state", "--expires", "2030-01-01")  # fmt: skip
    out = capsys.readouterr().out
    assert "US-FBI -> IN-CBI" in out and "supervisor" in out
    agreement = Agreement.objects.get()
    assert agreement.fields == ["city", "state"] and str(agreement.expires_on) == "2030-01-01"
    call_command("agreement", "list")
    assert "awaiting approval" in capsys.readouterr().out
    call_command("agreement", "revoke", "--from", "US-FBI", "--to", "IN-CBI")
    assert Agreement.objects.get().revoked_at is not None


def test_api_agreements(
    complaints: Any, api_for: Any, agency_admin: Any, make_user: Any, supervisor: Any
) -> None:
    admin = api_for(agency_admin)
    response = admin.post("/sharing/agreements", {"to": "IN-CBI", "tlp": ["GREEN", "AMBER"]})
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["needs_approval"] and row["from"] == "US-FBI"
    assert_error(
        admin.post("/sharing/agreements", {"to": "IN-CBI", "tlp": ["RED"]}), 422, "invalid"
    )
    unknown = admin.post("/sharing/agreements", {"to": "XX-NONE", "tlp": ["GREEN"]})
    assert_error(unknown, 404, "not_found")
    assert "no agency with code 'XX-NONE'" in unknown.json()["error"]["message"]
    assert_error(api_for(make_user("analyst")).post("/sharing/agreements", {"to": "IN-CBI", "tlp": ["GREEN"]}), 403, "forbidden")  # fmt: skip
    outsider = api_for(make_user("supervisor", "IN-I4C"))
    assert_error(outsider.post(f"/sharing/agreements/{row['id']}/approve"), 404, "not_found")
    assert_error(outsider.get(f"/sharing/agreements/{row['id']}/stix"), 404, "not_found")
    approved = api_for(supervisor).post(f"/sharing/agreements/{row['id']}/approve")
    assert approved.json()["needs_approval"] is False
    create_agreement("IN-I4C", "US-FBI", ["GREEN"])  # neither given nor received by IN-CBI
    listed = api_for(make_user("viewer", "IN-CBI")).get("/sharing/agreements").json()["items"]
    assert [r["id"] for r in listed] == [row["id"]]
    bundle = api_for(make_user("analyst")).get(f"/sharing/agreements/{row['id']}/stix").json()
    assert bundle["type"] == "bundle"


def test_pages(complaints: Any, agreement_factory: Any, client_for: Any, supervisor: Any,
               cbi_analyst: Any, viewer: Any) -> None:  # fmt: skip
    agreement = agreement_factory()
    create_agreement("IN-I4C", "US-FBI", ["GREEN"])  # neither given nor received by IN-CBI
    page = client_for(cbi_analyst).get("/sharing/agreements/")
    assert page.status_code == 200 and b"US-FBI" in page.content
    assert b"IN-I4C" not in page.content
    assert client_for(viewer).get("/sharing/approvals/").status_code == 403
    sup = client_for(supervisor)
    assert b"IN-CBI" in sup.get("/sharing/approvals/").content
    assert sup.post("/sharing/approvals/", {"agreement": agreement.pk}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.approved_by == supervisor.username
    download = sup.post("/sharing/exports/", {"agreement": agreement.pk})
    assert download.status_code == 200 and b'"type": "bundle"' in download.content
    assert b"FBI-RED" not in download.content
    assert sup.get("/sharing/exports/").status_code == 200
