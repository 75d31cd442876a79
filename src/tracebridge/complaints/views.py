"""Analyst pages: the complaint list with filters, and one complaint with its identifiers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tracebridge import panels
from tracebridge.agencies import audit
from tracebridge.agencies.permissions import get_visible_or_404, is_agency_user
from tracebridge.complaints.forms import COUNTRIES
from tracebridge.complaints.highlight import highlighted
from tracebridge.complaints.models import Complaint, PublicReport, ScamType
from tracebridge.complaints.redaction import reader
from tracebridge.complaints.selectors import FilterError, Filters, complaints_for


def _agency_user(request: HttpRequest) -> None:
    if not is_agency_user(request.user):
        audit.record("page.forbidden", request=request, outcome="denied", path=request.path)
        raise PermissionDenied(_("Only agency users can see complaints."))


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
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
    }
    return render(request, "complaints/list.html", context)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
    }
    return render(request, "complaints/detail.html", context)
