from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.complaints.conftest import record
from tracebridge.complaints.models import Complaint, PublicReport, ReportAddition
from tracebridge.complaints.services import ingest

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> call 98123 45678'


def report_post(**changes: Any) -> dict[str, Any]:
    data = {
        "what": "call",
        "country": "IN",
        "scam_type": "kyc_update",
        "narrative": "They called from 98123 45678 and asked for my OTP.",
        "suspect_phone": "98123 45678",
        "suspect_upi": "fraud.kyc@okaxis",
        "payment_method": "upi",
        "amount": "4999",
        "name": "Asha",
        "phone": "98765 43210",
        "homepage": "",
    }
    data.update(changes)
    return data


def file(client: Client, **changes: Any) -> Any:
    return client.post("/report/", report_post(**changes))


def test_start_page_and_tailored_form(agencies: Any) -> None:
    client = Client()
    start = client.get("/report/")
    assert start.status_code == 200
    assert b'name="what"' in start.content
    call = client.get("/report/", {"what": "call", "country": "IN"}).content.decode()
    assert 'name="suspect_phone"' in call and 'name="suspect_upi"' in call
    assert 'name="suspect_website"' not in call
    site = client.get("/report/", {"what": "website", "country": "US"}).content.decode()
    assert 'name="suspect_website"' in site and 'name="suspect_upi"' not in site


def test_filing_gives_number_secret_and_tailored_steps(agencies: Any) -> None:
    client = Client()
    response = file(client)
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    number = re.search(r"TB-IN-\d{4}-\d{6}", done)
    assert number is not None
    assert "1930" in done  # UPI loss in India: the golden hour
    report = PublicReport.objects.get(number=number.group(0))
    complaint = report.complaint
    assert (complaint.source, complaint.agency.code, complaint.channel) == (
        "PORTAL",
        "IN-I4C",
        "phone_call",
    )
    assert complaint.victim == {"name": "Asha", "phone": "98765 43210"}
    keys = set(complaint.sightings.values_list("key", flat=True))
    assert {"phone:+919812345678", "upi:fraud.kyc@okaxis"} <= keys
    assert "phone:+919876543210" not in keys
    assert client.get("/report/done/").status_code == 302  # the secret is shown once


def test_us_gift_card_steps_and_anonymous(agencies: Any) -> None:
    client = Client()
    response = file(
        client,
        what="website",
        country="US",
        scam_type="tech_support",
        payment_method="gift_card",
        suspect_website="secure-help-desk.com",
        anonymous="on",
    )
    done = client.get(response["Location"]).content.decode()
    assert "ic3.gov" in done and "gift card" in done
    complaint = Complaint.objects.get(source="PORTAL")
    assert complaint.victim == {} and complaint.agency.code == "US-FTC"
    assert PublicReport.objects.get().anonymous


def test_lookup_and_add(agencies: Any) -> None:
    client = Client()
    file(client)
    once = client.session["report_once"]
    page = client.post("/report/lookup/", {"number": once["number"], "secret": once["secret"]})
    assert (page.status_code, page["Location"]) == (302, "/report/lookup/")
    assert once["number"] in client.get("/report/lookup/").content.decode()
    added = client.post(
        "/report/lookup/",
        {"number": once["number"], "secret": once["secret"], "text": "They also used 91234 56789"},
    )
    assert added.status_code == 302  # post/redirect/get: a reload cannot save it twice
    shown = client.get("/report/lookup/").content.decode()
    assert "addition is saved" in shown and "91234 56789" in shown
    assert shown.count("They also used 91234 56789") == 1  # listed, not repeated in the story
    reloaded = client.get("/report/lookup/").content.decode()
    assert "addition is saved" not in reloaded and "91234 56789" in reloaded
    complaint = Complaint.objects.get()
    assert "91234 56789" in complaint.narrative
    assert complaint.sightings.filter(key="phone:+919123456789").exists()
    assert ReportAddition.objects.count() == 1
    closed = client.get("/report/lookup/", {"new": ""}).content.decode()
    assert once["number"] not in closed and 'name="secret"' in closed


def test_lookup_with_wrong_secret_is_refused(agencies: Any) -> None:
    client = Client()
    file(client)
    number = client.session["report_once"]["number"]
    wrong = client.post("/report/lookup/", {"number": number, "secret": "guess"})
    assert wrong.status_code == 404
    assert "No report matches" in wrong.content.decode()


