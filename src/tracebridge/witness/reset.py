"""Resetting a partner's witnessed log after a legitimate change of the partner's node key.

A witness refuses a checkpoint its pinned log key did not sign (403), so a partner that
changed its key is refused for good. An operator who has confirmed the new key out of band
registers it (`tracebridge partner add --key NEW`) and then resets: the current log is
retired as it stands (its key, size, root, cosigned checkpoints and split views are kept as
proof) and a log under the new key starts again from size 0, so the partner's next
add-checkpoint is answered as its first one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import role_at_least
from tracebridge.errors import Conflict, Forbidden, Invalid, NotFound
from tracebridge.sharing.models import Partner
from tracebridge.witness.models import WitnessedLog, WitnessReset
from tracebridge.witness.services import partner_log_key


def reset_partner_logs(name: str, key: str, reason: str, by: User) -> list[WitnessReset]:
    """Retire each current log of partner ``name`` and start one under ``key``, which must be
    the partner's pinned node key and differ from the key each log is witnessed under."""
    if not role_at_least(by.role, "agency_admin"):
        raise Forbidden(f"{by.username} is a {by.role}: a reset is for agency admins")
    if not reason.strip():
        raise Invalid("--reason: say why the partner's key changed (it is audited)")
    partner = _partner(name)
    if key.strip() != partner.public_key:
        raise Conflict(
            f"--key is not the key pinned for partner {name}: confirm the new key with the "
            f"partner, register it with `tracebridge partner add --name {name} --key ...`, "
            "then reset with the same key"
        )
    with transaction.atomic():
        logs = list(
            WitnessedLog.objects.select_for_update()
            .filter(partner=partner, retired_at__isnull=True)
            .order_by("origin")
        )
        if not logs:
            raise NotFound(f"partner {name} has no witnessed log to reset")
        return [_reset(log, partner.public_key, reason.strip(), by) for log in logs]


def _partner(name: str) -> Partner:
    partner = Partner.objects.filter(name=name).first()
    if partner is None:
        known = ", ".join(Partner.objects.order_by("name").values_list("name", flat=True))
        raise NotFound(f"--partner: no partner named {name!r} (known: {known or 'none'})")
    return partner


def _reset(log: WitnessedLog, public_key: str, reason: str, by: User) -> WitnessReset:
    new_key = partner_log_key(log.origin, public_key).encode()
    if new_key == log.log_key:
        raise Conflict(
            f"--key: {log.origin} is already witnessed under this key (unchanged): "
            "a reset is only for a key that changed"
        )
    log.retired_at = timezone.now()
    log.save(update_fields=["retired_at", "updated_at"])
    fresh = WitnessedLog.objects.create(origin=log.origin, partner=log.partner, log_key=new_key)
    reset = WitnessReset.objects.create(
        retired=log, log=fresh, old_key=log.log_key, new_key=new_key, size=log.size,
        root=log.root, reason=reason, by=by.username,
    )  # fmt: skip
    audit.record(
        "witness.reset", user=by, obj=fresh, reason=reason, old_key=log.log_key,
        new_key=new_key, size=log.size, root=log.root,
    )  # fmt: skip
    return reset
