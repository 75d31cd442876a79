"""Requests API: list, show, create, each kind's fields as JSON Schema, and the inbound route
where partner nodes deliver signed messages (delivery.py)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer
from pydantic import ConfigDict

from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest, signed_in
from tracebridge.agencies.models import User
from tracebridge.agencies.services import user_for_token
from tracebridge.api_support import Error, Page, Paging, answers, page_of, require_role
from tracebridge.assistance import answer, delivery, inbound, letter, reading, rules, services
from tracebridge.assistance.models import Request
from tracebridge.errors import NotFound
from tracebridge.sharing import taxii

router = Router(tags=["assistance"])
_PDF = {
    "responses": {
        "200": {
            "description": "The letter as a PDF (docs/assistance.md), a download",
            "content": {"application/pdf": {"schema": {"type": "string"}}},
        }
    }
}


class RequestIn(Schema):
    to: str
    kind: str
    case: str
    fields: dict[str, Any]
    campaign: str = ""
    complaints: list[str] = []


class RequestOut(Schema):
    reference: str
    kind: str
    status: str
    from_: str = Field(alias="from", description="The requesting agency")
    to: str
    partner: str | None = Field(description="The partner node it travels to, if any")
    case: str
    refusal_reason: str | None
    clocks: dict[str, Any] = Field(description="due_at, overdue, preservation... (ISO 8601)")


class RequestDetailOut(RequestOut):
    links: dict[str, Any]
    fields: dict[str, Any]
    messages: list[dict[str, Any]] = Field(description="The signed messages, in order")


class ReceiptOut(Schema):
    receipt: dict[str, Any] = Field(description="Signed over the caller's nonce")


class TransferOut(Schema):
    """Where the transfer of a package stands (``inbound.status``)."""

    package: str
    request: str
    state: str
    size: int
    chunks: int
    held: list[int]
    reason: str
    items: list[Any]


class ChunkOut(Schema):
    chunk: str
    held: bool
    already: bool


class VerdictOut(Schema):
    model_config = ConfigDict(extra="allow")

    state: str
    reason: str
    items: list[Any]
    messages: list[Any]
    already: bool


@router.get(
    "/requests",
    response=Page[RequestOut],
    by_alias=True,
    summary="Formal requests of the caller's agency (sent or received)",
)
def list_requests(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    user = require_role(request, "viewer")
    audit.record("api.request.list", user=user, object_type="request")
    rows = reading.visible_requests(user).order_by("due_at")
    return page_of(rows, reading.row, paging.limit, paging.offset)


@router.get(
    "/requests/{reference}",
    response=answers(RequestDetailOut, 404),
    by_alias=True,
    summary="A request: fields, status, clocks, signed messages",
)
def show_request(request: HttpRequest, reference: str) -> dict[str, Any]:
    return reading.detail(_visible(request, reference)[1])


def _visible(request: HttpRequest, reference: str) -> tuple[User, Request]:
    """A request either side's user may read, its read audited (refused: one 404)."""
    user = require_role(request, "viewer")
    found = reading.visible_requests(user).filter(reference=reference).first()
    outcome = "ok" if found else "denied"
    audit.record(
        "api.request.read", user=user, object_type="request", object_id=reference, outcome=outcome
    )
    if found is None:
        raise NotFound(f"No request {reference} that you may see.")
    return user, found


@router.get(
    "/requests/{reference}/letter",
    response={404: Error},
    openapi_extra=_PDF,
    summary="The request printed as a formal letter (PDF; English, with Hindi to India)",
)
def request_letter(request: HttpRequest, reference: str) -> HttpResponse:
    user, found = _visible(request, reference)
    pdf = letter.letter_pdf(found, by=user, http=request)  # audited request.letter
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}-letter.pdf"'
    return response


@router.post(
    "/requests",
    response=answers(RequestDetailOut, 404),
    by_alias=True,
    summary="Create a request (submitted for a supervisor's review)",
)
def create_request(request: HttpRequest, body: RequestIn) -> dict[str, Any]:
    user = require_role(request, "analyst")
    links = {"campaign": body.campaign, "complaints": body.complaints}
    created = services.create(
        user.member_agency, body.to, body.kind, body.case, body.fields, user, links
    )
    return reading.detail(created)


class AnswerIn(Schema):
    case: str
    items: list[str] = []
    part: bool = False
    custodian_name: str = ""
    custodian_title: str = ""
    place: str = ""
    use: str = ""
    allow_onward_sharing: bool = False
    note: str = ""


class AnsweredOut(Schema):
    """The package sent in answer, as the receiving node's verdict left it."""

    request: str
    package: str = Field(description="SHA-256 of the package")
    size: int
    state: str
    reason: str
    items: list[Any]
    conditions: dict[str, Any]


