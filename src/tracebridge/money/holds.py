"""Hold (lien) requests: from a complaint's trail to one request per receiving account.

Modelled on India's CFCFRMS (the 1930 helpline): the complaint goes to the first bank, which
marks a lien on what is still in the account and reports where the rest went; the next layer's
banks get the same request. Here the whole traced tree is known at once, so every account that
still holds the victim's money gets its request together. International wires also carry the
FBI Financial Fraud Kill Chain's recall deadline: 72 hours after the payment.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, User
from tracebridge.agencies.permissions import has_role, is_agency_user
from tracebridge.complaints.models import Complaint
from tracebridge.errors import Conflict, Forbidden, Invalid
from tracebridge.identifiers import Identifier, parse, parse_bank_account
from tracebridge.identifiers.banking import BANK_CODES
from tracebridge.money.accounts import account_form
from tracebridge.money.models import NEXT_STATUS, HoldEvent, HoldRequest, HoldStatus
from tracebridge.money.services import hop_dict, money_format, trace_complaint
from tracebridge.money.trace import Holding, Trail

ANSWER_HOURS = 24  # the bank should acknowledge or act within a day
RECALL_HOURS = 72  # FBI Financial Fraud Kill Chain: international wires within 72 hours
BANK_PREFIX = "BANK-"
_CODE_BY_NAME = {name.lower(): code for code, name in BANK_CODES.items()}
_SLUG = re.compile(r"[^A-Z0-9]+")


class NotAllowed(Forbidden):
    """The user may not give this answer: not the addressed bank, or not senior enough."""


def bank_code(account_key: str, bank_name: str | None) -> str:
    """The agency code a bank answers hold requests under, e.g. ``BANK-SBIN``.

    Indian accounts: the IFSC's bank code; other banks and exchanges: their IFSC-style code
    when the name is an Indian bank's, else their name in capitals (``BANK-BINANCE``).
    """
    parts = account_key.split(":")
    if parts[:2] == ["bank", "IN"] and len(parts) > 2:
        return BANK_PREFIX + parts[2][:4]
    name = (bank_name or "").strip()
    code = _CODE_BY_NAME.get(name.lower()) or _SLUG.sub("-", name.upper()).strip("-")
    return (BANK_PREFIX + code)[:32] if code else ""


def is_bank(agency: Agency | None) -> bool:
    return bool(agency and agency.code.startswith(BANK_PREFIX))


def holds_for(user: User) -> QuerySet[HoldRequest]:
    """Requests the user's agency sent, and those addressed to it as a bank."""
    if not is_agency_user(user):
        return HoldRequest.objects.none()
    return HoldRequest.objects.filter(
        Q(agency_id=user.agency_id) | Q(bank_agency_id=user.agency_id)
    ).select_related("complaint", "bank_agency", "agency")


def create_holds(complaint: Complaint, user: User, trail: Trail | None = None) -> list[HoldRequest]:
    """One request per account that still holds some of the complaint's money."""
    if not has_role(user, "analyst"):
        raise Forbidden("hold requests need the analyst role or above")
    trail = trail or trace_complaint(complaint).trail
    holds = []
    with transaction.atomic():
        for holding in trail.accounts.values():
            if holding.holdable > 0:
                holds.append(_request(complaint, user, trail, holding))
        traced = {h.account_key for h in holds} | set(trail.accounts)
        for key, rows in reported_payments(complaint).items():
            if key not in traced:
                holds.append(_reported_request(complaint, user, key, rows))
    return holds


