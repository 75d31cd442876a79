"""The witnessing page (agency admins): partners' logs this node witnesses, split views caught
(both signed checkpoints shown as kept), and the partners that witness this node's ledger."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.permissions import require_role
from tracebridge.witness import reading


@login_required
def overview(request: SignedInRequest) -> HttpResponse:
    require_role(request, "agency_admin")
    audit.record("witness.read", request=request, object_type="witness")
    context = {
        "logs": reading.logs(),
        "alerts": reading.split_views(),
        "peers": reading.peers(),
    }
    return render(request, "witness/overview.html", context)
