"""A formal request printed as a letter (PDF): its text read back with poppler's pdftotext."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.assistance.conftest import PRESERVATION
from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent, User
from tracebridge.assistance import services
from tracebridge.assistance.models import Request
from tracebridge.cases.services import create_case

Send = Callable[..., Request]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it, with the spaces it puts inside shaped Devanagari
    (a vowel sign drawn before its consonant) and between words removed, for matching."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return "".join(text.split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def letter(reference: str, out: Path, *extra: str) -> str:
    stdout = StringIO()
    call_command("request", "letter", reference, "--out", str(out), *extra, stdout=stdout)
    return stdout.getvalue()


def test_a_letter_to_an_indian_agency_is_bilingual(
    sent: Send, doj: User, doj_chief: User, tmp_path: Path
) -> None:
    request = sent("preservation")
    out = tmp_path / "req.pdf"
    said = letter(request.reference, out, "--by", doj.username)
    assert said.startswith(f"wrote {out}: ")
    text = pdf_text(out.read_bytes(), tmp_path)
    for wanted in (
        request.reference,
        "Kind:preservation",
        "Requestingauthority/अनुरोधकर्ताप्राधिकारी",
        "Signature/हस्ताक्षर",
        "संग्रहीतकंप्यूटरडेटा",
        "MutualLegalAssistanceinCriminalMatters",
        "Article29(2)",
        squeeze(PRESERVATION["summary_of_facts"]),
        squeeze(PRESERVATION["custodian"]),
        "requestformutuallegalassistancewillfollow",
        "Preservationaskedfor60days",
        "IST",
        squeeze(doj_chief.signature_name),
    ):
        assert wanted in text, wanted
    assert "DRAFT" not in text
    event = AuditEvent.objects.get(action="request.letter")
    assert (event.object_id, event.username) == (request.reference, doj.username)
    assert event.detail["hindi"] is True


def test_a_draft_says_so_and_production_names_identifiers(made: Send, tmp_path: Path) -> None:
    request = made("production")
    out = tmp_path / "draft.pdf"
    letter(request.reference, out)
    text = pdf_text(out.read_bytes(), tmp_path)
    assert text.startswith("DRAFT") and "notyetapprovedbyasupervisor" in text
    assert "+913340001234:2026-01-01T00:00:00to2026-02-01T00:00:00,Asia/Kolkata" in text
    assert "Recordsaskedfor:subscriber,call_records" in text


def test_a_letter_to_a_us_agency_is_english_and_cites_2703f(
    cbi: User, make_user: Callable[..., User], tmp_path: Path
) -> None:
    chief = make_user("supervisor", "IN-CBI", "cbi.chief")
    case = create_case("IN-CBI", "Loan app extortion", by=cbi, lead=cbi)
    request = services.create(
        cbi.agency, "US-FBI", "preservation", case.reference, dict(PRESERVATION), cbi
    )
    services.act(request, "approve", chief)
    out = tmp_path / "us.pdf"
    letter(request.reference, out)
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "18U.S.C.§2703(f)" in text and "Preservationaskedfor90days" in text
    assert not any("\u0900" <= c <= "\u097f" for c in text)  # no Devanagari at all


def test_unknown_request_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no request 'REQ-NOPE'"):
        letter("REQ-NOPE", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_the_page_download_is_for_both_sides_only(
    sent: Send,
    doj: User,
    cbi: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    tmp_path: Path,
) -> None:
    request = sent("preservation")
    url = f"/requests/{request.reference}/letter/"
    for user in (doj, cbi):
        response: Any = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f'filename="{request.reference}-letter.pdf"' in response["Content-Disposition"]
        assert request.reference in pdf_text(response.content, tmp_path)
    assert url in client_for(doj).get(f"/requests/{request.reference}/").content.decode()
    outsider = make_user("analyst", "US-FBI", "fbi.outsider")
    assert client_for(outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="request.letter").count() == 2
    assert AuditEvent.objects.filter(
        action="request.read", username="fbi.outsider", outcome="denied"
    ).exists()


def test_the_api_gives_the_letter_to_both_sides_only(
    sent: Send,
    doj: User,
    cbi: User,
    make_user: Callable[..., User],
    api_for: Callable[..., Any],
    tmp_path: Path,
) -> None:
    request = sent("preservation")
    url = f"/requests/{request.reference}/letter"
    for user in (doj, cbi):
        response = api_for(user).get(url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert f'filename="{request.reference}-letter.pdf"' in response["Content-Disposition"]
        assert request.reference in pdf_text(response.content, tmp_path)
    letters = AuditEvent.objects.filter(action="request.letter").order_by("id")
    assert [(e.object_id, e.username) for e in letters] == [
        (request.reference, doj.username), (request.reference, cbi.username)
    ]  # fmt: skip
    outsider = make_user("analyst", "US-FBI", "fbi.outsider")
    assert_error(api_for(outsider).get(url), 404, "not_found")
    assert_error(api_for(None).get(url), 401, "unauthenticated")
    assert letters.count() == 2
    assert AuditEvent.objects.filter(
        action="api.request.read", username="fbi.outsider", outcome="denied"
    ).exists()
