"""Money pages: trails (trace and import), hold requests, the mule registry; and the trail panel
on complaint and case pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge import csvsafe
from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.permissions import can_view, require_role
from tracebridge.agencies.services import ServiceError
from tracebridge.money import holds, registry, services
from tracebridge.money.models import HoldRequest, HoldStatus, MuleEntry
from tracebridge.money.trace import Trail
from tracebridge.money.tree import layout


def trail_context(trail: Trail, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "trail": trail,
        "data": services.trail_dict(trail),
        "tree": layout(trail),
    }


@login_required
def trails(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"q": query, "batches": services.batches_for(request.user)[:10]}
    if query:
        context.update(_trace_query(request, query))
    return render(request, "money/trails.html", context)


def _trace_query(request: SignedInRequest, query: str) -> dict[str, Any]:
    try:
        complaint = services.find_complaint(request.user, query)
    except ServiceError:
        complaint = None
    try:
        if complaint is not None:
            result = services.trace_complaint(complaint)
            audit.record("money.trace", request=request, obj=complaint)
            context = trail_context(result.trail, str(complaint.reference))
            return {**context, "complaint": complaint, "matched_by": result.matched_by}
        trail = services.trace_txn(query)
    except ServiceError as exc:
        return {"error": str(exc)}
    audit.record("money.trace", request=request, object_type="transaction", object_id=query)
    return trail_context(trail, query)


@login_required
@require_POST
def upload(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    upload_file = request.FILES.get("file")
    if upload_file is None or (upload_file.size or 0) > services.MAX_UPLOAD:
        messages.error(request, _("Choose a .csv or .parquet trail file (at most 512 MB)."))
        return redirect("money-trails")
    try:
        _batch, report = services.import_upload(
            upload_file.chunks(), upload_file.name or "", request.user.member_agency, request.user
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("money-trails")
    messages.success(
        request,
        _("%(stored)s of %(rows)s transactions stored; %(rejected)s rejected, %(dup)s duplicates.")
        % {"stored": report.stored, "rows": report.rows, "rejected": report.rejected_total,
           "dup": report.duplicates},
    )  # fmt: skip
    return redirect("money-trails")


@login_required
def hold_list(request: SignedInRequest) -> HttpResponse:
    require_role(request, None)
    status = request.GET.get("status", "")
    queryset = holds.holds_for(request.user)
    if status:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    audit.record("money.holds.read", request=request, object_type="holdrequest")
    return render(
        request,
        "money/holds.html",
        {"page": page, "status": status, "statuses": HoldStatus.choices},
    )


@login_required
@require_POST
def hold_create(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    try:
        complaint = services.find_complaint(request.user, request.POST.get("complaint", ""))
        created = holds.create_holds(complaint, request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("money-trails")
    messages.success(request, _("%(n)s hold requests for %(ref)s.") % {
        "n": len(created), "ref": complaint.reference})  # fmt: skip
    return redirect("money-holds")


def _hold_or_404(request: SignedInRequest, reference: str) -> HoldRequest:
    hold = holds.holds_for(request.user).filter(reference=reference).first()
    if hold is None:
        audit.record("holdrequest.read", request=request, object_type="holdrequest",
                     object_id=reference, outcome="denied")  # fmt: skip
        raise Http404
    audit.record("holdrequest.read", request=request, obj=hold)
    return hold


@login_required
def hold_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, None)
    hold = _hold_or_404(request, reference)
    if request.method == "POST":
        try:
            holds.answer(
                hold,
                request.user,
                request.POST.get("status", ""),
                _decimal(request.POST.get("amount_held", "")),
                request.POST.get("note", ""),
            )
            messages.success(request, _("Answer recorded."))
        except ServiceError as exc:
            messages.error(request, str(exc))
        return redirect("money-hold", reference=reference)
    answerable = request.user.agency_id == hold.bank_agency_id
    return render(
        request,
        "money/hold.html",
        {"hold": hold, "answerable": answerable, "statuses": HoldStatus.choices},
    )


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip()) if text.strip() else None
    except InvalidOperation:
        return None


def _registry_entries(request: SignedInRequest) -> tuple[str, bool, QuerySet[MuleEntry]]:
    """The search text, the "at my bank" filter and the entries they select for the user."""
    query = request.GET.get("q", "").strip()
    mine = request.GET.get("mine") == "1" and holds.is_bank(request.user.agency)
    if query:
        keys = [e.pk for e in registry.lookup(request.user, query)]
        entries = registry.entries_for(request.user).filter(pk__in=keys)
    else:
        entries = registry.entries_for(request.user)
    if mine:
        entries = registry.at_bank(entries, request.user.member_agency)
    return query, mine, entries.select_related("agency").order_by("-score", "account")


@login_required
def registry_page(request: SignedInRequest) -> HttpResponse:
    require_role(request, None)
    query, mine, entries = _registry_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    if query:  # the paginator's count, not a second COUNT query
        audit.record("money.registry.lookup", request=request, query=query[:100],
                     found=page.paginator.count, mine=mine)  # fmt: skip
    else:
        audit.record("money.registry.read", request=request, object_type="muleentry", mine=mine)
    context = {
        "q": query,
        "mine": mine,
        "page": page,
        "is_bank": holds.is_bank(request.user.agency),
        "export_query": urlencode({"q": query, "mine": "1" if mine else ""}),
    }
    return render(request, "money/registry.html", context)


@login_required
def registry_csv(request: SignedInRequest) -> HttpResponse:
    """The registry (or what the search and filter select) as CSV, for a bank's screening."""
    require_role(request, None)
    query, mine, entries = _registry_entries(request)
    audit.record("money.registry.export", request=request, object_type="muleentry",
                 query=query[:100], mine=mine, rows=entries.count())  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mule-registry.csv"'
    csvsafe.writer(response).writerows(registry.export_rows(entries))
    return response


@login_required
@require_POST
def registry_scan(request: SignedInRequest) -> HttpResponse:
    require_role(request, "supervisor")
    summary = registry.scan(request.user.member_agency, request.user)
    messages.success(request, _("Mule scan: %(n)s accounts, %(new)s new.") % {
        "n": summary.found, "new": summary.created})  # fmt: skip
    return redirect("money-registry")


def complaint_panel(request: SignedInRequest, complaint: Any) -> str | None:
    """The money trail on a complaint's page (the page has already checked who asks)."""
    if not can_view(request.user, complaint):
        return None
    result = services.trace_complaint(complaint)
    audit.record("money.trace", request=request, obj=complaint)
    context = trail_context(result.trail, str(complaint.reference))
    context.update({"complaint": complaint, "matched_by": result.matched_by, "panel": True})
    return render_to_string("money/_trail.html", context, request=request)


def case_panel(request: SignedInRequest, case: Any) -> str | None:
    complaints = [c for c in case.complaints.all()[:20] if can_view(request.user, c)][:5]
    parts = [complaint_panel(request, c) for c in complaints]
    return "".join(p for p in parts if p) or None
