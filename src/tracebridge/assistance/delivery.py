"""Delivery between nodes: each signed step goes to the partner's node over HTTP(S), exactly
once in effect, and comes back with the recipient's signed receipt.

Sending: the step's message is put in the durable outbox (``outbox.Outbox``) and posted to the
partner's inbound route (``POST /api/v1/request-messages``) with the API token the partner
issued to this node (``tracebridge partner add --token``) and a fresh nonce. The answer is
signed with the partner's node key over that nonce as TAXII pages are
(``sharing.taxii.signed``), so neither a receipt nor a refusal can be forged or replayed. A
receipt is checked against the partner's pinned key and stored, with a ledger leaf, in the
transaction that marks the message delivered. No answer, an unsigned or badly signed answer or
``out_of_order``: the message stays pending and is tried again (backoff up to an hour); any
other signed refusal marks it refused (``tracebridge request send`` tries it again).

Receiving: the message is applied as an imported one (``services.apply_messages``: signature,
trusted key, replay, order, transition) after two checks of its own (the caller's token is a
user of an agency a registered partner speaks for; the message is signed with that partner's
pinned key), and the receipt is signed and stored, with its ledger leaf, in the same
transaction. A message id seen before with the same signature is answered with the same
receipt and applied once. A message whose predecessor has not arrived is refused
(``out_of_order``), not held: the sender's outbox keeps it and sends a request's messages in
order, so it arrives again after its predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.api_support import error_body
from tracebridge.assistance import services, signed
from tracebridge.assistance.models import Message, Request
from tracebridge.assistance.outbox import Outbox, Receipt
from tracebridge.assistance.services import Refused
from tracebridge.errors import Forbidden, TracebridgeError
from tracebridge.evidence import ledger
from tracebridge.evidence.merkle import canonical_json
from tracebridge.sharing import signing
from tracebridge.sharing.models import Partner

INBOUND_PATH = "api/v1/request-messages"
SIGNATURE_HEADER = "X-TraceBridge-Signature"
NONCE_HEADER = "X-TraceBridge-Nonce"
LEDGER_KIND = "request_receipt"
TIMEOUT = (5, 30)  # connect, read: a step on a page must not hang on a dead partner
RETRY_FIRST, RETRY_MAX = dt.timedelta(seconds=30), dt.timedelta(hours=1)
RETRYABLE = ("out_of_order",)  # a signed refusal that may pass later
STATUSES = ("accepted", "delivered")


# --- sending --------------------------------------------------------------------------------


@dataclass
class Sent:
    delivered: int = 0
    pending: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)


def inbound_url(partner: Partner) -> str:
    """The partner node's inbound route, under that node's /api/v1."""
    return partner.node_url(INBOUND_PATH)


def has_left(request: Request) -> bool:
    """A request leaves its node only after a supervisor's approval (its ``approve`` step)."""
    if request.status in ("draft", "supervisor_review"):
        return False
    return request.status != "withdrawn" or request.messages.filter(action="approve").exists()


def enqueue(request: Request) -> int:
    """Put this node's signed messages of ``request`` not yet queued in the outbox, in order."""
    if request.partner is None:
        raise Refused(
            f"{request.reference} is addressed to {request.to_code} on this node: "
            "nothing travels to another node"
        )
    if not has_left(request):
        raise Refused(
            f"{request.reference} is {request.status}: a request leaves this node only after "
            "a supervisor's approval (`tracebridge request approve`)"
        )
    own, now = signed.own_key(), timezone.now()
    fresh = request.messages.filter(signer_key=own, outbox__isnull=True).order_by("seq")
    rows = [
        Outbox(
            message=stored,
            partner=request.partner,
            payload=json.dumps(services.message_of(stored).as_dict(), ensure_ascii=False),
            next_attempt_at=now,
        )
        for stored in fresh
    ]
    Outbox.objects.bulk_create(rows, ignore_conflicts=True)  # another sender queued it first
    return len(rows)


