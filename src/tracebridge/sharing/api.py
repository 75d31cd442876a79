"""Sharing API: agreements, approvals, STIX exports and the private overlap check."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.api_support import ApiError, answers, require_role
from tracebridge.complaints.models import Sighting
from tracebridge.errors import Invalid, NotFound
from tracebridge.sharing import overlap
from tracebridge.sharing.exports import export_bundle_for, publish
from tracebridge.sharing.models import Agreement
from tracebridge.sharing.services import agreements_of, approve_agreement, create_agreement

router = Router(tags=["sharing"])


class AgreementOut(Schema):
    id: int
    from_: str = Field(alias="from", description="The owning agency")
    to: str = Field(description="The partner agency")
    tlp: list[str]
    kinds: list[str]
    fields: list[str] = Field(description="Victim fields the partner may read")
    expires_on: str | None
    approved_by: str | None
    needs_approval: bool
    collection_id: str = Field(description="The TAXII collection the partner reads")


class AgreementsOut(Schema):
    items: list[AgreementOut]


class StixBundleOut(Schema):
    """A STIX 2.1 bundle (docs/sharing.md): its objects as STIX defines them."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["bundle"])
    id: str
    objects: list[dict[str, Any]]


class OverlapOut(Schema):
    double_blinded: list[str] = Field(description="(H(x)^a)^b, in the order sent (base64)")
    theirs: list[str] = Field(description="H(y)^b of the owner's identifiers, sorted (base64)")


def agreement_row(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "from": a.owner.code,
        "to": a.partner.code,
        "tlp": a.tlp,
        "kinds": a.kinds,
        "fields": a.fields,
        "expires_on": a.expires_on.isoformat() if a.expires_on else None,
        "approved_by": a.approved_by or None,
        "needs_approval": a.needs_approval,
        "collection_id": str(a.collection_id),
    }


def _party_agreement(user: User, agreement_id: int, side: Literal["owner", "partner"]) -> Agreement:
    """The agreement if the caller's agency is its ``side``; 404 otherwise (nothing leaks)."""
    agreement = (
        Agreement.objects.select_related("owner", "partner")
        .filter(pk=agreement_id, revoked_at__isnull=True)
        .first()
    )
    if agreement is None or user.agency_id != (
        agreement.owner_id if side == "owner" else agreement.partner_id
    ):
        audit.record("agreement.read", user=user, object_type="agreement",
                     object_id=str(agreement_id), outcome="denied")  # fmt: skip
        raise NotFound("Not found.")
    return agreement


@router.get(
    "/sharing/agreements",
    response=AgreementsOut,
    by_alias=True,
    summary="Agreements my agency gives or receives",
)
def list_agreements(request: HttpRequest) -> dict[str, Any]:
    user = require_role(request, "viewer")
    return {"items": [agreement_row(a) for a in agreements_of(user.member_agency_id)]}


class AgreementIn(Schema):
    to: str
    tlp: list[str]
    kinds: list[str] | None = None
    fields: list[str] = []
    expires_on: date | None = None


@router.post(
    "/sharing/agreements",
    response=answers(AgreementOut, 404),
    by_alias=True,
    summary="Create an agreement from my agency (admins)",
)
def add_agreement(request: HttpRequest, payload: AgreementIn) -> dict[str, Any]:
    user = require_role(request, "agency_admin")
    agreement = create_agreement(
        user.member_agency.code, payload.to, payload.tlp, kinds=payload.kinds,
        fields=payload.fields, expires_on=payload.expires_on, user=user,
    )  # fmt: skip
    publish(agreement)
    return agreement_row(agreement)


@router.post(
    "/sharing/agreements/{agreement_id}/approve",
    response=answers(AgreementOut, 404, 409),
    by_alias=True,
    summary="Approve AMBER (supervisors)",
)
def approve(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    user = require_role(request, "supervisor")
    agreement = _party_agreement(user, agreement_id, "owner")
    approve_agreement(agreement, user)
    publish(agreement)
    return agreement_row(agreement)


@router.get(
    "/sharing/agreements/{agreement_id}/stix",
    response=answers(StixBundleOut, 404),
    summary="STIX bundle for the partner",
)
def stix_export(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    user = require_role(request, "analyst")
    return export_bundle_for(_party_agreement(user, agreement_id, "owner"), user=user)


class OverlapIn(Schema):
    blinded: list[str]


MAX_OVERLAP = 50_000


@router.post(
    "/sharing/agreements/{agreement_id}/overlap",
    response=answers(OverlapOut, 404, 413),
    summary="Private set intersection of identifiers (ECDH over X25519)",
)
def psi(request: HttpRequest, agreement_id: int, payload: OverlapIn) -> dict[str, Any]:
    """The partner sends H(x)^a; we answer (H(x)^a)^b in order, and H(y)^b for the owner's y."""
    user = require_role(request, "analyst")
    agreement = _party_agreement(user, agreement_id, "partner")
    if len(payload.blinded) > MAX_OVERLAP:
        raise ApiError(413, "too_large", f"at most {MAX_OVERLAP} values a request")
    try:
        theirs = [base64.b64decode(v, validate=True) for v in payload.blinded]
    except ValueError:
        raise Invalid("blinded values must be base64", field="blinded") from None
    if any(len(v) != 32 for v in theirs):
        raise Invalid("blinded values must be 32 bytes", field="blinded")
    # Only what this agreement would share anyway takes part: a RED complaint's identifiers
    # must not even be confirmed as known.
    keys = sorted(
        set(
            Sighting.objects.filter(
                complaint__agency=agreement.owner,
                complaint__tlp__in=sorted(agreement.effective_tlp()),
            ).values_list("key", flat=True)
        )
    )
    party = overlap.PsiParty()
    audit.record("overlap.psi", user=user, obj=agreement, sent=len(theirs), held=len(keys))
    return {
        "double_blinded": [base64.b64encode(v).decode() for v in party.reblind(theirs)],
        "theirs": sorted(base64.b64encode(v).decode() for v in party.blind(keys)),
    }
