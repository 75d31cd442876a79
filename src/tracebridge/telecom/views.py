"""Robocall campaigns and traceback requests for analysts (thin: services do the work)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.permissions import (
    get_visible_or_404,
    has_role,
    require_role,
    visible,
    withheld_by_owner,
)
from tracebridge.agencies.services import ServiceError
from tracebridge.telecom import services
from tracebridge.telecom.models import RobocallCampaign, TracebackRequest


@login_required
def robocalls(request: SignedInRequest) -> HttpResponse:
    require_role(request, "viewer")
    everything = RobocallCampaign.objects.select_related("agency")
    rows = visible(request.user, everything)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record("robocallcampaign.list", request=request, object_type="robocallcampaign")
    withheld = withheld_by_owner(request.user, everything)
    return render(request, "telecom/robocalls.html", {"page": page, "withheld": withheld})


@login_required
def robocall_detail(request: SignedInRequest, campaign_id: str) -> HttpResponse:
    require_role(request, "viewer")
    qs = RobocallCampaign.objects.select_related("agency")
    campaign = get_visible_or_404(request, qs, campaign_id=campaign_id)
    return render(
        request,
        "telecom/robocall_detail.html",
        {
            "c": campaign,
            "numbers": campaign.numbers.all()[:100],
            "can_trace": has_role(request.user, "analyst"),
        },
    )


@login_required
def traceback_list(request: SignedInRequest) -> HttpResponse:
    require_role(request, "viewer")
    everything = TracebackRequest.objects.select_related("campaign")
    rows = visible(request.user, everything)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record("tracebackrequest.list", request=request, object_type="tracebackrequest")
    context = {
        "page": page,
        "can_open": has_role(request.user, "analyst"),
        "withheld": withheld_by_owner(request.user, everything),
    }
    return render(request, "telecom/traceback_list.html", context)


@login_required
@require_POST
def traceback_open(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    call_id = request.POST.get("call_id", "").strip()
    try:
        created = services.open_traceback(request.user, call_id, request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("telecom-traceback")
    messages.success(request, _("Traceback %(ref)s opened.") % {"ref": created.reference})
    return redirect("telecom-traceback-detail", reference=created.reference)


@login_required
def traceback_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, "viewer")
    qs = services.with_path(TracebackRequest.objects.all())
    tb = get_visible_or_404(request, qs, reference=reference)
    # the page writes a hop's deadline like its other times ("2026-12-08 15:23 UTC")
    hops = [{**hop, "due": datetime.fromisoformat(hop["due_at"])} for hop in services.path_of(tb)]
    return render(request, "telecom/traceback_detail.html", {"tb": tb, "hops": hops})
