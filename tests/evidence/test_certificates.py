"""Certificates name the signer, keep the collector's zone, and print every script (issue 20.11)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tracebridge.agencies.models import User
from tracebridge.agencies.services import ServiceError, create_user
from tracebridge.cases.models import Case
from tracebridge.evidence import certificates, zones
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.package_writer import safe_filename
from tracebridge.evidence.services import add_evidence, item_record

NEWARK_MORNING = dt.datetime(2026, 12, 1, 10, 30, tzinfo=zones.parse_zone("America/New_York"))


def _newark_item(case: Case, by: User, name: str = "call.wav") -> Any:
    return add_evidence(
        case,
        io.BytesIO(b"RIFF" + bytes(64)),
        name,
        by=by,
        collected_by="SA J. Doe",
        collected_at=NEWARK_MORNING,
        collected_zone="America/New_York",
        place="Newark, NJ",
    )


def _package_text(case: Case, out: Path, by: User) -> dict[str, Any]:
    make_package(case, out, by=by, place="Newark, NJ")
    with zipfile.ZipFile(out) as zf:
        return {
            "bsa": zf.read("certificates/bsa-section-63.txt").decode(),
            "fre": zf.read("certificates/fre-902-14.txt").decode(),
            "pdf": zf.read("certificates/bsa-section-63.pdf"),
            "manifest": json.loads(zf.read("manifest.json")),
        }


def test_the_collectors_zone_is_kept_in_the_record_and_the_certificates(
    case: Case, analyst: User, tmp_path: Path
) -> None:
    item = _newark_item(case, analyst)
    record = item_record(item)
    assert record["collected_at"] == "2026-12-01T10:30:00-05:00"
    assert record["collected_zone"] == "America/New_York"
    texts = _package_text(case, tmp_path / "p.zip", analyst)
    when = "2026-12-01 10:30 EST (UTC-05:00, America/New_York; 15:30 UTC)"
    assert f"Collected by SA J. Doe at {when}" in texts["bsa"]
    assert when in texts["fre"]
    assert "10:30:00Z" not in texts["bsa"]


def test_an_unknown_zone_is_refused_naming_the_field(case: Case, analyst: User) -> None:
    with pytest.raises(ServiceError, match="collected_zone: unknown time zone 'Mars/Olympus'"):
        add_evidence(case, io.BytesIO(b"x"), "x.bin", by=analyst, collected_zone="Mars/Olympus")
    assert case.evidence.count() == 0


def test_certificates_name_the_person_and_title_not_the_username(
    case: Case, analyst: User, tmp_path: Path
) -> None:
    signer, _ = create_user(
        "fbi.ssa", "US-FBI", "supervisor", name="Erin McAllister", title="Special Agent"
    )
    _newark_item(case, analyst)
    texts = _package_text(case, tmp_path / "p.zip", signer)
    assert "I, Erin McAllister (Special Agent, Federal Bureau of Investigation" in texts["bsa"]
    assert "I, Erin McAllister, am employed by" in texts["fre"]
    assert "as Special Agent" in texts["fre"]
    assert "fbi.ssa" not in texts["bsa"] + texts["fre"]


def test_hindi_names_print_and_keep_their_name_in_the_package(
    case: Case, analyst: User, tmp_path: Path
) -> None:
    _newark_item(case, analyst, name="स्क्रीनशॉट भुगतान.png")
    texts = _package_text(case, tmp_path / "p.zip", analyst)
    path = texts["manifest"]["items"][0]["path"]
    assert path == "files/0001-स्क्रीनशॉट_भुगतान.png"
    assert "स्क्रीनशॉट भुगतान.png" in texts["bsa"]
    # The PDF embeds a Devanagari font and a Unicode monospace one (not Latin-1 Courier,
    # which printed Hindi as "??????" and the en dash as "?").
    assert b"NotoSansDevanagari" in texts["pdf"]
    assert b"DejaVuSansMono" in texts["pdf"]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("call recording.wav", "files/0004-call_recording.wav"),
        ("भुगतान.png", "files/0004-भुगतान.png"),
        ("../../etc/passwd", "files/0004-passwd"),
        ("C:\\Users\\agent\\cdr.csv", "files/0004-cdr.csv"),
        ("x\x00y.txt", "files/0004-x_y.txt"),
        ("...", "files/0004-file"),
    ],
)
def test_safe_filename_keeps_real_names(name: str, path: str) -> None:
    assert safe_filename(name, 4) == path


def test_without_unicode_fonts_the_pdf_still_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(certificates, "FONT_DIRS", ())
    pdf = certificates.to_pdf("I, विक्रम – Inspector", "t")
    assert pdf.startswith(b"%PDF") and b"Courier" in pdf


def test_the_timeline_shows_collection_entry_and_what_an_export_covered(
    case: Case,
    analyst: User,
    client_for: Callable[..., Any],
    tmp_path: Path,
) -> None:
    item = _newark_item(case, analyst)
    make_package(case, tmp_path / "p.zip", by=analyst)
    page = client_for(analyst).get(f"/evidence/case/{case.reference}/custody/").content.decode()
    assert "collected 2026-12-01 10:30 EST (UTC-05:00, America/New_York; 15:30 UTC)" in page
    assert "by SA J. Doe" in page
    assert f"entered by {analyst.username}" in page
    assert f"covering 1 item: {item.reference}" in page


def test_the_upload_form_reads_the_time_in_the_chosen_zone(
    case: Case, analyst: User, client_for: Callable[..., Any]
) -> None:
    upload = io.BytesIO(b"PK\x03\x04 statement")
    upload.name = "statement.pdf"
    response = client_for(analyst).post(
        f"/evidence/case/{case.reference}/upload/",
        {
            "file": upload,
            "collected_at": "2026-12-01T10:30",
            "collected_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    item = case.evidence.get()
    assert item.collected_at == dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)
    assert item_record(item)["collected_at"] == "2026-12-01T10:30:00-05:00"
