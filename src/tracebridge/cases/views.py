"""Case pages: list, open (by hand or from a campaign), and the case page with its work."""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from collections.abc import Callable
from functools import reduce
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge import panels
from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.permissions import get_visible_or_404, require_role, visible
from tracebridge.agencies.services import ServiceError
from tracebridge.campaigns.models import Campaign
from tracebridge.campaigns.selectors import visible_campaigns, visible_members
from tracebridge.cases import forms, services
from tracebridge.cases.models import Case, CaseStatus
from tracebridge.complaints.models import Complaint


@login_required
def case_list(request: SignedInRequest) -> HttpResponse:
    require_role(request, "viewer")
    status = request.GET.get("status", "")
    cases = visible(request.user, Case.objects.select_related("agency", "lead"))
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    audit.record("case.list", request=request, object_type="case", status=status)
    return render(
        request,
        "cases/list.html",
        {"page": page, "status": status, "statuses": CaseStatus.choices},
    )


@login_required
def case_new(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    agency_id = request.user.agency_id
    initial = {"campaign": request.GET.get("campaign", "")}
    campaign = _visible_campaign(request, initial["campaign"])
    if campaign is not None:
        initial["title"] = _("Campaign %(code)s") % {"code": campaign.code}
    form = forms.CaseForm(request.POST or None, agency_id=agency_id, initial=initial)
    covering = _cases_covering(request, campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = _visible_campaign(request, data["campaign"])
        if data["campaign"] and campaign is None:
            form.add_error(
                "campaign",
                _("No campaign %(code)s that you may see.") % {"code": data["campaign"]},
            )
        else:
            case = services.create_case(
                request.user.member_agency,
                data["title"],
                by=request.user,
                lead=data["lead"],
                description=data["description"],
                tlp=data["tlp"],
                campaigns=[campaign] if campaign else [],
                complaints=_campaign_complaints(request, campaign, data["take"] or "all"),
            )
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("case-detail", reference=case.reference)
    context = {"form": form, "campaign": campaign, "covering": covering}
    return render(request, "cases/new.html", context)


def _cases_covering(request: SignedInRequest, campaign: Campaign | None) -> list[Case]:
    """Cases the user may see that already cover ``campaign`` (to warn before a second)."""
    if campaign is None:
        return []
    return list(visible(request.user, Case.objects.filter(campaigns=campaign)).order_by("id"))


def _campaign_complaints(
    request: SignedInRequest, campaign: Campaign | None, take: str
) -> list[Complaint]:
    """The campaign's complaints the user may see: all, their agency's own, or none."""
    if campaign is None or take == "none":
        return []
    members = visible_members(request.user, campaign)
    if take == "own":
        members = members.filter(complaint__agency_id=request.user.member_agency_id)
    return [m.complaint for m in members]


def _visible_campaign(request: SignedInRequest, code: str) -> Campaign | None:
    code = code.strip()
    return visible_campaigns(request.user).filter(code=code.upper()).first() if code else None


@login_required
def case_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, "viewer")
    case: Case = get_visible_or_404(
        request, Case.objects.select_related("agency", "lead"), reference=reference
    )
    agency_id = case.agency_id
    own = case.agency_id == request.user.agency_id
    context: dict[str, Any] = {
        "case": case,
        "own": own,
        "notes": case.notes.select_related("author")[:100],
        "tasks": case.tasks.select_related("assignee"),
        "assignments": case.assignments.select_related("user"),
        "complaints": visible(request.user, case.complaints.all())[:200],
        "campaigns": case.campaigns.all(),
        "panels": panels.render("case", request, case),
    }
    if own:
        context |= {
            "note_form": forms.NoteForm(),
            "task_form": forms.TaskForm(agency_id=agency_id),
            "assign_form": forms.AssignForm(agency_id=agency_id),
            "status_form": forms.StatusForm(initial={"status": case.status}),
            "link_form": forms.LinkComplaintForm(),
        }
    return render(request, "cases/detail.html", context)


def _cleaned(form: Any) -> dict[str, Any]:
    """The form's data, or a ServiceError that names each bad field (shown as a message)."""
    if not form.is_valid():
        raise ServiceError(
            "; ".join(
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            )
        )
    return dict(form.cleaned_data)


def _note(request: SignedInRequest, case: Case) -> None:
    services.add_note(case, _cleaned(forms.NoteForm(request.POST))["text"], request.user)


def _task(request: SignedInRequest, case: Case) -> None:
    d = _cleaned(forms.TaskForm(request.POST, agency_id=case.agency_id))
    services.add_task(case, d["title"], d["due_date"], d["assignee"], request.user)


def _task_done(request: SignedInRequest, case: Case) -> None:
    task_id = request.POST.get("task", "")
    task = case.tasks.filter(pk=task_id).first() if task_id.isdigit() else None
    if task is None:
        raise ServiceError(_("No such task on this case."))
    services.complete_task(task, request.user)


def _assign(request: SignedInRequest, case: Case) -> None:
    d = _cleaned(forms.AssignForm(request.POST, agency_id=case.agency_id))
    services.assign(case, d["user"], d["role"], request.user)


def _status(request: SignedInRequest, case: Case) -> None:
    services.set_status(case, _cleaned(forms.StatusForm(request.POST))["status"], request.user)


def _link(request: SignedInRequest, case: Case) -> None:
    """Link one or many complaints ("IC3:A1, NCRP:B2"); all or none: a name the user may not
    see refuses the whole list, naming it."""
    wanted = _cleaned(forms.LinkComplaintForm(request.POST))["complaint"]
    keys = [k for k in re.split(r"[\s,;]+", wanted) if k]
    pairs = [(source, ref) for source, _sep, ref in (k.partition(":") for k in keys)]
    refs: dict[str, list[str]] = defaultdict(list)
    for source, ref in pairs:
        refs[source].append(ref)
    # One query for the whole list, one term per source (not per complaint: SQLite's depth).
    named = reduce(operator.or_, (Q(source=s, ref__in=r) for s, r in refs.items()), Q(pk=None))
    seen = {(c.source, c.ref): c for c in visible(request.user, Complaint.objects.filter(named))}
    missing = [key for key, pair in zip(keys, pairs, strict=True) if pair not in seen]
    if missing:
        raise ServiceError(_("No complaint %(key)s that you may see.") % {"key": missing[0]})
    found = [seen[pair] for pair in pairs]
    services.link_complaints(case, found, request.user)


ACTIONS: dict[str, Callable[[SignedInRequest, Case], None]] = {
    "note": _note,
    "task": _task,
    "task-done": _task_done,
    "assign": _assign,
    "status": _status,
    "link": _link,
}


@login_required
@require_POST
def case_action(request: SignedInRequest, reference: str, action: str) -> HttpResponse:
    require_role(request, "analyst")
    case: Case = get_visible_or_404(
        request, Case.objects.select_related("agency"), reference=reference
    )
    handler = ACTIONS.get(action)
    if handler is None or case.agency_id != request.user.agency_id:
        audit.record("case.change", request=request, obj=case, outcome="denied", verb=action)
        raise PermissionDenied(_("Only the owning agency can change this case."))
    try:
        handler(request, case)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("case-detail", reference=case.reference)
