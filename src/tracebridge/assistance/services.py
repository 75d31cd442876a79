"""Formal requests: create, take a step, apply signed messages (local or imported), export.

Every step, taken here or imported from the partner, goes through ``apply``: the message is
checked (signature, trusted key, side, order, transition), stored, and appended to the evidence
ledger in one transaction. A refusal is audited with its reason and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import has_role
from tracebridge.assistance import rules, signed
from tracebridge.assistance.models import Message, Request, RequestSequence
from tracebridge.cases.models import Case
from tracebridge.errors import Invalid
from tracebridge.evidence import ledger
from tracebridge.evidence.merkle import canonical_json
from tracebridge.sharing.models import Partner
from tracebridge.sharing.signing import SignatureError

LEDGER_KIND = "request_message"
FINAL_ACTIONS = ("refuse", "return")  # 18 U.S.C. 3292: the foreign authority's final action
NODE_BY = "node"  # who takes the steps this node takes by itself (node_step)
# What an answer (return, return_part) may carry: the evidence package's plan, its certificate
# of authenticity and the handling conditions (assistance.answer).
ANSWER_CARRIES = ("package", "certificate", "conditions")
# What a message of each action carries in its data besides a note (see _step_data, create).
CARRIES = {
    "create": ("kind", "from_code", "to_code", "case", "fields", "created_at", "due_at"),
    "approve": ("due_at",),
    "preserve": ("until",),
    "extend": ("until",),
}


class Refused(Invalid):
    """A request or message this node refuses; the message says why, ``fields`` names fields;
    ``code`` a finer reason a partner's node acts on (``out_of_order``: send again later)."""

    def __init__(
        self, message: str, fields: list[str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, [{"field": f} for f in fields or []], code=code)
        self.fields = fields or []


# Sent (after the commit) with the request's reference when this node signed a step of it:
# delivery.py sends it on to the partner's node.
step_signed = Signal()


# --- creating -------------------------------------------------------------------------------


def create(
    agency: Agency,
    to_code: str,
    kind: str,
    case_ref: str,
    fields: Any,
    by: User,
    links: dict[str, Any] | None = None,
) -> Request:
    """A complete request, created and submitted for a supervisor's review."""
    try:
        fields = rules.validate(kind, fields)
    except rules.RuleError as exc:
        raise Refused(str(exc), exc.fields) from None
    _require_side_user(by, agency)
    case = Case.objects.filter(reference=case_ref, agency=agency).first()
    if case is None:
        raise Refused(f"no case {case_ref!r} of {agency.code}", ["case"])
    recipient, partner = resolve_target(to_code, agency)
    now = timezone.now()
    data = {
        "kind": kind,
        "from_code": agency.code,
        "to_code": recipient.code if recipient else to_code.strip().upper(),
        "case": case.reference,
        "links": links or {},
        "fields": fields,
        "created_at": now.isoformat(),
        "due_at": rules.due_at(kind, now).isoformat(),
    }
    with transaction.atomic():
        reference = RequestSequence.next_reference("REQ", agency, now.year)
        request = _step(reference, 1, "create", "", agency.code, by, data)  # links the case
        Request.objects.filter(pk=request.pk).update(partner=partner)
        return act(request, "submit", by)  # act reads the request again


def resolve_target(to_code: str, agency: Agency) -> tuple[Agency | None, Partner | None]:
    """The partner node that speaks for ``to_code``, else the custodian agency on this node.

    The partner wins: an agency a partner speaks for may also have a record here, as the
    holder of the account that partner's node signs in with (TAXII pulls, delivery)."""
    code = to_code.strip().upper()
    if code == agency.code:
        raise Refused("a request goes to another agency, not to the requesting one", ["to"])
    for partner in Partner.objects.order_by("name"):
        if code in partner.agency_codes:
            return None, partner
    local = Agency.objects.filter(code=code).first()
    if local is not None:
        return local, None
    raise Refused(
        f"no agency {code!r} on this node and no partner speaking for it "
        "(register it with `tracebridge partner add`)",
        ["to"],
    )


# --- steps ----------------------------------------------------------------------------------


def act(request: Request, action: str, user: User, **data: Any) -> Request:
    """Take ``action`` on ``request`` as ``user``: sign it with the node key and apply it."""
    request.refresh_from_db()
    transition = _checked(request, action)
    agency = request.requester if transition.side == rules.REQUESTER else request.recipient
    if agency is None:
        other = request.partner.name if request.partner else "the partner"
        raise Refused(
            f"{action} is the {transition.side}'s step and that agency is on {other}'s node: "
            "it arrives from there as a signed message (`tracebridge request import`)"
        )
    _require_side_user(user, agency, supervisor=action == "approve")
    data = _step_data(request, action, data)
    return _step(
        request.reference, _last_seq(request) + 1, action, request.status, agency.code, user, data
    )


def check_step(request: Request, action: str) -> rules.Transition:
    """The transition ``action`` from the request's status, or Refused saying why not."""
    return _checked(request, action)


def _checked(request: Request, action: str, at: dt.datetime | None = None) -> rules.Transition:
    """The legal transition, at ``at`` (a received message's own time; now for this node's
    steps): the status table and the clocks (a lapsed preservation is not extended)."""
    try:
        transition = rules.check_transition(request.kind, request.status, action)
        rules.check_clock(action, request.preserved_until, at or timezone.now())
    except rules.RuleError as exc:
        raise Refused(f"{request.reference}: {exc}", exc.fields) from None
    return transition


def _step_data(request: Request, action: str, data: dict[str, Any]) -> dict[str, Any]:
    now = timezone.now()
    if action == "refuse":
        reason = data.get("reason", "")
        if reason not in rules.REFUSAL_REASONS:
            raise Refused(f"reason must be one of {', '.join(rules.REFUSAL_REASONS)}", ["reason"])
        return {"reason": reason, "note": str(data.get("note", ""))}
    if action in ("preserve", "extend"):
        return {"until": _preservation_end(request, data.get("until"), now).isoformat()}
    if action == "approve":
        return {"due_at": rules.due_at(request.kind, now).isoformat()}
    note = {"note": str(data["note"])} if data.get("note") else {}
    if action in ("return", "return_part"):  # an answer may carry an evidence package
        return {**note, **{k: data[k] for k in ANSWER_CARRIES if data.get(k)}}
    return note


def node_step(request: Request, action: str, data: dict[str, Any]) -> Request:
    """A step this node takes by itself for its agency on ``request`` (a package verified or
    rejected on arrival): signed with the node key like any other, ``by`` naming the node."""
    request.refresh_from_db()
    transition = _checked(request, action)
    agency = request.requester if transition.side == rules.REQUESTER else request.recipient
    if agency is None:
        raise Refused(f"{action} is the {transition.side}'s step and that agency is not here")
    seq = _last_seq(request) + 1
    return _step(request.reference, seq, action, request.status, agency.code, None, data)


def _preservation_end(request: Request, until: Any, now: dt.datetime) -> dt.datetime:
    if until in (None, ""):
        country = request.recipient.country if request.recipient else request.to_code[:2]
        return now + dt.timedelta(days=rules.preservation_days(country))
    end = until if isinstance(until, dt.datetime) else _parse_time(str(until), "expires")
    if end <= now:
        raise Refused("the preservation's expiry must be in the future", ["expires"])
    return end


def _parse_time(text: object, field: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise Refused(
            f"{field}: not an ISO 8601 date or date and time: {text!r}", [field]
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _require_side_user(user: User, agency: Agency, supervisor: bool = False) -> None:
    if user.agency_id != agency.pk:
        raise Refused(f"{user.username} is not a user of {agency.code}", ["by"])
    minimum = "supervisor" if supervisor else "analyst"
    if not has_role(user, minimum):
        raise Refused(f"{user.username} needs the {minimum} role for this step", ["by"])


def _step(
    reference: str,
    seq: int,
    action: str,
    status: str,
    code: str,
    user: User | None,
    data: dict[str, Any],
) -> Request:
    target = rules.TRANSITIONS[action].target
    body = {
        "v": 1,
        "id": signed.new_id(),
        "request": reference,
        "seq": seq,
        "action": action,
        "from": status,
        "to": target,
        "agency": code,
        "by": user.username if user else NODE_BY,
        "at": timezone.now().isoformat(),
        "data": data,
    }
    apply_messages([signed.sign(body)], user=user)
    transaction.on_commit(lambda: step_signed.send(Request, reference=reference))
    return Request.objects.get(reference=reference)


def _last_seq(request: Request) -> int:
    last = request.messages.order_by("-seq").values_list("seq", flat=True).first()
    return int(last or 0)


# --- applying signed messages ---------------------------------------------------------------


@dataclass
class Applied:
    applied: int = 0
    already: int = 0
    references: tuple[str, ...] = ()


def apply_messages(
    messages: list[signed.Signed],
    user: User | None = None,
    then: Callable[[Applied], None] | None = None,
) -> Applied:
    """Apply every message in order, all or none; a refusal is audited and raised. ``then``
    runs inside the same transaction (a receipt is stored with what it acknowledges)."""
    result = Applied()
    try:
        with transaction.atomic():
            for message in messages:
                if _apply_one(message, user):
                    result.applied += 1
                else:
                    result.already += 1
            if then is not None:
                then(result)
    except Refused as exc:
        _audit_refusal(messages, str(exc), user)
        raise
    result.references = tuple(dict.fromkeys(str(m.body["request"]) for m in messages))
    return result


def _apply_one(message: signed.Signed, user: User | None) -> bool:
    """(1) signature, (2) trusted key for the acting agency, (3) replay, (3a) what the action
    carries, (4) request known and open, (5) order, (6) legal transition from the current
    status, (7) the right side."""
    body = message.body
    where = f"message {message.id} ({body['request']} step {body['seq']}, {body['action']})"
    try:
        signed.verify(message)  # (1)
    except SignatureError as exc:
        raise Refused(f"{where}: forged or altered: {exc}") from None
    partner = _trusted(message, where)  # (2)
    stored = Message.objects.filter(message_id=message.id).first()
    if stored is not None:  # (3)
        if stored.signature != message.signature:
            raise Refused(f"{where}: replayed with a different body or signature")
        return False
    _check_carries(body, where)  # (3a)
    request = Request.objects.select_for_update().filter(reference=body["request"]).first()
    if body["action"] == "create":
        return _apply_create(message, request, partner, user, where)
    if request is None:  # (4)
        raise Refused(f"{where}: no request {body['request']} on this node")
    if request.status in rules.TERMINAL:
        raise Refused(f"{where}: the request is {request.status}")
    _check_order(request, message, where)  # (5)
    transition = _checked(request, str(body["action"]), _parse_time(body["at"], "at"))  # (6)
    side_code = request.from_code if transition.side == rules.REQUESTER else request.to_code
    if body.get("agency") != side_code or body.get("from") != request.status:  # (7)
        raise Refused(
            f"{where}: {body['action']} is for {side_code} from {request.status}, "
            f"not {body.get('agency')} from {body.get('from')}"
        )
    _update(request, transition, body)
    _store(request, message, user)
    return True


def _check_carries(body: dict[str, Any], where: str) -> None:
    """What the action's message must carry: a partner's tool that sends less is refused with
    the missing names, not answered with a crash."""
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise Refused(f"{where}: data must be a JSON object", ["data"])
    absent = [] if isinstance(body.get("at"), str) else ["at"]
    absent += [f"data.{n}" for n in CARRIES.get(str(body["action"]), ()) if data.get(n) is None]
    if absent:
        raise Refused(f"{where}: the message lacks {', '.join(absent)}", absent)


def _trusted(message: signed.Signed, where: str) -> Partner | None:
    agency = str(message.body.get("agency", ""))
    if message.key == signed.own_key():
        if not Agency.objects.filter(code=agency).exists():
            raise Refused(f"{where}: signed by this node for {agency!r}, not an agency here")
        return None
    partner = Partner.objects.filter(public_key=message.key).first()
    if partner is None:
        raise Refused(f"{where}: signed by a key that is neither this node's nor a partner's")
    if agency not in partner.agency_codes:
        raise Refused(f"{where}: partner {partner.name} does not speak for {agency!r}")
    return partner


def _check_order(request: Request, message: signed.Signed, where: str) -> None:
    expected = _last_seq(request) + 1
    seq = int(message.body["seq"])
    if seq < expected:
        raise Refused(f"{where}: step {seq} is already another message on this node")
    if seq > expected:
        raise Refused(
            f"{where}: out of order, step {expected} is the next one", code="out_of_order"
        )


def _apply_create(
    message: signed.Signed,
    existing: Request | None,
    partner: Partner | None,
    user: User | None,
    where: str,
) -> bool:
    body, data = message.body, message.body.get("data") or {}
    if existing is not None:
        raise Refused(f"{where}: request {body['request']} already exists with another creation")
    if body.get("seq") != 1 or body.get("agency") != data.get("from_code"):
        raise Refused(f"{where}: a creation is step 1 by the requesting agency")
    try:
        rules.validate(str(data.get("kind")), data.get("fields"))
    except rules.RuleError as exc:
        raise Refused(f"{where}: {exc}", exc.fields) from None
    recipient = Agency.objects.filter(code=data.get("to_code")).first()
    if partner is not None and recipient is None:
        raise Refused(f"{where}: addressed to {data.get('to_code')!r}, not an agency here")
    request = Request.objects.create(
        reference=body["request"],
        kind=data["kind"],
        status="draft",
        from_code=data["from_code"],
        to_code=data["to_code"],
        requester=None if partner else Agency.objects.filter(code=data["from_code"]).first(),
        recipient=recipient,
        partner=partner,
        case_reference=data["case"],
        links=data.get("links") or {},
        fields=data["fields"],
        due_at=_parse_time(data["due_at"], "due_at"),
        created_at=_parse_time(data["created_at"], "created_at"),
    )
    if partner is None and request.requester is not None:
        request.case = Case.objects.filter(reference=data["case"]).first()
        request.save(update_fields=["case"])
    _store(request, message, user)
    return True


def _update(request: Request, transition: rules.Transition, body: dict[str, Any]) -> None:
    data, at = body.get("data") or {}, _parse_time(str(body["at"]), "at")
    request.status = transition.target
    if transition.action == "approve":
        request.requested_on = at.date()
        request.due_at = _parse_time(data["due_at"], "due_at")
    if transition.action == "refuse":
        request.refusal_reason = str(data.get("reason", ""))
    if transition.action in ("preserve", "extend"):
        request.preserved_until = _parse_time(data["until"], "until")
    if transition.action in FINAL_ACTIONS and request.acted_on is None:
        request.acted_on = at.date()
    request.save()


def _store(request: Request, message: signed.Signed, user: User | None) -> None:
    entry = ledger.append(LEDGER_KIND, message.as_dict())
    body = message.body
    Message.objects.create(
        message_id=message.id,
        request=request,
        seq=body["seq"],
        action=body["action"],
        body=canonical_json(body).decode(),
        signature=message.signature,
        signer_key=message.key,
        signer_name=message.signer,
        by=str(body.get("by", ""))[:150],
        ledger_index=entry.index,
        user=user,
    )
    audit.record(
        f"request.{body['action']}",
        user=user,
        agency=user.agency if user else request.recipient,
        object_type="request",
        object_id=request.reference,
        message=message.id,
        ledger_index=entry.index,
        status=request.status,
    )


def _audit_refusal(messages: list[signed.Signed], reason: str, user: User | None) -> None:
    ref = str(messages[0].body.get("request", "")) if messages else ""
    audit.record(
        "request.message_refused",
        user=user,
        object_type="request",
        object_id=ref,
        outcome="denied",
        reason=reason,
        messages=[m.id for m in messages][:50],
    )


# --- files ----------------------------------------------------------------------------------


def export(request: Request) -> dict[str, Any]:
    """The request's signed messages as a file the other node imports."""
    return {
        "format": signed.FORMAT,
        "request": request.reference,
        "messages": [message_of(m).as_dict() for m in request.messages.order_by("seq")],
    }


def message_of(stored: Message) -> signed.Signed:
    return signed.Signed(
        jsonlimits.loads(stored.body, "a stored message"),
        stored.signature,
        stored.signer_key,
        stored.signer_name,
    )


def import_file(data: bytes, user: User | None = None, name: str = "the file") -> Applied:
    try:
        document = jsonlimits.loads(data, name)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    if not isinstance(document, dict) or document.get("format") != signed.FORMAT:
        raise Refused(f"{name} is not a {signed.FORMAT} file")
    items = document.get("messages")
    if not isinstance(items, list) or not items:
        raise Refused(f"{name} holds no messages")
    try:
        messages = [signed.parse(m, f"{name}: message {i + 1}") for i, m in enumerate(items)]
    except ValueError as exc:
        raise Refused(str(exc)) from None
    return apply_messages(messages, user=user)
