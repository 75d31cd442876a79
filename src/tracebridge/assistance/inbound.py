"""The receiving node's transfer routes (``/api/v1/transfers/…``, assistance.api): a partner
node offers the package answering one of our requests, puts the chunks we lack and asks us to
complete; each answer is signed by the route over the caller's nonce. The caller is a user of
an agency the request's partner node speaks for, with the partner's API token (taxii scope).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.api_support import error_body
from tracebridge.assistance import receipt, services, signed
from tracebridge.assistance.models import PackageTransfer, Request
from tracebridge.assistance.transfer import (
    Plan,
    TransferError,
    hash_file,
    held,
    incoming_dir,
    missing,
    part_path,
    plan_of,
    prepare,
    put_chunk,
    recheck,
    running_digest,
)
from tracebridge.errors import Conflict, Forbidden, NotFound, TracebridgeError

# --- the receiving side over HTTP -----------------------------------------------------------


@dataclass
class Reply:
    """What a transfer route answers (the route signs it over the caller's nonce)."""

    body: dict[str, Any]
    status: int = 200


def reply(fn: Callable[..., dict[str, Any]], *args: Any) -> Reply:
    """Run one receiving step; an error of the one root is audited and answered with its
    status and the one error shape, so that it is signed like any answer and the sender can
    trust it."""
    from tracebridge.api import status_of  # the one kind -> status map (it imports this app)

    try:
        return Reply(fn(*args))
    except TracebridgeError as exc:
        audit.record(
            "request.transfer",
            user=args[-1] if args and isinstance(args[-1], User) else None,
            object_type="package",
            object_id=str(args[0])[:64] if args else "",
            outcome="denied",
            step=fn.__name__,
            reason=str(exc)[:500],
        )
        return Reply(error_body(exc.code, str(exc), exc.details), status_of(exc))


def _speaks_for(caller: User, request: Request) -> None:
    """The caller is the partner node that answers ``request``."""
    code = caller.agency.code if caller.agency else ""
    if request.partner is None or code not in request.partner.agency_codes:
        raise Forbidden(
            f"{caller.username} ({code or 'no agency'}) is not of the partner node that "
            f"answers {request.reference}"
        )


def _incoming(sha256: str, caller: User) -> tuple[PackageTransfer, Plan]:
    transfer = (
        PackageTransfer.objects.select_related("request__partner", "request__case")
        .filter(direction=PackageTransfer.IN, package_sha256=sha256)
        .order_by("-created_at")
        .first()
    )
    if transfer is None:
        raise NotFound(f"no package {sha256} was offered to this node: offer it first")
    _speaks_for(caller, transfer.request)
    return transfer, _plan(transfer)


def _plan(transfer: PackageTransfer) -> Plan:
    return receipt.plan_for(transfer)


def status(transfer: PackageTransfer, plan: Plan) -> dict[str, Any]:
    receiving = transfer.state == "receiving"
    return {
        "package": plan.sha256,
        "request": transfer.request.reference,
        "state": transfer.state,
        "size": plan.size,
        "chunks": len(plan.chunks),
        "held": held(transfer, plan) if receiving else list(range(len(plan.chunks))),
        "reason": transfer.reason,
        "items": list(transfer.items),
    }


def offer(sha256: str, raw: bytes, caller: User) -> dict[str, Any]:
    """The sender offers a package: the request's signed messages (the answer announcing it
    among them) are applied as an import is, then the receiver says which chunks it holds."""
    try:
        document = jsonlimits.loads(raw, "the offer")
        file = document["messages"]
        items = file["messages"]
        messages = [signed.parse(m, f"the offer: message {i + 1}") for i, m in enumerate(items)]
    except (ValueError, KeyError, TypeError) as exc:
        raise TransferError(
            f"the offer is not {{'messages': a {signed.FORMAT} file}}: {exc}"
        ) from None
    services.apply_messages(messages)
    request = Request.objects.select_related("partner").get(reference=messages[0].body["request"])
    _speaks_for(caller, request)
    message = receipt.announcing(request, sha256)
    if message is None:
        raise NotFound(f"no answer of {request.reference} announces package {sha256}")
    plan = plan_of(receipt.answer_data(message).get("package"))
    transfer, created = PackageTransfer.objects.get_or_create(
        direction=PackageTransfer.IN,
        message_id=message.message_id,
        defaults={
            "request": request,
            "package_sha256": plan.sha256,
            "size": plan.size,
            "state": "receiving",
            "conditions": receipt.answer_data(message).get("conditions") or {},
        },
    )
    if transfer.state == "receiving":
        prepare(transfer, plan)
    if created:
        audit.record(
            "request.transfer",
            user=caller,
            object_type="request",
            object_id=request.reference,
            package=plan.sha256,
            size=plan.size,
        )
    return status(transfer, plan)


def transfer_status(sha256: str, caller: User) -> dict[str, Any]:
    return status(*_incoming(sha256, caller))


def receive_chunk(
    sha256: str, chunk: str, stream: IO[bytes], length: int | None, caller: User
) -> dict[str, Any]:
    transfer, plan = _incoming(sha256, caller)
    if transfer.state != "receiving":
        raise Conflict(
            f"the transfer of package {sha256} is finished ({transfer.state}): "
            "no more chunks are taken"
        )
    return put_chunk(transfer, plan, chunk, stream, length)


def complete(sha256: str, caller: User) -> dict[str, Any]:
    """Every chunk held: check the package and store it, or refuse it (``receipt.receive``).
    Asked again once finished, the same signed verdict is answered (``already``)."""
    transfer, plan = _incoming(sha256, caller)
    if transfer.state != "receiving":
        return {**receipt.verdict_of(transfer).as_dict(), "already": True}
    absent = missing(transfer, plan)
    if absent:
        raise Conflict(
            f"{len(absent)} of {len(plan.chunks)} chunks of package {sha256} are missing "
            f"(first: chunk {absent[0]}): resume the transfer",
            [{"field": "chunks", "missing": absent[:100]}],
        )
    assert transfer.request.partner is not None
    digest = running_digest(transfer, plan) or _whole_digest(transfer, plan)
    verdict = receipt.receive(
        transfer, part_path(transfer), transfer.request.partner.public_key, digest
    )
    shutil.rmtree(incoming_dir(transfer), ignore_errors=True)
    return {**verdict.as_dict(), "already": False}


def _whole_digest(transfer: PackageTransfer, plan: Plan) -> str:
    """The assembled file's SHA-256 when it was not carried along; if it is not the announced
    one, held chunks whose bytes did not survive a crash are forgotten and asked for again."""
    digest, _ = hash_file(part_path(transfer))
    if digest != plan.sha256:
        forgotten = recheck(transfer, plan)
        if forgotten:
            raise Conflict(
                f"{len(forgotten)} chunks of package {plan.sha256} were lost on this node "
                f"(first: chunk {forgotten[0]}): resume the transfer",
                [{"field": "chunks", "missing": forgotten[:100]}],
            )
    return digest