def send(request: Request) -> Sent:
    """``tracebridge request send REF``: queue what is new, then try every undelivered message
    of the request now, in order (a refused one too: its cause may have been fixed)."""
    enqueue(request)
    assert request.partner is not None  # enqueue refused a request without one
    if not request.partner.api_root:
        raise Refused(
            f"partner {request.partner.name} has no URL (only files travel): export the request "
            f"with `tracebridge request export {request.reference} --out FILE`, or give the "
            "partner a URL with `tracebridge partner add --url`"
        )
    rows = Outbox.objects.filter(message__request=request).exclude(state=Outbox.DELIVERED)
    return deliver(rows.order_by("message__seq"))


def deliver_due() -> Sent:
    """``tracebridge request deliver``: every pending message whose next attempt is due."""
    due = Outbox.objects.filter(state=Outbox.PENDING, next_attempt_at__lte=timezone.now())
    return deliver(due.order_by("id"))


def send_after_step(sender: Any, reference: str, **_: Any) -> None:
    """Connected to ``services.step_signed``: a step of a request that has left this node goes
    at once to a partner with a URL; failures stay in the outbox for the next attempt."""
    request = Request.objects.select_related("partner").filter(reference=reference).first()
    if request is None or request.partner is None or not request.partner.api_root:
        return
    if not has_left(request):
        return
    enqueue(request)
    pending = Outbox.objects.filter(message__request=request, state=Outbox.PENDING)
    deliver(pending.order_by("message__seq"))


def deliver(rows: QuerySet[Outbox]) -> Sent:
    """Post each row; a request whose earlier message did not get through waits (order)."""
    result, blocked = Sent(), set()
    sessions: dict[int, requests.Session] = {}
    try:
        for row in rows.select_related("partner", "message"):
            if row.message.request_id in blocked:
                result.pending += 1
                continue
            session = sessions.setdefault(row.partner_id, requests.Session())
            state = _attempt(row, session)
            setattr(result, state, getattr(result, state) + 1)
            if state != Outbox.DELIVERED:
                blocked.add(row.message.request_id)
                result.problems.append(f"step {row.message.seq}: {row.last_error}")
    finally:
        for session in sessions.values():
            session.close()
    return result


def _attempt(row: Outbox, session: requests.Session) -> str:
    partner, nonce = row.partner, secrets.token_hex(16)
    url = inbound_url(partner)
    headers = {
        "Authorization": f"Bearer {partner.token}",
        "Content-Type": "application/json",
        NONCE_HEADER: nonce,
    }
    try:
        response = session.post(url, data=row.payload.encode(), headers=headers, timeout=TIMEOUT)
    except requests.RequestException as exc:
        return _retry(row, f"no answer from {url} ({type(exc).__name__})")
    what = f"HTTP {response.status_code} from {url}"
    try:
        signing.verify_page(
            partner.public_key,
            response.headers.get(SIGNATURE_HEADER, ""),
            nonce,
            response.request.path_url,
            response.content,
            response.headers,
        )
    except signing.SignatureError as exc:
        reason = f"{what}{_said(response)}: the answer is not signed by {partner.name}'s pinned key ({exc})"
        return _retry(row, reason, audited=bool(response.headers.get(SIGNATURE_HEADER)))
    answer = _json(response)
    if response.status_code == 200:
        return _receipt_of(row, answer, what)
    error = answer.get("error")
    if not isinstance(error, dict):
        error = {}
    reason = f"{what}: {error.get('code', 'error')}: {error.get('message', '')}"
    if error.get("code") in RETRYABLE:
        return _retry(row, reason)
    return _fail(row, Outbox.REFUSED, reason, audited=True)


def _said(response: requests.Response) -> str:
    error = _json(response).get("error")
    return f" ({error.get('message', '')})" if isinstance(error, dict) else ""


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = jsonlimits.loads(response.content, "the answer")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _retry(row: Outbox, reason: str, audited: bool = False) -> str:
    return _fail(row, Outbox.PENDING, reason, audited)


