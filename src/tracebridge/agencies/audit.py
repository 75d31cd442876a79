"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from tracebridge.agencies.models import Agency, AuditEvent, User


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address: the one place audit, rate limits and report limits read it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _actor(request: HttpRequest | None, user: User | None) -> User | None:
    """``user``, else the request's authenticated caller (``auth_user``, else ``user``)."""
    if user is None and request is not None:
        user = getattr(request, "auth_user", None) or getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    agency: Agency | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = "ok",
    **detail: Any,
) -> AuditEvent:
    """Append one event. ``obj`` fills object type and id when given."""
    actor = _actor(request, user)
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or str(getattr(obj, "reference", None) or obj.pk)
    username = actor.get_username() if actor else str(detail.pop("username", ""))[:150]
    return AuditEvent.objects.create(
        user=actor,
        username=username,
        agency=agency or (actor.agency if actor else None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_address=client_address(request),
        outcome=outcome,
        detail=detail,
    )
