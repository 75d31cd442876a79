"""Who may see and do what: the one set of helpers every view and API route uses.

A record is visible to its own agency; CLEAR records to every agency user; other markings to
another agency only when a sharing agreement (registered by the sharing app through
``register_policy``) grants that marking for that kind of record. RED and AMBER+STRICT never
leave the owning agency, whatever an agreement says.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tracebridge.agencies import audit
from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Role, User

_M = TypeVar("_M", bound=Model)


class SharingPolicy(Protocol):
    def grants(self, viewer_agency_id: int, kind: str) -> dict[int, frozenset[str]]:
        """Owner agency id -> TLP markings the viewer's agency may see for ``kind``."""
        ...

    def victim_fields(
        self, viewer_agency_id: int, owner_agency_id: int, tlp: str
    ) -> frozenset[str]:
        """Victim fields an agreement names for the owner's complaints marked ``tlp``."""
        ...


class _NoSharing:
    def grants(self, viewer_agency_id: int, kind: str) -> dict[int, frozenset[str]]:
        return {}

    def victim_fields(
        self, viewer_agency_id: int, owner_agency_id: int, tlp: str
    ) -> frozenset[str]:
        return frozenset()


_policy: SharingPolicy = _NoSharing()
NEVER_SHARED = frozenset({TLP.RED.value, TLP.AMBER_STRICT.value})
# Markings an agreement could grant: the only ones another agency may learn exist (as a count).
GRANTABLE = frozenset({TLP.GREEN.value, TLP.AMBER.value})


def register_policy(policy: SharingPolicy) -> None:
    global _policy
    _policy = policy


def record_kind(obj_or_model: Any) -> str:
    return str(getattr(obj_or_model, "share_kind", None) or obj_or_model._meta.model_name)


def is_agency_user(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "agency_id", None))


ROLE_RANK = {
    Role.VIEWER: 0,
    Role.ANALYST: 1,
    Role.SUPERVISOR: 2,
    Role.AGENCY_ADMIN: 3,
    Role.OPERATOR: 4,
}


def role_at_least(role: str, minimum: str) -> bool:
    """True when ``role`` ranks ``minimum`` or above (the one comparison of roles)."""
    return ROLE_RANK[Role(role)] >= ROLE_RANK[Role(minimum)]


def has_role(user: User | AnonymousUser | None, minimum: str | None) -> TypeGuard[User]:
    """An agency user whose role is ``minimum`` or above (``None``: any agency user)."""
    return is_agency_user(user) and (minimum is None or role_at_least(user.role, minimum))


def acts_for(
    user: User | AnonymousUser | None, agency_id: int | None, minimum: str
) -> TypeGuard[User]:
    """A user of the agency ``agency_id`` whose role is ``minimum`` or above: who may act on
    that agency's record (approve its agreement, set its report's stage...)."""
    return has_role(user, minimum) and user.agency_id == agency_id


def require_role(request: HttpRequest, minimum: str | None, message: str = "") -> User:
    """The gate of a page: the user when ``has_role``; else the refusal is audited
    (``page.forbidden``) and Django answers 403 with ``message``."""
    if not has_role(request.user, minimum):
        audit.record("page.forbidden", request=request, outcome="denied", path=request.path)
        raise PermissionDenied(message or _("Your role does not allow this page."))
    return request.user


def can_view(user: User | AnonymousUser | None, obj: Any) -> bool:
    """May ``user`` see the marked record ``obj`` (which has ``agency_id`` and ``tlp``)?"""
    if not is_agency_user(user):
        return False
    if obj.agency_id == user.agency_id:
        return True
    if obj.tlp in NEVER_SHARED:
        return False
    if obj.tlp == TLP.CLEAR.value:
        return True
    allowed = _policy.grants(user.member_agency_id, record_kind(obj)).get(
        obj.agency_id, frozenset()
    )
    return obj.tlp in allowed


def victim_fields(viewer_agency_id: int, owner_agency_id: int, tlp: str) -> frozenset[str]:
    """Victim fields of the owner's complaints marked ``tlp`` that another agency may read.

    Only ``complaints.redaction.Reader`` asks (the one redaction of a complaint for a reader).
    """
    if tlp in NEVER_SHARED or viewer_agency_id == owner_agency_id:
        return frozenset()
    return frozenset(_policy.victim_fields(viewer_agency_id, owner_agency_id, tlp))


def visible_q(user: User | AnonymousUser | None, kind: str, prefix: str = "") -> Q:
    """A filter for the records of ``kind`` that ``user`` may see (``prefix`` for relations)."""
    if not is_agency_user(user):
        return Q(pk__in=[])
    own = Q(**{f"{prefix}agency_id": user.agency_id})
    clear = Q(**{f"{prefix}tlp": TLP.CLEAR.value})
    query = own | clear
    for owner_id, markings in _policy.grants(user.member_agency_id, kind).items():
        shareable = sorted(set(markings) - NEVER_SHARED)
        if shareable:
            query |= Q(**{f"{prefix}agency_id": owner_id, f"{prefix}tlp__in": shareable})
    return query


def visible(user: User | AnonymousUser | None, queryset: QuerySet[_M]) -> QuerySet[_M]:
    return queryset.filter(visible_q(user, record_kind(queryset.model)))


def get_visible_or_404(request: HttpRequest, queryset: QuerySet[_M], **lookup: Any) -> _M:
    """Fetch one marked record for the requester, auditing the read.

    Absent and forbidden answer the same 404 so that nobody learns what exists elsewhere;
    the audit log still records the refused attempt.
    """
    user = getattr(request, "auth_user", None) or request.user
    kind = record_kind(queryset.model)
    obj = queryset.filter(**lookup).first()
    if obj is None or not can_view(user, obj):
        audit.record(
            f"{kind}.read",
            request=request,
            object_type=kind,
            object_id=str(next(iter(lookup.values()), "")),
            outcome="denied",
        )
        raise Http404(f"No {kind} matches the given query.")
    audit.record(f"{kind}.read", request=request, obj=obj)
    return obj


def withheld_by_owner(
    user: User | AnonymousUser | None, queryset: QuerySet[Any]
) -> list[tuple[str, int]]:
    """(owner agency code, count) of records in ``queryset`` that ``user`` may not see.

    Only records an agreement could grant (GREEN, AMBER) are counted: RED and AMBER+STRICT never
    leave their agency, not even as a count, and CLEAR ones are visible anyway. This is the one
    place that says "N records held by X are not shared with your agency" (docs/telecom.md).
    """
    if not is_agency_user(user):
        return []
    hidden = (
        queryset.exclude(visible_q(user, record_kind(queryset.model)))
        .exclude(agency_id=user.agency_id)
        .filter(tlp__in=sorted(GRANTABLE))
    )
    rows = hidden.order_by().values("agency__code").annotate(n=Count("pk", distinct=True))
    return sorted((row["agency__code"], row["n"]) for row in rows)
