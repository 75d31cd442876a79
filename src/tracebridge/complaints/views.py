"""Analyst pages: the complaint list with filters, and one complaint with its identifiers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge import panels
from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import Agency
from tracebridge.agencies.permissions import get_visible_or_404, require_role
from tracebridge.complaints import attachments, tracking
from tracebridge.complaints.forms import COUNTRIES
from tracebridge.complaints.highlight import highlighted
from tracebridge.complaints.models import (
    Attachment,
    Complaint,
    PublicReport,
    ReportStatus,
    ScamType,
)
from tracebridge.complaints.redaction import reader
from tracebridge.complaints.selectors import FilterError, Filters, complaints_for
from tracebridge.errors import TracebridgeError


def _agency_user(request: SignedInRequest) -> None:
    require_role(request, None, _("Only agency users can see complaints."))


@login_required
def complaint_list(request: SignedInRequest) -> HttpResponse:
    _agency_user(request)
    filters = Filters.from_mapping(request.GET)
    error = ""
    try:
        complaints = complaints_for(request.user, filters)
    except FilterError as exc:
        error = exc.message
        complaints = complaints_for(request.user, Filters())
    page = Paginator(complaints, 50).get_page(request.GET.get("page"))
    audit.record(
        "complaint.list", request=request, object_type="complaint", filters=filters.active()
    )
    context = {
        "page": page,
        "filters": filters,
        "filter_error": error,
        "scam_types": ScamType.choices,
        "countries": COUNTRIES,
        "agencies": Agency.objects.order_by("code").values_list("code", flat=True),
    }
    return render(request, "complaints/list.html", context)


@login_required
def complaint_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    _agency_user(request)
    complaint = get_visible_or_404(request, Complaint.objects.select_related("agency"), pk=pk)
    read = reader(request.user)
    seen = read.victim_view(complaint)
    context = {
        "complaint": complaint,
        "narrative": highlighted(seen["narrative"], complaint.country),
        "sightings": complaint.sightings.order_by("field", "key"),
        "victim": seen["victim"],
        "own": read.fields(complaint) is None,
        "panels": panels.render("complaint", request, complaint),
        "public_report": PublicReport.objects.filter(complaint=complaint).first(),
        "stages": ReportStatus.choices,
        "attachments": list(complaint.attachments.all()),
    }
    return render(request, "complaints/detail.html", context)


@login_required
@require_POST
def report_status(request: SignedInRequest, pk: int) -> HttpResponse:
    """Set the stage a public report's reporter sees (owning agency's analysts; audited)."""
    _agency_user(request)
    complaint = get_visible_or_404(request, Complaint.objects.select_related("agency"), pk=pk)
    report = PublicReport.objects.filter(complaint=complaint).first()
    if report is None:
        raise PermissionDenied(_("This complaint was not reported through the public form."))
    try:
        tracking.set_status(report, request.POST.get("status", ""), request.user)
    except TracebridgeError as exc:  # a refused user or an unknown stage: the page's 403
        raise PermissionDenied(str(exc)) from None
    return redirect("complaint-detail", pk=pk)


@login_required
def attachment_download(request: SignedInRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A file the victim attached, as a download only (never shown inline), audited.

    The complaint must be visible to the user (else 404, audited), and the file is the owning
    agency's alone: a screenshot or statement holds victim data that cannot be redacted, so
    another agency that sees the complaint gets 404 too (audited as denied)."""
    require_role(request, "analyst")
    complaint = get_visible_or_404(request, Complaint.objects.select_related("agency"), pk=pk)
    found = Attachment.objects.filter(complaint=complaint, pk=attachment_id).first()
    if found is None or complaint.agency_id != getattr(request.user, "agency_id", None):
        audit.record(
            "complaint.attachment_download", request=request, obj=complaint, outcome="denied",
            attachment=attachment_id,
        )  # fmt: skip
        raise Http404("No attachment matches the given query.")
    audit.record(
        "complaint.attachment_download", request=request, obj=complaint,
        attachment=found.pk, sha256=found.sha256,
    )  # fmt: skip
    response = FileResponse(
        attachments.store().open(found.sha256),
        as_attachment=True,
        filename=found.filename,
        content_type=found.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
