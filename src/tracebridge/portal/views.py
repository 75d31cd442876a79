"""Public pages (no sign-in): landing, check a number, learn, statistics."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tracebridge import csvsafe, ratelimit, warninglist
from tracebridge.agencies import localize
from tracebridge.complaints.models import PaymentMethod, ScamType
from tracebridge.portal import content, services
from tracebridge.portal.charts import bar_chart

Bar = tuple[str, float, str, str]
CHECK_PAGE_LIMIT = ratelimit.Limit("check-page", requests=30, per_seconds=60)


def default_region() -> str:
    """Hindi readers most likely dial Indian numbers; otherwise guess from the digits."""
    return "IN" if (get_language() or "").startswith("hi") else ""


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")


# What the result says was checked ("No reports of this UPI ID yet"), by kind.
KIND_NAMES = {
    "phone": _lazy("phone number"),
    "email": _lazy("e-mail address"),
    "domain": _lazy("website"),
    "url": _lazy("web address"),
    "upi": _lazy("UPI ID"),
    "bank": _lazy("bank account"),
    "iban": _lazy("bank account (IBAN)"),
    "card": _lazy("card"),
    "wallet": _lazy("crypto wallet"),
    "sms": _lazy("SMS sender"),
    "social": _lazy("social media account"),
}
# The report form's first question for each kind (the pre-fill link skips it).
WHAT_FOR_KIND = {"phone": "call", "sms": "message", "email": "message", "social": "website"}
WHAT_FOR_KIND |= {"domain": "website", "url": "website"}


def report_link(result: services.CheckResult, region: str) -> str:
    """The report form, pre-filled with what was checked: ?what=&country=&kind=&value=."""
    params = {"what": WHAT_FOR_KIND.get(result.kind, "payment"), "kind": result.kind}
    country = next((c for p, c in (("+91", "IN"), ("+1", "US")) if result.value.startswith(p)), "")
    country = country or ("IN" if result.kind == "upi" else region)  # UPI is India's
    if country:
        params["country"] = country
    params["value"] = result.value
    return f"{reverse('report')}?{urlencode(params)}"


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
            # a refused card number is not echoed back, only its masked form
            "query": result.query
            if result and result.status == "card_refused"
            else query[: services.MAX_INPUT],
            "result": result,
            "region": region,
            "scam_type_labels": [labels.get(t, t) for t in (result.scam_types if result else [])],
            "owner": warninglist.name_in(result.owner, get_language() or "en") if result else "",
            "kind_name": KIND_NAMES.get(result.kind, "") if result else "",
            "report_link": report_link(result, region) if result and result.value else "",
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


def _suppressed_text(least: int) -> str:
    return _("fewer than %(n)d (not shown)") % {"n": least}


def _bar(label: str, row: dict[str, Any], hidden: str, series: str = "") -> Bar:
    """One chart row: a count, or a loss total when the row has one; no bar when suppressed."""
    if row["suppressed"]:
        return (label, 0.0, hidden, series)
    if "total" in row:
        total = Decimal(row["total"])
        return (label, float(total), localize.money(total, row["currency"]), series)
    return (label, row["reports"], localize.count(row["reports"]), series)


def statistics(request: HttpRequest) -> HttpResponse:
    data = services.statistics()
    types = dict(ScamType.choices)
    methods = dict(PaymentMethod.choices)
    hidden = _suppressed_text(data["min_count"])
    monthly = [
        _bar(
            f"{localize.month_label(r['month'])} {localize.country_name(r['country'])}",
            r,
            hidden,
            r["country"],
        )
        for r in data["monthly"]
    ]
    scam_types = [
        _bar(str(types.get(r["scam_type"], r["scam_type"])), r, hidden) for r in data["scam_types"]
    ]
    losses = [
        _bar(
            f"{methods.get(r['payment_method'], r['payment_method'])} "
            f"({localize.currency_symbol(r['currency'])})",
            r,
            hidden,
        )
        for r in data["losses"]
    ]
    return render(
        request,
        "portal/statistics.html",
        {
            "data": data,
            "monthly": bar_chart(monthly),
            "scam_types": bar_chart(scam_types),
            "losses": bar_chart(losses),
            "suppressed_text": hidden,
        },
    )


CSV_COLUMNS = [
    "table",
    "month",
    "country",
    "scam_type",
    "payment_method",
    "currency",
    "reports",
    "total_loss",
    "suppressed",
]


def statistics_csv(request: HttpRequest) -> HttpResponse:
    """The page's tables as CSV; a suppressed row has empty figures and suppressed=true."""
    data = services.statistics()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tracebridge-public-statistics.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(CSV_COLUMNS)
    tables = [
        ("reports_per_month", data["monthly"]),
        ("top_scam_types", data["scam_types"]),
        ("losses_by_payment_method", data["losses"]),
    ]
    for table, rows in tables:
        for row in rows:
            values = _csv_row(table, row)
            writer.writerow(values.get(column, "") for column in CSV_COLUMNS)
    return response


def _csv_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "table": table,
        "total_loss": row.get("total"),  # None (suppressed or no loss column) writes as empty
        "suppressed": "true" if row["suppressed"] else "false",
    }