@router.post(
    "/requests/{reference}/answer",
    response=answers(AnsweredOut, 404, 409, 503),
    summary="Answer with a package of one of your cases and its certificate; delivered at once",
)
def answer_request(request: HttpRequest, reference: str, body: AnswerIn) -> dict[str, Any]:
    user = require_role(request, "analyst")
    found = reading.visible_requests(user).filter(reference=reference).first()
    if found is None:
        audit.record(
            "api.request.answer", user=user, object_type="request", object_id=reference,
            outcome="denied",
        )  # fmt: skip
        raise NotFound(f"No request {reference} that you may see.")
    outgoing = answer.answer_from_case(
        found,
        body.case,
        user,
        items=body.items,
        part=body.part,
        certifier=answer.Certifier(body.custodian_name, body.custodian_title, body.place),
        conditions=answer.Conditions(body.use, body.allow_onward_sharing),
        note=body.note,
    )
    return {"request": reference, **reading.package_view(answer.deliver(outgoing))}


@router.get(
    "/request-kinds/{kind}/fields",
    response=answers(dict[str, Any], 404),
    summary="A kind's fields as JSON Schema",
)
def kind_fields(request: HttpRequest, kind: str) -> dict[str, Any]:
    user = require_role(request, "viewer")
    audit.record("api.request.fields", user=user, object_type="request", kind=kind)
    if kind not in rules.KINDS:
        raise NotFound(f"No kind {kind!r}: one of {', '.join(rules.KINDS)}.")
    return rules.schema(kind)


class PartnerNodeAuth(HttpBearer):
    """A partner node's token, as for TAXII: ``Authorization: Bearer tb_…`` with the taxii scope
    (the token this node issued to the partner, its ``partner add --token`` there)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token, "taxii")
        if user is None or not user.agency_id:
            audit.record(
                "api.auth",
                request=request,
                outcome="denied",
                reason="bad, revoked or expired token, or not granted the taxii scope",
                path=request.path,
            )
            return None
        signed_in(request, user)
        return user


@router.post(
    "/request-messages",
    auth=PartnerNodeAuth(),
    response=answers(ReceiptOut, 403, 404, 409),
    summary="A partner node delivers one signed message; answered with a signed receipt",
)
def inbound_message(request: SignedInRequest) -> HttpResponse:
    from tracebridge.api import status_of  # the one kind -> status map (it imports this module)

    answer = delivery.receive(request.body, request.auth_user)
    status = 200 if answer.error is None else status_of(answer.error)
    body = json.dumps(answer.body(), ensure_ascii=False)
    response = HttpResponse(body, status=status, content_type="application/json")
    return taxii.signed(request, response)  # over the caller's nonce, as a TAXII page


# --- evidence packages between nodes (inbound.py, transfer.py) -------------------------------


def _signed(request: HttpRequest, answer: inbound.Reply) -> HttpResponse:
    body = json.dumps(answer.body, ensure_ascii=False)
    response = HttpResponse(body, status=answer.status, content_type="application/json")
    return taxii.signed(request, response)  # over the caller's nonce, as a TAXII page


@router.post(
    "/transfers/{package}",
    auth=PartnerNodeAuth(),
    response=answers(TransferOut, 403, 404, 409),
    summary="A partner node offers the package answering a request; answers the chunks held",
)
def offer_package(request: SignedInRequest, package: str) -> HttpResponse:
    return _signed(request, inbound.reply(inbound.offer, package, request.body, request.auth_user))


@router.get(
    "/transfers/{package}",
    auth=PartnerNodeAuth(),
    response=answers(TransferOut, 404),
    summary="Where the transfer of a package stands: state and the chunks held",
)
def package_status(request: SignedInRequest, package: str) -> HttpResponse:
    return _signed(request, inbound.reply(inbound.transfer_status, package, request.auth_user))


@router.put(
    "/transfers/{package}/chunks/{chunk}",
    auth=PartnerNodeAuth(),
    response=answers(ChunkOut, 404, 409, 413),
    summary="One chunk of a package, named by its SHA-256, streamed to its place",
)
def put_package_chunk(request: SignedInRequest, package: str, chunk: str) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH")
    size = int(length) if length and length.isdigit() else None
    answer = inbound.reply(inbound.receive_chunk, package, chunk, request, size, request.auth_user)
    return _signed(request, answer)


@router.post(
    "/transfers/{package}/complete",
    auth=PartnerNodeAuth(),
    response=answers(VerdictOut, 404, 409),
    summary="Every chunk sent: check the package and store it, or refuse it; the signed verdict",
)
def complete_package(request: SignedInRequest, package: str) -> HttpResponse:
    return _signed(request, inbound.reply(inbound.complete, package, request.auth_user))
