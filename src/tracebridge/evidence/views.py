"""Evidence pages: the case panel, item page with custody, upload, download and packages."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.agencies.permissions import (
    acts_for,
    get_visible_or_404,
    is_agency_user,
    require_role,
    visible,
)
from tracebridge.agencies.services import ServiceError
from tracebridge.cases.models import Case
from tracebridge.evidence import provenance, services, zones
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.forms import PackageForm, UploadForm
from tracebridge.evidence.models import EvidenceItem


def _can_change(request: SignedInRequest, case: Case) -> bool:
    user = request.user
    return acts_for(user, case.agency_id, "analyst")


def case_panel(request: SignedInRequest, case: Case) -> str | None:
    """The evidence section of the case page (registered from EvidenceConfig.ready)."""
    if not is_agency_user(request.user):
        return None
    items = visible(request.user, case.evidence.select_related("added_by").order_by("id"))
    can_change = _can_change(request, case)
    return render_to_string(
        "evidence/case_panel.html",
        {
            "case": case,
            "items": items,
            "can_change": can_change,
            "upload_form": _upload_form(case) if can_change else None,
            "package_form": PackageForm() if can_change else None,
        },
        request=request,
    )


def _upload_form(case: Case) -> UploadForm:
    """The upload form, its time zone preset to where the case's agency works."""
    zone = zones.DEFAULT_ZONE.get(case.agency.country, "UTC")
    return UploadForm(initial={"collected_zone": zone})


def _own_case(request: SignedInRequest, reference: str) -> Case:
    require_role(request, "analyst")
    case: Case = get_visible_or_404(
        request, Case.objects.select_related("agency"), reference=reference
    )
    if not _can_change(request, case):
        audit.record("evidence.change", request=request, obj=case, outcome="denied")
        raise PermissionDenied(_("Only the owning agency can change this case's evidence."))
    return case


@login_required
@require_POST
def upload(request: SignedInRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    form = UploadForm(request.POST, request.FILES)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors}, status=400)
        messages.error(request, _("The upload was not valid: %(e)s") % {"e": form.errors.as_text()})
        return redirect("case-detail", reference=case.reference)
    data = dict(form.cleaned_data)
    upload_file = data.pop("file")
    with upload_file.open("rb") as source:
        item = services.add_evidence(case, source, upload_file.name, by=request.user, **data)
    if wants_json:
        return JsonResponse({"reference": item.reference, "sha256": item.sha256, "size": item.size})
    messages.success(
        request,
        _("Stored %(ref)s (SHA-256 %(sha)s).") % {"ref": item.reference, "sha": item.sha256},
    )
    return redirect("case-detail", reference=case.reference)


@login_required
def item_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, "viewer")
    item: EvidenceItem = get_visible_or_404(
        request, EvidenceItem.objects.select_related("case", "agency", "leaf"), reference=reference
    )
    custody = item.custody.select_related("leaf").order_by("at", "id")
    can_consent = bool(item.conditions) and acts_for(request.user, item.agency_id, "supervisor")
    context = {"item": item, "custody": custody, "can_consent": can_consent}
    return render(request, "evidence/item.html", context)


@login_required
@require_POST
def consent(request: SignedInRequest, reference: str) -> HttpResponseBase:
    """A supervisor of the owning agency records the providing state's consent to onward
    sharing of a received item (a custody event, audited)."""
    require_role(request, "supervisor")
    item: EvidenceItem = get_visible_or_404(
        request, EvidenceItem.objects.select_related("case", "agency"), reference=reference
    )
    try:
        services.record_consent(
            item, request.user, request.POST.get("granted_by", ""), request.POST.get("scope", "")
        )
        messages.success(request, _("Consent to onward sharing recorded."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("evidence-item", reference=item.reference)


@login_required
def download(request: SignedInRequest, reference: str) -> HttpResponseBase:
    require_role(request, "analyst")
    item: EvidenceItem = get_visible_or_404(
        request, EvidenceItem.objects.select_related("case", "agency"), reference=reference
    )
    services.record_custody(item.case, "viewed", request.user, item=item)
    audit.record("evidence.download", request=request, obj=item, sha256=item.sha256)
    stream = services.blob_store().open(item.sha256)
    return FileResponse(
        stream, as_attachment=True, filename=item.filename, content_type=item.media_type
    )


@login_required
def custody(request: SignedInRequest, reference: str) -> HttpResponse:
    require_role(request, "viewer")
    case: Case = get_visible_or_404(
        request, Case.objects.select_related("agency"), reference=reference
    )
    events = case.custody.select_related("item", "leaf").order_by("at", "id")
    audit.record("evidence.custody_read", request=request, obj=case)
    return render(request, "evidence/custody.html", {"case": case, "events": events})


@login_required
@require_POST
def package(request: SignedInRequest, reference: str) -> HttpResponseBase:
    case = _own_case(request, reference)
    form = PackageForm(request.POST)
    place = form.cleaned_data["place"] if form.is_valid() else ""
    folder = Path(settings.HOME) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, suffix=".zip", delete=False)  # noqa: SIM115
    handle.close()
    out = Path(handle.name)
    download = f"{case.reference}-evidence.zip"
    try:
        make_package(case, out, by=request.user, place=place, name=download)
    except ServiceError as exc:
        out.unlink(missing_ok=True)
        messages.error(request, str(exc))
        return redirect("case-detail", reference=case.reference)
    stream: Any = out.open("rb")
    out.unlink()  # the open handle keeps the data until the response is sent
    return FileResponse(stream, as_attachment=True, filename=download)


@login_required
def case_uco(request: SignedInRequest, reference: str) -> HttpResponse:
    """The case's provenance as CASE/UCO JSON-LD (for forensic tools), audited."""
    case = _own_case(request, reference)
    items = list(visible(request.user, case.evidence.select_related("leaf").order_by("id")))
    try:
        graph = provenance.export_case(case, request.user, items)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("case-detail", reference=case.reference)
    response = HttpResponse(provenance.dumps(graph), content_type=provenance.MEDIA_TYPE)
    name = f"{case.reference}-provenance.jsonld"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
