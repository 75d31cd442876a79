"""Acknowledgement e-mail and the stages a reporter follows (issue 23, point 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tests.complaints.test_views import file
from tracebridge.agencies.models import AuditEvent
from tracebridge.complaints.models import PublicReport
from tracebridge.complaints.tracking import StatusError, set_status
from tracebridge.config import ConfigError, email_settings
from tracebridge.errors import Invalid

pytestmark = pytest.mark.django_db


def _look_up(client: Client) -> str:
    once = client.session["report_once"]
    client.post("/report/lookup/", {"number": once["number"], "secret": once["secret"]})
    return client.get("/report/lookup/").content.decode()


def test_an_acknowledgement_is_mailed_without_the_secret(agencies: Any) -> None:
    client = Client()
    file(client, email="asha@example.in")
    once = client.session["report_once"]
    (message,) = mail.outbox
    assert message.to == ["asha@example.in"] and once["number"] in message.subject
    assert once["number"] in message.body and once["secret"] not in message.body
    done = client.get("/report/done/").content.decode()
    assert "We sent an acknowledgement to asha@example.in" in done
    assert 'data-copy="#report-secret"' in done


def test_no_mail_without_an_address_or_when_anonymous(agencies: Any) -> None:
    file(Client())
    file(Client(), email="asha@example.in", anonymous="on")
    assert mail.outbox == []


def test_the_acknowledgement_is_in_the_reporters_language(agencies: Any) -> None:
    Client(headers={"accept-language": "hi"}).post(
        "/report/", {**_post(), "email": "asha@example.in"}, headers={"accept-language": "hi"}
    )
    assert "आपकी शिकायत" in mail.outbox[0].body or "शिकायत" in mail.outbox[0].subject


def test_stages_are_set_by_the_owner_audited_and_seen_by_the_reporter(
    agencies: Any, make_user: Any, client_for: Any
) -> None:
    client = Client()
    file(client)
    report = PublicReport.objects.get()
    assert report.status == "received"
    first = _look_up(client)
    assert 'aria-current="step">Received' in first
    i4c = client_for(make_user("analyst", "IN-I4C"))
    url = f"/complaints/{report.complaint_id}/status/"
    assert i4c.post(url, {"status": "fir"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "fir" and report.status_at is not None
    page = _look_up(client)
    assert 'aria-current="step">FIR registered' in page
    assert "Referred to police or an agency ✓" in page
    event = AuditEvent.objects.filter(action="complaint.status").get()
    assert event.detail == {"before": "received", "after": "fir"}


def test_stage_refusals(agencies: Any, make_user: Any, client_for: Any) -> None:
    file(Client())
    report = PublicReport.objects.get()
    url = f"/complaints/{report.complaint_id}/status/"
    owner = client_for(make_user("analyst", "IN-I4C"))
    assert owner.post(url, {"status": "solved"}).status_code == 403
    viewer = client_for(make_user("viewer", "IN-I4C"))
    assert viewer.post(url, {"status": "closed"}).status_code == 403
    other_agency = client_for(make_user("analyst", "IN-CBI"))
    assert other_agency.post(url, {"status": "closed"}).status_code == 404  # not visible to it
    report.refresh_from_db()
    assert report.status == "received"
    denied = AuditEvent.objects.filter(action="complaint.status", outcome="denied")
    assert [e.user.username for e in denied] == ["in-i4c-viewer"]


def test_an_analyst_of_another_agency_who_can_see_the_report_cannot_set_its_stage(
    agencies: Any, make_user: Any
) -> None:
    # the page answers 404 to an agency that cannot see the complaint; this is the check
    # behind it, for one that can (a shared complaint)
    file(Client())
    report = PublicReport.objects.get()
    with pytest.raises(StatusError, match="only analysts of the agency that owns the report"):
        set_status(report, "closed", make_user("analyst", "IN-CBI"))
    report.refresh_from_db()
    assert report.status == "received"
    denied = AuditEvent.objects.get(action="complaint.status", outcome="denied")
    assert denied.user.username == "in-cbi-analyst"


def test_an_unknown_stage_is_invalid_and_names_the_field(agencies: Any, make_user: Any) -> None:
    file(Client())
    report = PublicReport.objects.get()
    with pytest.raises(Invalid, match="unknown stage 'solved'; one of received, ") as refused:
        set_status(report, "solved", make_user("analyst", "IN-I4C"))
    assert [d["field"] for d in refused.value.details] == ["status"]
    report.refresh_from_db()
    assert report.status == "received"


def test_email_settings_from_the_environment(tmp_path: Path) -> None:
    assert email_settings({}, tmp_path)["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert email_settings({}, tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    smtp = email_settings(
        {"TRACEBRIDGE_EMAIL_HOST": "smtp.example.in", "TRACEBRIDGE_EMAIL_PORT": "2525"}, tmp_path
    )
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "smtp.example.in", 2525, True,
    )  # fmt: skip
    with pytest.raises(ConfigError, match="TRACEBRIDGE_EMAIL_PORT"):
        email_settings({"TRACEBRIDGE_EMAIL_HOST": "h", "TRACEBRIDGE_EMAIL_PORT": "x"}, tmp_path)


def _post() -> dict[str, Any]:
    from tests.complaints.test_views import report_post

    return report_post()
