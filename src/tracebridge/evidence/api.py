"""Evidence API: a case's provenance as CASE/UCO JSON-LD, as the case page's download gives it
(the owning agency's analysts; every export audited ``evidence.case_uco``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from tracebridge.agencies import audit
from tracebridge.agencies.permissions import acts_for, get_visible_or_404, visible
from tracebridge.api_support import Error, require_role
from tracebridge.cases.models import Case
from tracebridge.errors import Forbidden
from tracebridge.evidence import provenance

router = Router(tags=["evidence"])
_JSON_LD = {
    "responses": {
        "200": {
            "description": "The case's custody as a CASE 1.5 / UCO JSON-LD graph "
            "(docs/evidence.md): investigative actions, provenance records, files and hashes",
            "content": {provenance.MEDIA_TYPE: {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/cases/{reference}/provenance",
    response={403: Error, 404: Error, 422: Error},
    openapi_extra=_JSON_LD,
    summary="A case's provenance as CASE/UCO JSON-LD (the owning agency's analysts)",
)
def case_provenance(request: HttpRequest, reference: str) -> HttpResponse:
    user = require_role(request, "analyst")
    case = get_visible_or_404(request, Case.objects.select_related("agency"), reference=reference)
    if not acts_for(user, case.agency_id, "analyst"):
        audit.record("evidence.case_uco", request=request, obj=case, outcome="denied")
        raise Forbidden("Only the owning agency's analysts export a case's provenance.")
    items = list(visible(user, case.evidence.select_related("leaf").order_by("id")))
    graph = provenance.export_case(case, user, items)  # audited evidence.case_uco
    response = HttpResponse(provenance.dumps(graph), content_type=provenance.MEDIA_TYPE)
    name = f"{case.reference}-provenance.jsonld"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
