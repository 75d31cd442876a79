"""The public "Report a scam" flow: file a report, look it up with its secret, add to it.

Reports become canonical complaints (source PORTAL, ref = the report number) through
``services.ingest``, so they get sightings and reach campaign linking like any import.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracebridge.agencies.models import Agency
from tracebridge.complaints import attachments
from tracebridge.complaints.models import Attachment, Complaint, PublicReport, ReportAddition
from tracebridge.complaints.schema import MAX_NARRATIVE, CanonicalComplaint
from tracebridge.complaints.services import ingest, to_canonical

SOURCE = "PORTAL"
# Who owns a public report, by the victim's country (DESIGN.md: the FTC and I4C take reports).
OWNERS = {"US": "US-FTC", "IN": "IN-I4C"}
REPORTS_PER_HOUR = 5  # per address: enough for a family, too few for a spam run
ADDITIONS_PER_REPORT = 20
MAX_ADDITION = 5000
# Each addition is appended to the narrative after this stamp (agencies read one text).
ADDED_STAMP = "%Y-%m-%d %H:%M UTC"
ADDED = re.compile(r"\n\n\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] ")


class ReportError(ValueError):
    """The report cannot be taken or found; the message is safe to show the reporter."""


@dataclass(frozen=True)
class Filed:
    number: str
    secret: str  # shown once, never stored
    complaint: Complaint


def address_digest(address: str | None) -> str:
    """A keyed hash of the reporter's address: rate limits without keeping the address."""
    if not address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"report-address:{address}".encode(), hashlib.sha256).hexdigest()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def owner_for(country: str) -> Agency:
    code = OWNERS.get(country)
    agency = Agency.objects.filter(code=code).first() if code else None
    agency = agency or Agency.objects.filter(country=country).order_by("code").first()
    agency = agency or Agency.objects.order_by("code").first()
    if agency is None:
        raise ReportError(_("This node does not take reports yet: no agency is set up."))
    return agency


def too_many(address: str) -> bool:
    if not address:
        return False
    since = timezone.now() - timedelta(hours=1)
    recent = PublicReport.objects.filter(address_digest=address, created_at__gte=since)
    return recent.count() >= REPORTS_PER_HOUR


def _next_number(country: str) -> str:
    year = timezone.now().year
    prefix = f"TB-{country}-{year}-"
    last = (
        PublicReport.objects.filter(number__startswith=prefix)
        .order_by("-id")  # the latest report has the highest number
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def store_files(files: Sequence[Any]) -> list[Attachment]:
    """Put each checked file in the blob store; the rows are saved with the report.

    All files are stored before the report is created, so a failing store leaves no report
    with some files missing (a blob stored before the failure is unreferenced content)."""
    problems = attachments.check_all(files)
    if problems:
        raise ReportError(problems[0])
    if not files:
        return []
    store = attachments.store()
    rows = []
    for file in files:
        media_type = attachments.sniff(attachments.read_head(file))
        blob = store.put(file)
        name = attachments.safe_name(file.name)
        rows.append(
            Attachment(filename=name, media_type=media_type, sha256=blob.sha256, size=blob.size)
        )
    return rows


def attach(complaint: Complaint, files: Sequence[Any]) -> list[Attachment]:
    """Store checked files and record them as ``complaint``'s attachments (the demo's way)."""
    rows = store_files(files)
    for row in rows:
        row.complaint = complaint
    return Attachment.objects.bulk_create(rows)


def file_report(
    data: dict[str, Any],
    *,
    address: str = "",
    anonymous: bool = False,
    language: str = "",
    files: Sequence[Any] = (),
) -> Filed:
    """File a report from canonical fields (without ref/source/received_at), with the files
    the reporter attached (uploaded files, checked again here)."""
    digest = address_digest(address)
    if too_many(digest):
        raise ReportError(_("Too many reports from this connection in the last hour."))
    country = str(data["country"]).upper()
    owner = owner_for(country)
    stored = store_files(files)
    secret = secrets.token_urlsafe(16)
    for _attempt in range(5):  # two reports at once may pick the same number
        number = _next_number(country)
        record = CanonicalComplaint.model_validate(
            {**data, "ref": number, "source": SOURCE, "received_at": timezone.now()}
        )
        try:
            with transaction.atomic():
                result = ingest([record], owner)
                complaint = Complaint.objects.get(pk=result.complaint_ids[0])
                PublicReport.objects.create(
                    complaint=complaint,
                    number=number,
                    secret_digest=_digest(secret),
                    address_digest=digest,
                    anonymous=anonymous,
                    language=language[:8],
                )
                for row in stored:
                    row.complaint = complaint
                Attachment.objects.bulk_create(stored)
            return Filed(number, secret, complaint)
        except IntegrityError:
            continue
    raise ReportError(_("The report could not be saved; please try again."))


def find_report(number: str, secret: str) -> PublicReport:
    """The report for a number and its secret; the same error for a wrong number or secret."""
    report = (
        PublicReport.objects.select_related("complaint")
        .filter(number=number.strip().upper())
        .first()
    )
    given = _digest(secret.strip())
    if report is None or not hmac.compare_digest(report.secret_digest, given):
        raise ReportError(_("No report matches that number and secret."))
    return report


def first_told(narrative: str) -> str:
    """The narrative as the reporter first wrote it, without the additions appended to it
    (their page lists those on their own, in the reader's zone)."""
    return ADDED.split(narrative, maxsplit=1)[0]


def add_to_report(report: PublicReport, text: str) -> ReportAddition:
    """Append the reporter's words to the complaint; new identifiers become sightings."""
    text = text.strip()
    if not text:
        raise ReportError(_("Write what you want to add."))
    if len(text) > MAX_ADDITION:
        raise ReportError(
            _("Please keep an addition under %(n)d characters.") % {"n": MAX_ADDITION}
        )
    if report.additions.count() >= ADDITIONS_PER_REPORT:
        raise ReportError(_("This report cannot take more additions; contact the helpline."))
    complaint = report.complaint
    record = to_canonical(complaint, with_victim=True)
    stamp = timezone.now().strftime(ADDED_STAMP)
    record["narrative"] = f"{complaint.narrative}\n\n[{stamp}] {text}".strip()
    if len(record["narrative"]) > MAX_NARRATIVE:
        raise ReportError(_("This report is as long as a report can be; contact the helpline."))
    with transaction.atomic():
        addition = ReportAddition.objects.create(report=report, text=text)
        ingest([record], complaint.agency)
    return addition
