"""Screenshots and statements attached to a public report (issue 23, point 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.complaints.test_views import report_post
from tracebridge.agencies.models import AuditEvent
from tracebridge.complaints import attachments
from tracebridge.complaints.models import Attachment, Complaint
from tracebridge.evidence.services import blob_store

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + bytes(20)
HTML = b"<html><script>alert(1)</script></html>"


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def send(client: Client, *files: SimpleUploadedFile, **changes: Any) -> Any:
    return client.post("/report/", {**report_post(**changes), "evidence": list(files)})


def blobs(home: Path) -> list[Path]:
    return (
        [p for p in (home / "blobs").rglob("*") if p.is_file()] if (home / "blobs").exists() else []
    )


def test_sniff_reads_the_first_bytes() -> None:
    found = [attachments.sniff(b) for b in (PNG, PDF, JPEG, WEBP, HTML, b"")]
    assert found == ["image/png", "application/pdf", "image/jpeg", "image/webp", "", ""]


def test_screenshots_and_a_statement_are_kept_in_the_blob_store(agencies: Any, _home: Path) -> None:
    files = [upload("upi screen.PNG", PNG), upload("statement.pdf", PDF, "application/pdf")]
    files.append(upload("chat.jpeg", JPEG, "image/jpeg"))
    assert send(Client(), *files).status_code == 302
    kept = list(Complaint.objects.get().attachments.values_list("filename", "media_type", "size"))
    assert kept == [
        ("upi screen.PNG", "image/png", len(PNG)),
        ("statement.pdf", "application/pdf", len(PDF)),
        ("chat.jpeg", "image/jpeg", len(JPEG)),
    ]
    first = Attachment.objects.first()
    assert first is not None
    with blob_store().open(first.sha256) as stream:
        assert stream.read() == PNG
    assert len(blobs(_home)) == 3


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("photo.png", PDF, "image/png")], "photo.png does not hold what its name says: its content is PDF."),
        ([upload("photo.png", HTML, "image/png")], "photo.png is not a PNG, JPEG or WebP picture or a PDF."),
        ([upload("notes.txt", PNG, "text/plain")], "notes.txt does not hold what its name says: its content is PNG."),
        ([upload("empty.png", b"")], "The submitted file is empty."),
        ([upload(f"s{i}.png", PNG) for i in range(6)], "Attach at most 5 files."),
    ],
)  # fmt: skip
def test_bad_files_are_refused_on_the_field_and_nothing_is_kept(
    agencies: Any, _home: Path, files: list[SimpleUploadedFile], message: str
) -> None:
    page = send(Client(), upload("good.png", PNG), *files)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html[html.index('id="id_evidence"') :]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert blobs(_home) == []


def test_a_file_over_10_mb_is_refused(agencies: Any, _home: Path) -> None:
    big = upload("scan.png", PNG + bytes(attachments.MAX_BYTES))
    page = send(Client(), big)
    assert page.status_code == 400 and "scan.png is larger than 10 MB." in page.content.decode()
    assert not Complaint.objects.exists() and blobs(_home) == []


def test_a_failing_store_files_no_report(agencies: Any, monkeypatch: Any) -> None:
    class Broken:
        def put(self, source: Any) -> Any:
            raise OSError("disk full")

    monkeypatch.setattr(attachments, "_store", [Broken])
    with pytest.raises(OSError, match="disk full"):
        send(Client(), upload("a.png", PNG))
    assert not Complaint.objects.exists()


def test_refusals_are_in_hindi(agencies: Any) -> None:
    client = Client(headers={"accept-language": "hi"})
    page = send(client, upload("photo.png", HTML)).content.decode()
    assert "photo.png न तो PNG, JPEG या WEBP तस्वीर है, न PDF।" in page


def _filed(agencies: Any) -> tuple[Complaint, Attachment]:
    assert send(Client(), upload("statement.pdf", PDF, "application/pdf")).status_code == 302
    complaint = Complaint.objects.get()
    return complaint, complaint.attachments.get()


def test_the_owning_agency_downloads_as_an_attachment_audited(
    agencies: Any, make_user: Any, client_for: Any
) -> None:
    complaint, attachment = _filed(agencies)
    client = client_for(make_user("analyst", "IN-I4C"))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    url = f"/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    assert f'<a href="{url}" download>statement.pdf</a>' in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.get(action="complaint.attachment_download")
    assert (event.outcome, event.detail["sha256"]) == ("ok", attachment.sha256)


def test_others_cannot_download(agencies: Any, make_user: Any, client_for: Any) -> None:
    complaint, attachment = _filed(agencies)
    url = f"/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    viewer = client_for(make_user("viewer", "IN-I4C"))
    assert viewer.get(url).status_code == 403
    fbi = client_for(make_user("analyst", "US-FBI"))
    assert fbi.get(url).status_code == 404  # AMBER: FBI cannot see the complaint at all
    Complaint.objects.filter(pk=complaint.pk).update(tlp="CLEAR")
    page = fbi.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "File 1" in page and "statement.pdf" not in page and url not in page
    assert fbi.get(url).status_code == 404  # visible, but the file is the owner's alone
    wrong = client_for(make_user("analyst", "IN-I4C")).get(f"{url[:-2]}9/")
    assert wrong.status_code == 404
    denied = AuditEvent.objects.filter(action="complaint.attachment_download", outcome="denied")
    assert denied.count() == 2
    assert Client().get(url).status_code == 302  # to the sign-in page
