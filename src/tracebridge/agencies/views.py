"""Sign-in, the agency home page and the audit log browser."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tracebridge import csvsafe
from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.permissions import require_role
from tracebridge.agencies.selectors import FilterError, audit_events


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """django-axes calls this with (request, the view's response, credentials)."""
    username = (credentials or {}).get("username", "")
    audit.record("auth.locked_out", request=request, outcome="denied", username=username)
    if original_response is not None and getattr(original_response, "answers_lockout", False):
        return original_response  # an API answered in its own shape (TAXII)
    message = _(
        "Too many failed sign-in attempts. This account is locked for 15 minutes; "
        "ask your agency admin if you need access sooner."
    )
    return render(request, "agencies/locked.html", {"message": message}, status=403)


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    return render(request, "agencies/home.html", {"agency": request.user.agency})


AUDIT_FILTERS = ("action", "username", "object_type", "outcome", "since", "until")


def _audit_filtered(request: SignedInRequest) -> tuple[dict[str, str], str, QuerySet[AuditEvent]]:
    filters = {k: request.GET.get(k, "").strip() for k in AUDIT_FILTERS}
    try:
        return filters, "", audit_events(request.user, **filters)
    except FilterError as exc:
        return filters, exc.message, audit_events(request.user)


@login_required
def audit_csv(request: SignedInRequest) -> HttpResponse:
    """The filtered audit log as CSV; the export is itself audited."""
    require_role(request, "agency_admin")
    filters, error, events = _audit_filtered(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    audit.record("audit.export", request=request, object_type="auditevent",
                 filters={k: v for k, v in filters.items() if v}, rows=events.count())  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    out = csvsafe.writer(response)
    out.writerow(["at", "username", "agency", "action", "object_type", "object_id",
                  "client_address", "outcome", "detail"])  # fmt: skip
    for e in events.iterator():
        row = event_row(e)
        out.writerow([row[k] for k in ("at", "username", "agency", "action", "object_type",
                      "object_id", "client_address", "outcome")] + [json.dumps(row["detail"])])  # fmt: skip
    return response


@login_required
def audit_log(request: SignedInRequest) -> HttpResponse:
    require_role(request, "agency_admin")
    filters, error, events = _audit_filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record(
        "audit.read",
        request=request,
        object_type="auditevent",
        filters={k: v for k, v in filters.items() if v},
    )
    return render(
        request,
        "agencies/audit.html",
        {
            "page": page,
            "filters": filters,
            "filter_error": error,
            "outcomes": ["ok", "denied", "failed"],
            "export_query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at.isoformat(),
        "username": event.username,
        "agency": event.agency.code if event.agency else None,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_address": event.client_address,
        "outcome": event.outcome,
        "detail": event.detail,
    }
