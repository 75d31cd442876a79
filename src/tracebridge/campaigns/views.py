"""The analyst workspace pages: dashboard, campaigns, one campaign, search, follows."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tracebridge import panels
from tracebridge.agencies import audit, localize
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import has_role, require_role
from tracebridge.agencies.services import ServiceError
from tracebridge.campaigns import listing, selectors, soft_review, workspace
from tracebridge.campaigns.models import Campaign, CampaignStatus, Follow, SavedSearch
from tracebridge.campaigns.why import why_linked
from tracebridge.complaints.models import ScamType
from tracebridge.errors import Invalid, NotFound

SORT_LABELS = (
    ("priority", gettext_lazy("Priority")),
    ("size", gettext_lazy("Complaints")),
    ("loss", gettext_lazy("Losses")),
    ("date", gettext_lazy("Last seen")),
)


def _agency_user(request: SignedInRequest) -> User:
    return require_role(request, None, _("Only agency users may use the analyst workspace."))


@cache
def graph_library() -> bool:
    """cytoscape comes from the npm registry at build time; without it a plain SVG is drawn."""
    return finders.find("vendor/cytoscape.min.js") is not None


@login_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    user = _agency_user(request)
    since = workspace.last_visit(user)
    audit.record("campaign.list", request=request, object_type="campaign", view="dashboard")
    ranked = selectors.campaign_list(user)  # once: the three lists are cuts of it
    context = {
        "top": ranked[:10],
        "new": [c for c in ranked if c.matches(since=since)][:10] if since else None,
        "since": since,
        "cross_border": [c for c in ranked if c.cross_border][:10],
        "alerts": workspace.unread_alerts(user)[:20],
        # higher stages' alerts on the same card (formal requests overdue or expiring)
        "alert_panels": panels.render("alerts", request, None),
        "saved": SavedSearch.objects.filter(user=user),
        "panels": panels.render("home", request, None),
    }
    return render(request, "campaigns/dashboard.html", context)


@login_required
def campaign_list(request: SignedInRequest) -> HttpResponse:
    user = _agency_user(request)
    flag = request.GET.get("cross_border", "")
    scam_type = request.GET.get("scam_type", "")
    rows = selectors.campaign_list(
        user, cross_border=True if flag == "1" else None, scam_type=scam_type
    )
    campaigns, sort = listing.sorted_figures(rows, request.GET.get("sort", ""))
    if request.GET.get("format") == "csv":
        return _campaigns_csv(request, campaigns)
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    audit.record("campaign.list", request=request, object_type="campaign", view="list")
    context = {
        "page": page,
        "cross_border": flag,
        "scam_type": scam_type,
        "scam_types": ScamType.choices,
        "sort": sort,
        "sorts": SORT_LABELS,
        "csv_query": _csv_query(request),
    }
    return render(request, "campaigns/list.html", context)


def _csv_query(request: SignedInRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return str(query.urlencode())


def _campaigns_csv(request: SignedInRequest, campaigns: list[Any]) -> HttpResponse:
    """The reader's figures only (figures.for_reader), every matching row; audited."""
    audit.record("campaign.export", request=request, object_type="campaign", rows=len(campaigns))
    response = HttpResponse(listing.as_csv(campaigns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="campaigns.csv"'
    return response


def visible_campaign_or_404(request: SignedInRequest, code: str) -> Campaign:
    """The campaign if the user may see one of its complaints; absent and forbidden look alike."""
    campaign = selectors.read_campaign(request, _agency_user(request), code)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


@login_required
def campaign_detail(request: SignedInRequest, code: str) -> HttpResponse:
    user = _agency_user(request)
    old = Campaign.objects.filter(code=code.upper(), status=CampaignStatus.MERGED).first()
    heir = old.merged_into if old is not None else ""
    # Only to a survivor the user may see: the redirect itself would name a campaign.
    if heir and selectors.visible_campaigns(user).filter(code=heir).exists():
        return redirect("campaign-detail", code=heir)
    campaign = visible_campaign_or_404(request, code)
    summary = selectors.campaign_figures(user, campaign).summary
    context = {
        "campaign": campaign,
        "summary": summary,
        "members": selectors.visible_members(user, campaign)[:500],
        "identifiers": selectors.campaign_identifiers(user, campaign),
        "timeline": timeline_bars(summary.get("timeline", {})),
        "priority_rows": priority_rows(summary.get("priority_parts", [])),
        "states": list(summary.get("states", {}).items()),
        "following": workspace.is_following(user, Follow.CAMPAIGN, campaign.code),
        "graph_library": graph_library(),
        "panels": panels.render("campaign", request, campaign),
        "why": why_linked(request, user, campaign),
        # The reasons name mule accounts, which the money pages show to analysts only.
        "soft_links": soft_review.visible_soft_links(user, campaign)
        if has_role(user, "analyst")
        else None,
    }
    return render(request, "campaigns/detail.html", context)


@login_required
@require_http_methods(["POST"])
def soft_link_decide(request: SignedInRequest, code: str, link_id: int) -> HttpResponse:
    """Confirm or split a soft link of the campaign (analysts; kept across rebuilds)."""
    user = require_role(request, "analyst")
    campaign = visible_campaign_or_404(request, code)
    decision = request.POST.get("decision", "")
    try:
        after = soft_review.decide(request, user, campaign, link_id, decision)
    except NotFound as error:
        raise Http404(_("No such soft link in this campaign.")) from error
    except Invalid:
        messages.error(request, _("Choose to confirm or to split the link."))
        return redirect("campaign-detail", code=campaign.code)
    if decision == "split":
        messages.success(request, _("The link is split; later rebuilds keep it split."))
    else:
        messages.success(request, _("The link is confirmed."))
    return redirect("campaign-detail", code=after or campaign.code)


# The priority's parts (scoring.priority_parts) in words, for the campaign page.
FACTORS = {
    "victims": gettext_lazy("Victims"),
    "losses_usd": gettext_lazy("Losses, in US dollars"),
    "cross_border": gettext_lazy("Victims in more than one country"),
    "days_since_last": gettext_lazy("Days since the last complaint"),
    "elderly_victims": gettext_lazy("Elderly victims"),
}


def priority_rows(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each part as the page shows it: its name in words, its value written for a reader."""
    rows = []
    for part in parts:
        name, value = part["name"], part["value"]
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif name == "losses_usd":
            shown = localize.money(value, "USD")
        else:
            shown = localize.count(value)
        rows.append({"name": FACTORS.get(name, name), "value": shown, "points": part["points"]})
    return rows


def timeline_bars(months: dict[str, int], height: int = 120, width: int = 24) -> dict[str, Any]:
    """Bar geometry for the server-drawn SVG chart (CSP allows no inline styles)."""
    top = max(months.values(), default=0) or 1
    bars = []
    for i, (month, n) in enumerate(months.items()):
        h = max(1, round(height * n / top))
        bars.append({"month": month, "n": n, "x": i * (width + 4), "y": height - h, "h": h})
    return {"bars": bars, "width": max(len(bars) * (width + 4), width), "height": height + 20}


@login_required
def campaign_graph(request: SignedInRequest, code: str) -> JsonResponse:
    campaign = visible_campaign_or_404(request, code)
    return JsonResponse(selectors.graph(request.user, campaign))


@login_required
@require_http_methods(["GET", "POST"])
def search(request: SignedInRequest) -> HttpResponse:
    user = _agency_user(request)
    if request.method == "POST":
        try:
            workspace.save_search(user, request.POST.get("name", ""), request.POST.get("q", ""))
            messages.success(request, _("Search saved."))
        except ServiceError as exc:
            messages.error(request, str(exc))
        return redirect(f"{request.path}?{urlencode({'q': request.POST.get('q', '')})}")
    query = request.GET.get("q", "").strip()
    result = selectors.search(user, query) if query else None
    if result is not None:
        audit.record("identifier.search", request=request, query=query, key=result.key or "")
    following = (
        workspace.is_following(user, Follow.IDENTIFIER, result.key)
        if result and result.key
        else None
    )
    context = {"q": query, "result": result, "following": following}
    return render(request, "campaigns/search.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follows(request: SignedInRequest) -> HttpResponse:
    user = _agency_user(request)
    if request.method == "POST":
        _follow_action(request, user)
        return redirect(_next_page(request))
    context = {
        "follows": Follow.objects.filter(user=user),
        "alerts": workspace.unread_alerts(user)[:100],
        "saved": SavedSearch.objects.filter(user=user),
    }
    return render(request, "campaigns/follows.html", context)


def _next_page(request: SignedInRequest) -> str:
    """Back to the page the form was on, but never to another site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else "campaign-follows"


def _follow_action(request: SignedInRequest, user: User) -> None:
    action = request.POST.get("action", "")
    try:
        if action == "follow":
            item = workspace.follow(
                user, request.POST.get("kind", ""), request.POST.get("target", "")
            )
            audit.record("follow.create", request=request, object_type="follow", target=item.target)
            messages.success(request, _("You will be alerted when new complaints arrive."))
        elif action == "unfollow":
            workspace.unfollow(user, int(request.POST.get("id", "0") or 0))
            messages.success(request, _("No longer followed."))
        elif action == "read":
            workspace.mark_read(user)
        elif action == "delete-search":
            workspace.delete_search(user, int(request.POST.get("id", "0") or 0))
        else:
            messages.error(request, _("Unknown action."))
    except (ServiceError, ValueError) as exc:
        messages.error(request, str(exc))
