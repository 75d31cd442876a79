"""The witness routes (C2SP tlog-witness, submission prefix ``/api/v1/witness``): a partner
node submits its checkpoints and fetches the key that cosigns them; agency admins read the
split views caught."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest
from tracebridge.api_support import Error, Page, Paging, page_of, require_role
from tracebridge.assistance.api import PartnerNodeAuth
from tracebridge.sharing import taxii
from tracebridge.witness import reading, services

router = Router(tags=["witness"])
# C2SP tlog-witness answers in text, not JSON: the cosignature line, or the witness's size.
_TEXT = {"schema": {"type": "string"}}
_CHECKPOINT_ANSWERS = {
    "responses": {
        "200": {
            "description": "The witness's cosignature line (C2SP tlog-witness)",
            "content": {services.TEXT: _TEXT},
        },
        "409": {
            "description": "conflict: the witness holds another size for this log; that size",
            "content": {"text/x.tlog.size": _TEXT},
        },
    }
}


class WitnessKeyOut(Schema):
    cosigner_key: str = Field(description="Verifier key (C2SP signed-note) of the cosignatures")
    log_key: str = Field(description="Verifier key of this node's own ledger checkpoints")


class SplitViewOut(Schema):
    origin: str
    partner: str
    size: int
    held_root: str
    held_checkpoint: str
    other_root: str
    other_checkpoint: str
    reported_by: str
    detected_at: str = Field(description="ISO 8601")


@router.post(
    "/witness/add-checkpoint",
    auth=PartnerNodeAuth(),
    response={403: Error, 404: Error},
    openapi_extra=_CHECKPOINT_ANSWERS,
    summary="A partner node submits a checkpoint of its ledger to be cosigned (C2SP tlog-witness)",
)
def add_checkpoint(request: SignedInRequest) -> HttpResponse:
    answer = services.add_checkpoint(request.body, request.auth_user)
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    return taxii.signed(request, response)  # over the caller's nonce, as a TAXII page


@router.get(
    "/witness/key",
    auth=PartnerNodeAuth(),
    response=WitnessKeyOut,
    summary="This node's cosigner key and log key, signed with the node key over the nonce",
)
def witness_key(request: SignedInRequest) -> HttpResponse:
    audit.record("witness.key", user=request.auth_user, object_type="witness")
    body = json.dumps(services.witness_key())
    return taxii.signed(request, HttpResponse(body, content_type="application/json"))


@router.get(
    "/witness/split-views",
    response=Page[SplitViewOut],
    summary="Split views caught in partners' ledgers (admins)",
)
def split_views(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    user = require_role(request, "agency_admin")
    audit.record("witness.split_views", user=user, object_type="split_view")
    return page_of(reading.split_views(), reading.split_view_row, paging.limit, paging.offset)