def test_failed_lookups_are_throttled(agencies: Any) -> None:
    client = Client()
    file(client)
    once = client.session["report_once"]
    for _ in range(30):
        client.post("/report/lookup/", {"number": once["number"], "secret": "wrong"})
    right = client.post("/report/lookup/", {"number": once["number"], "secret": once["secret"]})
    assert right.status_code == 429


def test_additions_are_limited(agencies: Any) -> None:
    client = Client()
    file(client)
    once = client.session["report_once"]
    report = PublicReport.objects.get()
    for i in range(20):
        ReportAddition.objects.create(report=report, text=f"note {i}")
    page = client.post(
        "/report/lookup/",
        {"number": once["number"], "secret": once["secret"], "text": "more"},
        follow=True,
    )
    assert "cannot take more additions" in page.content.decode()


def test_honeypot_refuses(agencies: Any) -> None:
    response = file(Client(), homepage="http://spam.example")
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_rate_limit_per_address(agencies: Any) -> None:
    client = Client()
    for _ in range(5):
        assert file(client).status_code == 302
    assert file(client).status_code == 429
    assert Complaint.objects.count() == 5


def test_csrf_is_enforced(agencies: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert file(client).status_code == 403


def test_invalid_form_shows_errors(agencies: Any) -> None:
    response = file(Client(), narrative="", amount="100", payment_method="")
    assert response.status_code == 400
    assert b"errorlist" in response.content


def test_no_agency_means_no_reports(db: None) -> None:
    response = file(Client())
    assert response.status_code == 429
    assert b"does not take reports" in response.content


def test_complaint_pages_escape_attacker_text(
    client_for: Any, cbi_analyst: Any, agencies: Any
) -> None:
    ingest([record("XSS", narrative=XSS, victim={"name": "<b>bold</b>"})], agencies["IN-CBI"])
    client = client_for(cbi_analyst)
    listing = client.get("/complaints/", {"identifier": "+91 98123 45678"})
    assert listing.status_code == 200 and b"NCRP:XSS" in listing.content
    pk = Complaint.objects.get().pk
    page = client.get(f"/complaints/{pk}/").content.decode()
    assert "<script>" not in page and "<img src=x" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page
    assert '<mark class="ident ident-phone" title="phone:+919812345678">98123 45678</mark>' in page


def test_complaint_page_hides_victim_and_other_agencies(
    client_for: Any, analyst: Any, cbi_analyst: Any, agencies: Any
) -> None:
    ingest([record("A"), record("C", tlp="CLEAR")], agencies["IN-CBI"])
    fbi = client_for(analyst)
    amber = Complaint.objects.get(ref="A").pk
    clear = Complaint.objects.get(ref="C").pk
    assert fbi.get(f"/complaints/{amber}/").status_code == 404
    page = fbi.get(f"/complaints/{clear}/").content.decode()
    assert "Asha Devi" not in page
    assert "Asha Devi" in client_for(cbi_analyst).get(f"/complaints/{clear}/").content.decode()


def test_list_filter_error_and_login(client_for: Any, analyst: Any) -> None:
    assert Client().get("/complaints/").status_code == 302
    page = client_for(analyst).get("/complaints/", {"since": "soon"})
    assert page.status_code == 200 and b"not an ISO 8601" in page.content


def test_done_page_copies_the_secret_and_names_what_it_could_not_read(agencies: Any) -> None:
    client = Client()
    file(client, suspect_phone="12", suspect_upi="not a upi")
    done = client.get("/report/done/").content.decode()
    assert 'data-copy="#report-secret"' in done and 'id="report-secret"' in done
    unread = done[done.index('data-testid="unread"') :]
    assert "12: could not be read as a phone number" in unread
    assert "not a upi: could not be read as a UPI ID" in unread
    suspect = Complaint.objects.get().suspect
    assert "12" in str(suspect) and "not a upi" in str(suspect)  # accepted, kept as typed
    client = Client()
    file(client, suspect_phone="+91 98123 45678", suspect_upi="pooja.4738@okicici")
    assert 'data-testid="unread"' not in client.get("/report/done/").content.decode()


def test_phone_fields_open_the_phone_keypad(agencies: Any) -> None:
    form = Client().get("/report/", {"what": "call", "country": "IN"}).content.decode()
    for name in ("suspect_phone", "phone"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', form)
        assert field is not None and 'inputmode="tel"' in field.group(0)
