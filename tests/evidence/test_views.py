"""Evidence pages: panel, upload, item, download, custody, package; every view audited."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.evidence.conftest import WAV
from tracebridge.agencies.models import AuditEvent, User
from tracebridge.cases.models import Case
from tracebridge.evidence import keys
from tracebridge.evidence.models import EvidenceItem
from tracebridge.evidence.verifier import verify_package


def test_case_page_shows_the_evidence_panel(
    items: list[EvidenceItem], case: Case, analyst: User, client_for: Callable[..., Any]
) -> None:
    page = client_for(analyst).get(f"/cases/{case.reference}/").content.decode()
    assert 'data-testid="evidence-panel"' in page and items[0].reference in page
    assert 'id="upload-form"' in page and 'id="package-form"' in page


def test_viewer_sees_the_panel_without_forms(
    items: list[EvidenceItem], case: Case, viewer: User, client_for: Callable[..., Any]
) -> None:
    page = client_for(viewer).get(f"/cases/{case.reference}/").content.decode()
    assert items[0].reference in page and 'id="upload-form"' not in page


def test_upload_form_and_json(case: Case, analyst: User, client_for: Callable[..., Any]) -> None:
    client = client_for(analyst)
    response = client.post(
        f"/evidence/case/{case.reference}/upload/",
        {
            "file": SimpleUploadedFile("shot<1>.png", b"\x89PNG-data"),
            "device": "iPhone 13",
            "place": "Noida",
        },
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert (item.filename, item.device, item.place, item.size) == (
        "shot<1>.png",
        "iPhone 13",
        "Noida",
        9,
    )
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "shot&lt;1&gt;.png" in page and "shot<1>.png" not in page
    response = client.post(
        f"/evidence/case/{case.reference}/upload/",
        {"file": SimpleUploadedFile("b.txt", b"bee")},
        headers={"Accept": "application/json"},
    )
    body = response.json()
    assert body["reference"].endswith("-E002") and body["size"] == 3
    bad = client.post(
        f"/evidence/case/{case.reference}/upload/", {}, headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400 and "file" in bad.json()["errors"]


def test_other_agency_and_viewer_cannot_upload(
    case: Case, cbi_analyst: User, viewer: User, client_for: Callable[..., Any]
) -> None:
    upload = {"file": SimpleUploadedFile("a.txt", b"a")}
    assert (
        client_for(cbi_analyst).post(f"/evidence/case/{case.reference}/upload/", upload).status_code
        == 404
    )
    upload = {"file": SimpleUploadedFile("a.txt", b"a")}
    assert (
        client_for(viewer).post(f"/evidence/case/{case.reference}/upload/", upload).status_code
        == 403
    )
    assert not EvidenceItem.objects.exists()
    assert AuditEvent.objects.filter(action="case.read", outcome="denied").exists()


def test_item_page_download_and_custody(
    items: list[EvidenceItem],
    case: Case,
    analyst: User,
    cbi_analyst: User,
    client_for: Callable[..., Any],
) -> None:
    client = client_for(analyst)
    item = items[0]
    page = client.get(f"/evidence/item/{item.reference}/").content.decode()
    assert item.sha256 in page and "Collected" in page
    assert AuditEvent.objects.filter(action="evidence.read", object_id=item.reference).exists()
    response = client.get(f"/evidence/item/{item.reference}/download/")
    assert b"".join(response.streaming_content) == WAV
    assert response["Content-Disposition"] == 'attachment; filename="call recording.wav"'
    assert [e.action for e in item.custody.all()] == ["collected", "viewed"]
    timeline = client.get(f"/evidence/case/{case.reference}/custody/").content.decode()
    assert timeline.count("<time datetime=") == 3 and "Viewed" in timeline
    assert (
        client_for(cbi_analyst).get(f"/evidence/item/{item.reference}/download/").status_code == 404
    )
    assert item.custody.count() == 2


def test_package_download_verifies(
    items: list[EvidenceItem],
    case: Case,
    supervisor: User,
    client_for: Callable[..., Any],
    tmp_path: Path,
) -> None:
    response = client_for(supervisor).post(
        f"/evidence/case/{case.reference}/package/", {"place": "Washington"}
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="{case.reference}-evidence.zip"'
    )
    pkg = tmp_path / "dl.zip"
    pkg.write_bytes(b"".join(response.streaming_content))
    assert verify_package(pkg, keys.verifier_key("node")).ok
    with zipfile.ZipFile(io.BytesIO(pkg.read_bytes())) as zf:
        assert "Place: Washington" in zf.read("certificates/bsa-section-63.txt").decode()
        readme = zf.read("README.txt").decode()
    # The README tells the expert to verify the file they received, not the node's temporary file.
    assert f"verifier {case.reference}-evidence.zip --trusted-key" in readme
    assert AuditEvent.objects.filter(action="evidence.package", object_id=case.reference).exists()
    assert not list((Path(tmp_path / "home" / "tmp")).glob("*.zip"))
