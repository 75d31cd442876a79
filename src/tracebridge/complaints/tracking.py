"""What a reporter follows after filing: the acknowledgement e-mail and the status stages.

Agencies set the stage (the owning agency's analysts, audited); the reporter reads it on the
look-up page. The e-mail carries the report number and how to look it up, never the secret:
mailboxes are read by more people and programs than the reporter.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import acts_for
from tracebridge.complaints.models import PublicReport, ReportStatus
from tracebridge.errors import Forbidden, Invalid

log = logging.getLogger(__name__)
STAGES = list(ReportStatus)


class StatusError(Forbidden):
    """This user may not set this report's stage."""


def stages_of(report: PublicReport) -> list[dict[str, object]]:
    """Every stage in order, each marked done, current or to come, for the look-up page."""
    current = STAGES.index(ReportStatus(report.status))
    return [
        {"label": stage.label, "value": stage.value, "done": i < current, "current": i == current}
        for i, stage in enumerate(STAGES)
    ]


def set_status(report: PublicReport, status: str, user: User) -> PublicReport:
    """Move a report to ``status``; only analysts of the owning agency may (audited)."""
    if status not in ReportStatus.values:
        stages = ", ".join(ReportStatus.values)
        raise Invalid(f"unknown stage {status!r}; one of {stages}", field="status")
    if not acts_for(user, report.complaint.agency_id, "analyst"):
        audit.record("complaint.status", user=user, obj=report.complaint, outcome="denied")
        raise StatusError("only analysts of the agency that owns the report set its stage")
    before = report.status
    report.status, report.status_at = status, timezone.now()
    report.save(update_fields=["status", "status_at"])
    audit.record("complaint.status", user=user, obj=report.complaint, before=before, after=status)
    return report


def acknowledge(report: PublicReport, address: str, cell: str = "", district: str = "") -> bool:
    """E-mail the acknowledgement in the reporter's language; False when it could not be sent
    (the report is filed either way, and the page shows the number)."""
    with translation.override(report.language or "en"):
        context = {"number": report.number, "cell": cell, "district": district}
        subject = _("Your scam report %(number)s is received") % {"number": report.number}
        body = render_to_string("complaints/report_ack_email.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except OSError:
        log.warning("acknowledgement e-mail for %s could not be sent", report.number)
        return False
    return True