def reported_payments(complaint: Complaint) -> dict[str, list[dict[str, Any]]]:
    """The victim's transaction rows (the report form's, or the API's ``transactions``), by
    the key of the account or UPI ID they went to: what a bank can hold without a trail."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in complaint.transactions or []:
        if row.get("to_account"):
            given = {"account": row["to_account"], "ifsc": row.get("to_ifsc")}
            found = parse_bank_account({k: v for k, v in given.items() if v})
        elif row.get("to_upi"):
            found = parse("upi", row["to_upi"], complaint.country)
        else:
            continue
        if isinstance(found, Identifier) and row.get("amount"):
            out.setdefault(found.key, []).append(row)
    return out


def _reported_request(
    complaint: Complaint, user: User, key: str, rows: list[dict[str, Any]]
) -> HoldRequest:
    """A request for an account the victim paid, from their own transaction rows."""
    bank = next((r["institution"] for r in rows if r.get("institution")), "")
    code = bank_code(key, bank)
    amount = sum((Decimal(r["amount"]) for r in rows), Decimal(0))
    hold, created = HoldRequest.objects.get_or_create(
        complaint=complaint,
        account_key=key,
        defaults={
            "reference": _reference(),
            "agency": user.member_agency,
            "tlp": complaint.tlp,
            "account": account_form(key),
            "bank": bank,
            "bank_agency": Agency.objects.filter(code=code).first() if code else None,
            "layer": 1,
            "amount": amount,
            "currency": rows[0].get("currency") or complaint.loss_currency,
            "transactions": [_reported_hop(r, key) for r in rows],
            "respond_by": timezone.now() + timedelta(hours=ANSWER_HOURS),
            "created_by": user,
        },
    )
    return _opened(hold, created, user, amount, code)


def _reported_hop(row: dict[str, Any], key: str) -> dict[str, Any]:
    """A transaction row in the shape of a traced hop (``hop_dict``), marked as reported."""
    return {
        "txn_id": row.get("reference") or "",
        "time": row.get("at"),
        "from": "",
        "to": account_form(key),
        "amount": row["amount"],
        "currency": row.get("currency", ""),
        "channel": row.get("rail", "other"),
        "bank": row.get("institution", ""),
        "traced": row["amount"],
        "layer": 1,
        "kind": "reported by the victim",
    }


def _request(complaint: Complaint, user: User, trail: Trail, holding: Holding) -> HoldRequest:
    money = money_format(trail.currency)
    hops = [trail.hops[i] for i in holding.credits]
    code = bank_code(holding.key, holding.bank)
    amount = Decimal(money(holding.holdable))
    hold, created = HoldRequest.objects.get_or_create(
        complaint=complaint,
        account_key=holding.key,
        defaults={
            "reference": _reference(),
            "agency": user.member_agency,
            "tlp": complaint.tlp,
            "account": account_form(holding.key),
            "bank": holding.bank or "",
            "bank_agency": Agency.objects.filter(code=code).first() if code else None,
            "layer": holding.layer,
            "amount": amount,
            "currency": trail.currency,
            "transactions": [hop_dict(h, money) for h in hops],
            "respond_by": timezone.now() + timedelta(hours=ANSWER_HOURS),
            "recall_by": _recall_by(hops),
            "created_by": user,
        },
    )
    return _opened(hold, created, user, amount, code)


def _opened(
    hold: HoldRequest, created: bool, user: User, amount: Decimal, code: str
) -> HoldRequest:
    """A new request's first event and audit record (nothing for one that already existed)."""
    if created:
        HoldEvent.objects.create(
            hold=hold, status=HoldStatus.REQUESTED, amount=amount, user=user, agency=user.agency
        )
        audit.record("money.hold.request", user=user, obj=hold, amount=str(amount), bank=code)
    return hold


def _recall_by(hops: list[Any]) -> datetime | None:
    wires = [h.time for h in hops if h.channel == "wire"]
    if not wires:
        return None
    return datetime.fromtimestamp(min(wires), UTC) + timedelta(hours=RECALL_HOURS)


def _reference() -> str:
    return f"HR-{timezone.now():%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


def answer(
    hold: HoldRequest,
    user: User,
    status: str,
    amount_held: Decimal | None = None,
    note: str = "",
) -> HoldRequest:
    """A bank's answer (acknowledged, held with an amount, not held, released)."""
    _may_answer(hold, user, status)
    if status not in NEXT_STATUS.get(hold.status, frozenset()):
        raise Conflict(f"a {hold.status} request cannot become {status}")
    if status == HoldStatus.HELD:
        if amount_held is None or not Decimal(0) < amount_held <= hold.amount:
            raise Invalid(
                f"amount_held must be above 0 and at most {hold.amount}", field="amount_held"
            )
        if hold.status == HoldStatus.HELD and amount_held == hold.amount_held:
            # Held again is how a bank changes the amount it holds; the same answer twice
            # (a reload, a second click) would add a second identical event to the history.
            raise Conflict(
                f"{hold.amount_held} is already held: answer Held again only to change the amount"
            )
        hold.amount_held = amount_held
    hold.status, hold.answered_at = status, timezone.now()
    hold.note = note[:2000] or hold.note
    with transaction.atomic():
        hold.save(update_fields=["status", "amount_held", "answered_at", "note"])
        HoldEvent.objects.create(
            hold=hold,
            status=status,
            amount=amount_held,
            note=note[:2000],
            user=user,
            agency=user.agency,
        )
    audit.record("money.hold.answer", user=user, obj=hold, status=status)
    return hold


def _may_answer(hold: HoldRequest, user: User, status: str) -> None:
    if user.agency_id and user.agency_id == hold.bank_agency_id:
        return
    # The requesting agency may withdraw its own request (e.g. the money was recovered).
    if user.agency_id == hold.agency_id and status == HoldStatus.RELEASED:
        if has_role(user, "supervisor"):
            return
        raise NotAllowed("releasing a hold needs the supervisor role or above")
    raise NotAllowed("only the bank the request is addressed to may answer it")
