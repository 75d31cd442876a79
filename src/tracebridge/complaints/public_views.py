"""The public report flow: no sign-in, English and Hindi, works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from tracebridge import ratelimit
from tracebridge.agencies import audit
from tracebridge.complaints import india, reports, tracking
from tracebridge.complaints.advice import next_steps
from tracebridge.complaints.forms import AddForm, LookupForm, ReportForm, StartForm
from tracebridge.identifiers import Rejected, parse

LOOKUPS_PER_HOUR = 30  # failed look-ups per address, against guessing


@csrf_protect
@never_cache
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request)
    start = StartForm(request.GET if "what" in request.GET else None)
    if not start.is_valid():
        return render(request, "complaints/report_start.html", {"form": start})
    form = ReportForm(initial={**start.cleaned_data, **prefill(request.GET)})
    form.prefill_row(request.GET.get("kind", ""), request.GET.get("value", ""))
    return _form_page(request, form, start.cleaned_data["what"], start.cleaned_data["country"])


# "Report this" on the check page: ?kind=KIND&value=VALUE fills the suspect field of that kind.
PREFILL_FIELDS = {"phone": "suspect_phone", "upi": "suspect_upi", "email": "suspect_email"}
PREFILL_FIELDS |= {"domain": "suspect_website", "url": "suspect_website"}
PREFILL_FIELDS |= {"bank": "suspect_account", "iban": "suspect_account"}


def prefill(query: Any) -> dict[str, str]:
    field, value = PREFILL_FIELDS.get(query.get("kind", "")), query.get("value", "")[:100]
    return {field: value} if field and value else {}


UNREAD = {
    "suspect_phone": ("phone", _lazy("could not be read as a phone number")),
    "suspect_upi": ("upi", _lazy("could not be read as a UPI ID")),
}


def unreadable(data: dict[str, Any], country: str) -> list[dict[str, str]]:
    """Suspect details kept as typed that are not what their field asks for ("12")."""
    return [
        {"text": data[name], "reason": str(reason)}
        for name, (kind, reason) in UNREAD.items()
        if data.get(name) and isinstance(parse(kind, data[name], country), Rejected)
    ]


def _form_page(
    request: HttpRequest, form: ReportForm, what: str, country: str, status: int = 200
) -> HttpResponse:
    context = {"form": form, "what": what, "country": country}
    return render(request, "complaints/report_form.html", context, status=status)


def _submit(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST, request.FILES)
    what, country = request.POST.get("what", "call"), request.POST.get("country", "IN")
    if request.POST.get("homepage"):
        audit.record("complaint.report", request=request, outcome="denied", reason="honeypot")
        return render(request, "complaints/report_refused.html", status=400)
    if request.POST.get("add_row"):  # "Add a row": the same form again, one row longer
        more = ReportForm(initial=request.POST.dict(), rows_from=request.POST)
        return _form_page(request, more, what, country)
    if not form.is_valid():
        return _form_page(request, form, what, country, status=400)
    anonymous = bool(form.cleaned_data.get("anonymous"))
    record = form.canonical()
    try:
        filed = reports.file_report(
            record,
            address=audit.client_address(request) or "",
            anonymous=anonymous,
            language=get_language() or "",
            files=form.cleaned_data.get("evidence") or [],
        )
    except reports.ReportError as exc:
        audit.record("complaint.report", request=request, outcome="denied", reason=str(exc))
        return render(request, "complaints/report_refused.html", {"message": str(exc)}, status=429)
    audit.record("complaint.report", request=request, obj=filed.complaint, number=filed.number)
    loss = record.get("loss") or {}
    email = "" if anonymous else form.cleaned_data.get("email") or ""
    cell = india.cyber_cell(form.cleaned_data.get("state") or "")
    district = india.district_name(form.cleaned_data.get("district") or "")
    mailed = bool(email) and tracking.acknowledge(
        filed.complaint.public_report, email, cell, district
    )
    request.session["report_once"] = {
        "cell": cell,
        "district": district,
        "mailed": email if mailed else "",
        "number": filed.number,
        "secret": filed.secret,
        "steps": next_steps(
            country, loss.get("payment_method", ""), form.cleaned_data["scam_type"]
        ),
        "unread": unreadable(form.cleaned_data, country),
    }
    return redirect("report-done")


def report_districts(request: HttpRequest) -> HttpResponse:
    """The district options of ``?state=`` (LGD code), which the form swaps in with htmx when
    the state changes; without htmx the form lists every state's districts in groups."""
    state = request.GET.get("state", "")
    if state not in india.STATES:
        return HttpResponse(_("Choose your state."), status=400, content_type="text/plain")
    context = {"districts": india.districts_of(state)}
    return render(request, "complaints/_district_options.html", context)