def _fail(row: Outbox, state: str, reason: str, audited: bool = False) -> str:
    wait = min(RETRY_FIRST * 2**row.attempts, RETRY_MAX)
    row.attempts += 1
    row.state, row.last_error = state, reason[:2000]
    row.next_attempt_at = timezone.now() + wait
    row.save(update_fields=["attempts", "state", "last_error", "next_attempt_at"])
    if audited or state == Outbox.REFUSED:
        audit.record(
            "request.delivery_refused",
            object_type="request",
            object_id=row.message.request.reference,
            outcome="denied",
            reason=reason,
            message=row.message.message_id,
            partner=row.partner.name,
        )
    return state


def _receipt_of(row: Outbox, answer: dict[str, Any], what: str) -> str:
    """Check the partner's receipt of ``row`` and store it with the delivery, or retry."""
    try:
        receipt = _checked_receipt(row, answer.get("receipt"))
    except ValueError as exc:
        return _retry(row, f"{what}: receipt refused: {exc}", audited=True)
    with transaction.atomic():
        locked = Outbox.objects.select_for_update().get(pk=row.pk)
        if locked.state == Outbox.DELIVERED:  # another sender stored it first
            return Outbox.DELIVERED
        _store_receipt(row.message, receipt)
        locked.state, locked.last_error = Outbox.DELIVERED, ""
        locked.attempts += 1
        locked.delivered_at = timezone.now()
        locked.save(update_fields=["state", "last_error", "attempts", "delivered_at"])
        audit.record(
            "request.delivered",
            object_type="request",
            object_id=str(receipt.body["request"]),
            message=row.message.message_id,
            partner=row.partner.name,
            receipt=receipt.id,
            status=receipt.body["status"],
        )
    return Outbox.DELIVERED


def _checked_receipt(row: Outbox, item: Any) -> signed.Signed:
    receipt = signed.parse(item, "the receipt")
    if receipt.key != row.partner.public_key:
        raise ValueError(
            f"signed by {receipt.key}, not by {row.partner.name}'s pinned key "
            f"{row.partner.public_key} (if the partner's key changed, pin the new one with "
            "`tracebridge partner add`)"
        )
    try:
        signed.verify(receipt, signed.RECEIPT_TARGET)
    except signing.SignatureError as exc:
        raise ValueError(f"forged or altered: {exc}") from None
    body, message = receipt.body, row.message
    expected = {"type": "receipt", "message": message.message_id, "digest": digest(message)}
    wrong = [k for k, v in expected.items() if body.get(k) != v]
    if wrong or body.get("status") not in STATUSES:
        raise ValueError(f"it does not acknowledge this message ({', '.join(wrong) or 'status'})")
    return receipt


# --- receiving ------------------------------------------------------------------------------


@dataclass
class Answer:
    """What the inbound route answers: a receipt, or the error that refused the message."""

    receipt: signed.Signed | None = None
    error: TracebridgeError | None = None

    def body(self) -> dict[str, Any]:
        if self.receipt is not None:
            return {"receipt": self.receipt.as_dict()}
        assert self.error is not None
        return error_body(self.error.code, str(self.error), self.error.details)


def receive(raw: bytes, caller: User) -> Answer:
    """One signed message posted by a partner node: applied once, answered with a receipt."""
    try:
        message = _inbound(raw)
    except Refused as exc:
        _audit_refused(caller, "", str(exc))
        return Answer(error=exc)
    try:
        _check_sender(caller, message)
    except Forbidden as exc:
        _audit_refused(caller, str(message.body.get("request", "")), str(exc))
        return Answer(error=exc)
    try:
        return Answer(receipt=_apply(message, caller))
    except Refused as exc:  # audited by apply_messages
        return Answer(error=exc)


def _inbound(raw: bytes) -> signed.Signed:
    try:
        return signed.parse(jsonlimits.loads(raw, "the body"), "the body")
    except ValueError as exc:
        raise Refused(str(exc)) from None


