"""What a supervisor decides on: who asks, what would flow, decline with a reason, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Q

from tracebridge.agencies import audit
from tracebridge.agencies.models import AuditEvent, User
from tracebridge.agencies.permissions import NEVER_SHARED, acts_for
from tracebridge.errors import Forbidden, Invalid
from tracebridge.sharing.models import Agreement, SharedObject
from tracebridge.sharing.services import revoke_agreement

DECISIONS = ("agreement.approve", "agreement.decline")


@dataclass(frozen=True)
class Flow:
    kind: str
    tlp: str
    count: int


def _marked_models() -> dict[str, Any]:
    """Record kinds -> models, from the app registry (sharing imports no higher app)."""
    out = {}
    for model in apps.get_models():
        kind = getattr(model, "share_kind", None)
        if kind and hasattr(model, "tlp"):
            out[kind] = model
    return out


def preview(agreement: Agreement) -> list[Flow]:
    """The owner's records that would flow under ``agreement`` now, by kind and marking."""
    markings = sorted(set(agreement.tlp) - NEVER_SHARED)
    models = _marked_models()
    flows = []
    for kind in agreement.kinds:
        model = models.get(kind)
        if model is None:
            continue
        rows = (
            model.objects.filter(agency_id=agreement.owner_id, tlp__in=markings)
            .order_by()
            .values("tlp")
            .annotate(n=Count("pk"))
        )
        flows += [Flow(kind, row["tlp"], row["n"]) for row in rows]
    return sorted(flows, key=lambda f: (f.kind, f.tlp))


def decline(agreement: Agreement, user: User, reason: str) -> Agreement:
    """A supervisor of the owning agency declines: the agreement is withdrawn, the reason kept."""
    reason = reason.strip()
    if not acts_for(user, agreement.owner_id, "supervisor"):
        audit.record("agreement.decline", user=user, obj=agreement, outcome="denied")
        raise Forbidden("only a supervisor of the sharing agency can decline this agreement")
    if not reason:
        raise Invalid("say why: a decline needs a reason", field="reason")
    revoke_agreement(agreement, user)
    audit.record("agreement.decline", user=user, obj=agreement, reason=reason[:500])
    return agreement


def history(user: User, limit: int = 50) -> list[tuple[AuditEvent, str]]:
    """The agency's approvals and declines, newest first, each with the partner it concerned
    (the audit event keeps only the agreement's id)."""
    events = list(
        AuditEvent.objects.filter(
            agency_id=user.member_agency_id, action__in=DECISIONS, outcome="ok"
        ).order_by("-at")[:limit]
    )
    ids = [e.object_id for e in events if e.object_id.isdigit()]
    rows = Agreement.objects.filter(pk__in=ids).values_list("pk", "partner__code")
    partners = {str(pk): code for pk, code in rows}
    return [(e, partners.get(e.object_id, e.object_id)) for e in events]


# What every bundle carries whatever flows: markings, the producers' identities, extensions.
SCAFFOLD = ("marking-definition", "identity", "extension-definition")


@dataclass(frozen=True)
class Published:
    objects: int
    records: int  # objects that carry records (not SCAFFOLD)
    complaints: int  # one STIX incident per complaint (stix.complaint_objects)

    @property
    def only_markings(self) -> bool:
        """An export that would hold markings (and their scaffolding) and nothing else."""
        return self.records == 0


def published_counts(agreement: Agreement) -> Published:
    """The latest objects published under ``agreement``: all, those that carry records, and
    the complaints among them (the figure a supervisor approved in the preview)."""
    counts = SharedObject.objects.filter(agreement=agreement, is_latest=True).aggregate(
        objects=Count("pk"),
        records=Count("pk", filter=~Q(stix_type__in=SCAFFOLD)),
        complaints=Count("pk", filter=Q(stix_type="incident")),
    )
    return Published(**counts)
