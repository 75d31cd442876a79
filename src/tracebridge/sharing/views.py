"""Sharing pages: agreements, supervisor approvals, exports (thin: parse, call, render)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.permissions import require_role
from tracebridge.agencies.services import ServiceError
from tracebridge.sharing import approvals as approvals_service
from tracebridge.sharing.exports import export_bundle_for, publish
from tracebridge.sharing.models import Agreement
from tracebridge.sharing.services import agreements_of, approve_agreement, pending_approvals


@login_required
def agreements(request: SignedInRequest) -> HttpResponse:
    require_role(request, None)
    agency_id = request.user.member_agency_id
    rows = list(agreements_of(agency_id))
    given = [a for a in rows if a.owner_id == agency_id]
    received = [a for a in rows if a.partner_id == agency_id]
    audit.record("agreement.list", request=request, object_type="agreement")
    incoming = [(a, approvals_service.published_counts(a)) for a in received if a.is_active()]
    context = {"given": given, "received": received, "incoming": incoming}
    return render(request, "sharing/agreements.html", context)


@login_required
def approvals(request: SignedInRequest) -> HttpResponse:
    require_role(request, "supervisor")
    if request.method == "POST":
        return _decide(request)
    pending = pending_approvals(request.user)
    context = {
        "pending": [(a, approvals_service.preview(a)) for a in pending],
        "history": approvals_service.history(request.user),
    }
    return render(request, "sharing/approvals.html", context)


def _decide(request: SignedInRequest) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=request.POST.get("agreement"))
    declining = request.POST.get("decision") == "decline"
    try:
        if declining:
            approvals_service.decline(agreement, request.user, request.POST.get("reason", ""))
        else:
            approve_agreement(agreement, request.user)
    except ServiceError as exc:
        if agreement.owner_id != request.user.agency_id:
            raise PermissionDenied(str(exc)) from None
        messages.error(request, str(exc))
        return redirect("sharing-approvals")
    if declining:
        messages.success(request, _("Declined: nothing flows under this agreement."))
    else:
        publish(agreement)
        messages.success(request, _("Approved: AMBER records now flow under this agreement."))
    return redirect("sharing-approvals")


@login_required
def exports(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    user = request.user
    if request.method == "POST":
        agreement = get_object_or_404(
            Agreement,
            pk=request.POST.get("agreement"),
            owner_id=user.agency_id,
        )
        body = export_bundle_for(agreement, user=user)
        response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="stix-{agreement.owner.code}-{agreement.partner.code}.json"'
        )
        return response
    rejected = (
        AuditEvent.objects.filter(
            agency_id=user.member_agency_id,
            outcome="denied",
            action__in=["taxii.auth", "taxii.collection", "taxii.add", "sharing.import.rejected"],
        )
        .values("action")
        .annotate(n=Count("id"))
        .order_by("action")
    )
    given = Agreement.objects.select_related("partner").filter(
        owner_id=user.agency_id,
        revoked_at__isnull=True,
    )
    rows = [(a, approvals_service.published_counts(a)) for a in given]
    return render(request, "sharing/exports.html", {"given": rows, "rejected": rejected})