@never_cache
def report_done(request: HttpRequest) -> HttpResponse:
    """Shows the number and the secret once (a reload shows them no more)."""
    once = request.session.pop("report_once", None)
    if once is None:
        return redirect("report-lookup")
    return render(request, "complaints/report_done.html", once)


def _lookup_key(request: HttpRequest) -> str:
    return f"report-lookup:{reports.address_digest(audit.client_address(request) or '')}"


def _throttled(request: HttpRequest) -> bool:
    return int(cache.get(_lookup_key(request), 0)) >= LOOKUPS_PER_HOUR


def _failed(request: HttpRequest) -> None:
    ratelimit.count(_lookup_key(request), 3600)


@csrf_protect
@never_cache
def report_lookup(request: HttpRequest) -> HttpResponse:
    """Look a report up with its number and secret (POST only: secrets stay out of URLs).

    Every successful POST redirects (post/redirect/get): the report stays open in the
    session, so a reload shows it again and never saves an addition twice."""
    if request.method != "POST":
        return _open_report(request)
    adding = "text" in request.POST
    form: LookupForm = AddForm(request.POST) if adding else LookupForm(request.POST)
    if _throttled(request):
        return render(request, "complaints/report_refused.html", status=429)
    if not form.is_valid():
        return render(request, "complaints/report_lookup.html", {"form": form}, status=400)
    try:
        found = reports.find_report(form.cleaned_data["number"], form.cleaned_data["secret"])
    except reports.ReportError:
        _failed(request)
        audit.record("complaint.lookup", request=request, outcome="denied")
        form.add_error(None, _("No report matches that number and secret."))
        return render(request, "complaints/report_lookup.html", {"form": form}, status=404)
    opened = {"number": found.number, "secret": form.cleaned_data["secret"]}
    if adding:
        try:
            reports.add_to_report(found, form.cleaned_data["text"])
            opened["added"] = "yes"
        except reports.ReportError as exc:
            opened["add_error"] = str(exc)
    audit.record("complaint.lookup", request=request, obj=found.complaint, added=adding)
    request.session[OPEN_REPORT] = opened
    return redirect("report-lookup")


OPEN_REPORT = "report_open"


def _open_report(request: HttpRequest) -> HttpResponse:
    """The report opened by the last look-up, or the look-up form (``?new`` closes it)."""
    opened = request.session.get(OPEN_REPORT)
    if "new" in request.GET:
        request.session.pop(OPEN_REPORT, None)
        opened = None
    try:
        found = reports.find_report(opened["number"], opened["secret"]) if opened else None
    except reports.ReportError:
        found = None
    if found is None or opened is None:
        return render(request, "complaints/report_lookup.html", {"form": LookupForm()})
    # the addition's outcome is said once; a reload shows the report without it
    request.session[OPEN_REPORT] = {"number": found.number, "secret": opened["secret"]}
    context: dict[str, Any] = {
        "report": found,
        "complaint": found.complaint,
        "first_told": reports.first_told(found.complaint.narrative),
        "added": opened.get("added") == "yes",
        "add_error": opened.get("add_error", ""),
        "additions": list(found.additions.all()),
        "stages": tracking.stages_of(found),
        "add_form": AddForm(initial={"number": found.number, "secret": opened["secret"]}),
    }
    return render(request, "complaints/report_status.html", context)
