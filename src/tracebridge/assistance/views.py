"""Request pages: the agency's queue, a request with its clocks and signed steps, the create
form generated from the kind's schema, and the steps (a supervisor's approval among them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import Agency
from tracebridge.agencies.permissions import acts_for, require_role
from tracebridge.assistance import alerts, answer, forms, letter, reading, rules, services
from tracebridge.assistance.models import Request
from tracebridge.cases.models import Case
from tracebridge.errors import TracebridgeError
from tracebridge.sharing.models import Partner


@login_required
def queue(request: SignedInRequest) -> HttpResponse:
    require_role(request, "viewer")
    now = timezone.now()
    lists = {
        side: [(r, reading.clocks(r, now)) for r in rows]
        for side, rows in reading.queue(request.user).items()
    }
    audit.record("request.queue", request=request, object_type="request")
    context = {
        "lists": lists,
        "alerts": alerts.for_user(request.user, now),
        "central": reading.is_central_authority(request.user),
    }
    return render(request, "assistance/queue.html", context)


def _readable(request: SignedInRequest, reference: str) -> Request:
    found = reading.visible_requests(request.user).filter(reference=reference).first()
    if found is None:
        audit.record(
            "request.read",
            request=request,
            object_type="request",
            object_id=reference,
            outcome="denied",
        )
        raise Http404(_("No such request."))
    return found


@login_required
def detail(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, "viewer")
    found = _readable(request, reference)
    audit.record("request.read", request=request, object_type="request", object_id=reference)
    view = reading.detail(found)
    actions = _actions_for(request, found)
    context = {
        "req": found,
        "view": view,
        "actions": actions,
        "reasons": rules.REFUSAL_REASONS,
        "transfers": found.transfers.order_by("created_at"),
        "prompts": _preservation_prompts(request, found),
        "can_answer": "return" in actions or "return_part" in actions,
        "own_cases": Case.objects.filter(agency=request.user.agency).order_by("-created_at"),
    }
    return render(request, "assistance/detail.html", context)


@login_required
def letter_pdf(request: SignedInRequest, reference: str) -> HttpResponse:
    """The request printed as a formal letter (PDF), for either side; audited."""
    require_role(request, "viewer")
    found = _readable(request, reference)
    response = HttpResponse(letter.letter_pdf(found, http=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}-letter.pdf"'
    return response


@login_required
@require_POST
def answer_page(request: SignedInRequest, reference: str) -> HttpResponse:
    """The recipient answers with a package of one of its cases, then it is delivered."""
    require_role(request, "analyst")
    found = _readable(request, reference)
    post = request.POST
    try:
        outgoing = answer.answer_from_case(
            found,
            post.get("case", ""),
            request.user,
            items=post.get("items", "").split(),
            part=bool(post.get("part")),
            certifier=answer.Certifier(
                post.get("custodian_name", ""),
                post.get("custodian_title", ""),
                post.get("place", ""),
            ),
            conditions=answer.Conditions(
                post.get("use", ""), bool(post.get("allow_onward_sharing"))
            ),
            note=post.get("note", ""),
        )
        done = answer.deliver(outgoing)
    except TracebridgeError as exc:
        messages.error(request, str(exc))
        return redirect("request-detail", reference=reference)
    if done.state == "delivered":
        messages.success(request, _("Answered; the package was verified and stored as %(items)s.") % {"items": ", ".join(done.items)})  # fmt: skip
    else:
        messages.error(request, _("The package was refused: %(reason)s") % {"reason": done.reason})
    return redirect("request-detail", reference=reference)


def _preservation_prompts(request: SignedInRequest, found: Request) -> list[alerts.RequestAlert]:
    """An expiring or lapsed preservation, with the extension the reader may grant."""
    user = request.user
    side = reading.side_of(user, found)
    mine = alerts.alerts_of(found, user, user.member_agency_id, timezone.now(), side)
    return [a for a in mine if a.kind != alerts.OVERDUE]


def _actions_for(request: SignedInRequest, found: Request) -> list[str]:
    user = request.user
    mine = {rules.REQUESTER: found.requester_id, rules.RECIPIENT: found.recipient_id}
    return [
        action
        for action in rules.actions_from(found.kind, found.status)
        if acts_for(
            user,
            mine[rules.TRANSITIONS[action].side],
            "supervisor" if action == "approve" else "analyst",
        )
    ]


@login_required
@require_POST
def step(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, "analyst")
    found = _readable(request, reference)
    action = request.POST.get("action", "")
    data = {k: request.POST.get(k, "") for k in ("note", "reason", "until")}
    try:
        services.act(found, action, request.user, **data)
        messages.success(request, _("%(ref)s: step recorded and signed.") % {"ref": reference})
    except TracebridgeError as exc:
        messages.error(request, str(exc))
    return redirect("request-detail", reference=reference)


@login_required
def new(request: SignedInRequest) -> HttpResponse:
    require_role(request, "analyst")
    kind = request.POST.get("kind") or request.GET.get("kind") or "preservation"
    if kind not in rules.KINDS:
        kind = "preservation"
    values, errors, top = {}, {}, {}
    if request.method == "POST":
        values = forms.fields_from_post(kind, request.POST)
        top = {k: request.POST.get(k, "").strip() for k in ("to", "case", "campaign")}
        errors = dict(rules.problems(kind, values))
        if not errors:
            try:
                created = services.create(
                    request.user.member_agency,
                    top["to"],
                    kind,
                    top["case"],
                    values,
                    request.user,
                    {"campaign": top["campaign"], "complaints": []},
                )
            except services.Refused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Request %(ref)s created and sent for review.") % {"ref": created.reference},
                )
                return redirect("request-detail", reference=created.reference)
    context = {
        "kind": kind,
        "kinds": rules.KINDS,
        "widgets": forms.widgets(kind, values, errors),
        "top": top,
        "targets": _targets(request),
        "missing": sorted(errors),
        "cases": Case.objects.filter(agency_id=request.user.member_agency_id).order_by(
            "-created_at"
        ),
    }
    return render(request, "assistance/new.html", context)


def _targets(request: SignedInRequest) -> list[str]:
    local = Agency.objects.exclude(pk=request.user.member_agency_id).values_list("code", flat=True)
    remote = [c for p in Partner.objects.all() for c in p.agency_codes]
    return sorted({*local, *remote})
