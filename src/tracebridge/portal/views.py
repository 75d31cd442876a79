"""Public pages (no sign-in): landing, check a number, learn, statistics."""

from __future__ import annotations

import csv
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from tracebridge import ratelimit
from tracebridge.complaints.models import PaymentMethod, ScamType
from tracebridge.portal import content, services
from tracebridge.portal.charts import bar_chart

CHECK_PAGE_LIMIT = ratelimit.Limit("check-page", requests=30, per_seconds=60)


def default_region() -> str:
    """Hindi readers most likely dial Indian numbers; otherwise guess from the digits."""
    return "IN" if (get_language() or "").startswith("hi") else ""


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")


def check(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    region = request.GET.get("region") or default_region()
    result = None
    if "q" in request.GET:
        verdict = ratelimit.hit(CHECK_PAGE_LIMIT, request)
        if not verdict.allowed:
            response = render(
                request, "portal/slow_down.html", {"retry_after": verdict.retry_after}, status=429
            )
            response["Retry-After"] = str(verdict.retry_after)
            return response
        result = services.check(query, region)
    labels = dict(ScamType.choices)
    return render(
        request,
        "portal/check.html",
        {
            "query": query[: services.MAX_INPUT],
            "result": result,
            "region": region,
            "scam_type_labels": [labels.get(t, t) for t in (result.scam_types if result else [])],
        },
    )


def learn_index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/learn_index.html", {"topics": content.topics(get_language() or "en")}
    )


def learn_topic(request: HttpRequest, slug: str) -> HttpResponse:
    page = content.page(slug, get_language() or "en")
    if page is None:
        raise Http404(slug)
    return render(request, "portal/learn_topic.html", {"page": page})


def statistics(request: HttpRequest) -> HttpResponse:
    data = services.statistics()
    types = dict(ScamType.choices)
    methods = dict(PaymentMethod.choices)
    monthly = bar_chart(
        [
            (f"{r['month']} {r['country']}", r["reports"], str(r["reports"]), r["country"])
            for r in data["monthly"]
        ]
    )
    scam_types = bar_chart(
        [
            (str(types.get(r["scam_type"], r["scam_type"])), r["reports"], str(r["reports"]), "")
            for r in data["scam_types"]
        ]
    )
    losses = bar_chart(
        [
            (
                f"{methods.get(r['payment_method'], r['payment_method'])} ({r['currency']})",
                float(Decimal(r["total"])),
                f"{Decimal(r['total']):,.0f} {r['currency']}",
                "",
            )
            for r in data["losses"]
        ]
    )
    return render(
        request,
        "portal/statistics.html",
        {
            "data": data,
            "monthly": monthly,
            "scam_types": scam_types,
            "losses": losses,
            "type_labels": types,
            "method_labels": methods,
        },
    )


def statistics_csv(request: HttpRequest) -> HttpResponse:
    data = services.statistics()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tracebridge-public-statistics.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "table",
            "month",
            "country",
            "scam_type",
            "payment_method",
            "currency",
            "reports",
            "total_loss",
        ]
    )
    for r in data["monthly"]:
        writer.writerow(
            ["reports_per_month", r["month"], r["country"], "", "", "", r["reports"], ""]
        )
    for r in data["scam_types"]:
        writer.writerow(["top_scam_types", "", "", r["scam_type"], "", "", r["reports"], ""])
    for r in data["losses"]:
        writer.writerow(
            [
                "losses_by_payment_method",
                "",
                "",
                "",
                r["payment_method"],
                r["currency"],
                r["reports"],
                r["total"],
            ]
        )
    return response