def _check_sender(caller: User, message: signed.Signed) -> Partner:
    """The caller's agency is one a registered partner speaks for, and that partner's pinned
    key signed the message."""
    code = caller.agency.code if caller.agency else ""
    partners = [p for p in Partner.objects.order_by("name") if code in p.agency_codes]
    if not partners:
        raise Forbidden(
            f"unknown partner: no partner node registered here speaks for {code or 'no agency'} "
            f"({caller.username}'s agency); register it with `tracebridge partner add`",
            code="unknown_partner",
        )
    for partner in partners:
        if partner.public_key == message.key:
            return partner
    names = ", ".join(p.name for p in partners)
    raise Forbidden(
        f"the partner's key changed: {names} is pinned with {partners[0].public_key} but the "
        f"message is signed with {message.key}; if the partner rotated its key, pin the new one "
        "with `tracebridge partner add --key`",
        code="partner_key_changed",
    )


def _apply(message: signed.Signed, caller: User) -> signed.Signed:
    """Apply the message and store its receipt in one transaction; a duplicate gets the same
    receipt (one issued with ``delivered`` when the message first came in a file)."""
    issued: list[signed.Signed] = []

    def receipt(applied: services.Applied) -> None:
        stored = Message.objects.select_related("request").get(message_id=message.id)
        existing = Receipt.objects.filter(message=stored).first()
        if existing is not None:
            issued.append(receipt_of(existing))
            return
        issued.append(_issue(stored, "accepted" if applied.applied else "delivered"))

    services.apply_messages([message], user=caller, then=receipt)
    return issued[0]


def _issue(stored: Message, status: str) -> signed.Signed:
    body = {
        "v": 1,
        "type": "receipt",
        "id": signed.new_id(),
        "message": stored.message_id,
        "digest": digest(stored),
        "request": stored.request.reference,
        "seq": stored.seq,
        "action": stored.action,
        "status": status,
        "request_status": stored.request.status,
        "at": timezone.now().isoformat(),
    }
    receipt = signed.sign(body, signed.RECEIPT_TARGET)
    _store_receipt(stored, receipt)
    return receipt


def _store_receipt(stored: Message, receipt: signed.Signed) -> Receipt:
    entry = ledger.append(LEDGER_KIND, receipt.as_dict())
    return Receipt.objects.create(
        message=stored,
        receipt_id=receipt.id,
        status=str(receipt.body["status"]),
        body=canonical_json(receipt.body).decode(),
        signature=receipt.signature,
        signer_key=receipt.key,
        signer_name=receipt.signer,
        ledger_index=entry.index,
    )


def _audit_refused(caller: User, reference: str, reason: str) -> None:
    audit.record(
        "request.message_refused",
        user=caller,
        object_type="request",
        object_id=reference,
        outcome="denied",
        reason=reason,
        channel="http",
    )


# --- reading --------------------------------------------------------------------------------


def digest(stored: Message) -> str:
    """SHA-256 of the message body as signed (canonical JSON): what a receipt acknowledges."""
    return hashlib.sha256(stored.body.encode()).hexdigest()


def receipt_of(stored: Receipt) -> signed.Signed:
    return signed.Signed(
        jsonlimits.loads(stored.body, "a stored receipt"),
        stored.signature,
        stored.signer_key,
        stored.signer_name,
    )


def delivery_view(messages: Iterable[Message]) -> dict[int, dict[str, Any]]:
    """Per message pk: its receipt (who signed it, status, ledger leaf) and its outbox state."""
    ids = [m.pk for m in messages]
    view: dict[int, dict[str, Any]] = {i: {"receipt": None, "delivery": None} for i in ids}
    for r in Receipt.objects.filter(message_id__in=ids):
        view[r.message_id]["receipt"] = {
            "id": r.receipt_id,
            "status": r.status,
            "signer": r.signer_name,
            "signer_key": r.signer_key,
            "signature": r.signature,
            "ledger_index": r.ledger_index,
            "at": str(json.loads(r.body).get("at", "")),
        }
    for o in Outbox.objects.filter(message_id__in=ids).select_related("partner"):
        view[o.message_id]["delivery"] = {
            "partner": o.partner.name,
            "state": o.state,
            "attempts": o.attempts,
            "next_attempt_at": o.next_attempt_at.isoformat() if o.state == "pending" else None,
            "delivered_at": o.delivered_at.isoformat() if o.delivered_at else None,
            "last_error": o.last_error or None,
        }
    return view
