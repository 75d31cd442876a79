"""Answering a request with evidence: a package of the responding agency's case, its
certificate of authenticity of records and the handling conditions, announced in the signed
answer (``return`` or ``return_part``), then delivered.

The package is verified here first with the offline verifier (this node's key), staged in
``TRACEBRIDGE_HOME/transfers/out/<sha256>.zip`` while its chunk plan is computed (one pass), and
recorded as a **shared** custody event of the sending case naming the request, the package hash,
its checkpoint and the items' leaves. Delivery: to an agency of this node at once
(``receipt.receive``); to a partner's node over HTTP in chunks (``transfer.send``), resumable
with ``tracebridge request transfer REF``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.assistance import authenticity, receipt, services, signed, transfer
from tracebridge.assistance.models import PackageTransfer, Request
from tracebridge.assistance.services import Refused
from tracebridge.cases.models import Case
from tracebridge.errors import Conflict, NotFound
from tracebridge.evidence import keys, verifier
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.services import iso_utc, record_custody

DEFAULT_USE = (
    "Only for the investigation, prosecution and proceedings named in the request, as the "
    "treaty allows; no other use without the providing state's consent."
)


@dataclass(frozen=True)
class Conditions:
    use: str = DEFAULT_USE
    onward_sharing: bool = False  # False: no onward sharing without the provider's consent

    def as_dict(self, provider: str, request: str) -> dict[str, Any]:
        return {
            "use": self.use.strip() or DEFAULT_USE,
            "onward_sharing": "allowed" if self.onward_sharing else "consent_required",
            "provider": provider,
            "request": request,
        }


@dataclass(frozen=True)
class Certifier:
    """Who signs the certificate (default: the answering user's name and title)."""

    name: str = ""
    title: str = ""
    place: str = ""


def answer(
    request: Request,
    package: Path,
    user: User,
    *,
    part: bool = False,
    certifier: Certifier | None = None,
    conditions: Conditions | None = None,
    note: str = "",
) -> PackageTransfer:
    """Announce ``package`` as the (partial) answer to ``request``; returns the outgoing transfer
    (not yet delivered: ``deliver`` does that)."""
    action = "return_part" if part else "return"
    request.refresh_from_db()
    services.check_step(request, action)
    if request.recipient_id is None or request.recipient_id != user.agency_id:
        raise Refused(f"{user.username} is not a user of {request.to_code}, who answers", ["by"])
    contents = _verified(package)
    case = Case.objects.filter(reference=contents.case, agency_id=user.agency_id).first()
    if case is None:
        raise Refused(
            f"the package is of case {contents.case}, not a case of {request.to_code}", ["package"]
        )
    plan, _ = transfer.stage(package, transfer.outgoing_dir(), transfer.CHUNK_SIZE)
    certifier = certifier or Certifier()
    agency = request.recipient
    assert agency is not None  # checked above: the answering user's agency
    records = [{"path": i["path"], **i["record"]} for i in contents.items]
    try:
        certificate = authenticity.make(
            authenticity.Custodian(
                certifier.name or user.signature_name,
                certifier.title or user.signature_title,
                f"{agency.name} ({agency.code})",
                certifier.place,
            ),
            request.reference,
            plan.sha256,
            plan.size,
            records,
            iso_utc(timezone.now()),
        )
    except ValueError as exc:
        raise Refused(str(exc), ["custodian"]) from None
    handling = (conditions or Conditions()).as_dict(request.to_code, request.reference)
    leaves = [i["leaf_index"] for i in contents.items]
    announced = {
        **plan.as_dict(),
        "case": contents.case,
        "checkpoint": contents.checkpoint,
        "items": [
            {"path": r["path"], "sha256": r["sha256"], "size": r["size"], "leaf_index": leaf}
            for r, leaf in zip(records, leaves, strict=True)
        ],
    }
    data = {"package": announced, "certificate": certificate, "conditions": handling, "note": note}
    with transaction.atomic():
        request = services.act(request, action, user, **data)
        message = request.messages.order_by("-seq").first()
        assert message is not None
        outgoing = PackageTransfer.objects.create(
            request=request,
            direction=PackageTransfer.OUT,
            message_id=message.message_id,
            package_sha256=plan.sha256,
            size=plan.size,
            state="sending",
            conditions=handling,
        )
        record_custody(
            case,
            "shared",
            user,
            items=[str(r.get("item", "")) for r in records],
            request=request.reference,
            to=request.from_code,
            package_sha256=plan.sha256,
            checkpoint=contents.checkpoint,
            leaves=leaves,
        )
    audit.record(
        "request.answer",
        user=user,
        object_type="request",
        object_id=request.reference,
        package=plan.sha256,
        size=plan.size,
    )
    return outgoing


def _verified(package: Path) -> receipt.Contents:
    if not package.is_file():
        raise Refused(f"{package} is not a file", ["package"])
    report = verifier.verify_package(package, trusted_key=keys.verifier_key("node"))
    if not report.ok:
        failed = "; ".join(f"{c.step}: {c.message}" for c in report.failures[:3])
        raise Refused(f"{package} does not verify with this node's key: {failed}", ["package"])
    try:
        return receipt.read_contents(package)
    except receipt.PackageRefused as exc:
        raise Refused(str(exc), ["package"]) from None


def deliver(
    outgoing: PackageTransfer,
    *,
    progress: Callable[[int], None] | None = None,
    chunks_sent: Callable[[int], None] | None = None,
) -> PackageTransfer:
    """Deliver (or resume delivering) an answer's package to the requesting agency."""
    request = transfer.request_for(outgoing)
    if outgoing.state != "sending":
        raise Conflict(
            f"the package {outgoing.package_sha256} of {request.reference} was already "
            f"{outgoing.state}: nothing is sent twice"
        )
    plan = receipt.plan_for(outgoing)
    if request.requester is not None:  # both agencies on this node
        return _deliver_here(outgoing, request)
    return transfer.send(outgoing, plan, progress=progress, chunks_sent=chunks_sent)


def _deliver_here(outgoing: PackageTransfer, request: Request) -> PackageTransfer:
    incoming, _ = PackageTransfer.objects.get_or_create(
        request=request,
        direction=PackageTransfer.IN,
        message_id=outgoing.message_id,
        defaults={
            "package_sha256": outgoing.package_sha256,
            "size": outgoing.size,
            "state": "receiving",
            "conditions": outgoing.conditions,
        },
    )
    verdict = receipt.receive(incoming, transfer.outgoing_path(outgoing), signed.own_key())
    outgoing.state = "delivered" if verdict.state == "stored" else "refused"
    outgoing.reason, outgoing.items = verdict.reason, verdict.items
    outgoing.finished_at = timezone.now()
    outgoing.save()
    return outgoing


def pending(request: Request) -> PackageTransfer:
    """The answer of ``request`` still being delivered from this node."""
    found = request.transfers.filter(direction=PackageTransfer.OUT).order_by("-created_at").first()
    if found is None:
        raise NotFound(f"{request.reference} has no evidence package answered from this node")
    return found


def answer_from_case(
    request: Request,
    case_reference: str,
    user: User,
    *,
    items: Sequence[str] = (),
    part: bool = False,
    certifier: Certifier | None = None,
    conditions: Conditions | None = None,
    note: str = "",
) -> PackageTransfer:
    """Package the answering agency's case (or some of its items) and answer with it: what the
    request page and the API do (the command takes a package already made)."""
    case = Case.objects.filter(reference=case_reference.strip(), agency=user.agency).first()
    if case is None:
        raise Refused(f"no case {case_reference!r} of your agency", ["case"])
    folder = Path(settings.HOME) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        package = Path(scratch) / f"{request.reference}-answer.zip"
        place = certifier.place if certifier else ""
        make_package(case, package, by=user, refs=items, place=place)
        return answer(
            request,
            package,
            user,
            part=part,
            certifier=certifier,
            conditions=conditions,
            note=note,
        )
