"""Sign-in and sign-out go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from tracebridge.agencies import audit
from tracebridge.agencies.models import User


@receiver(user_logged_in)
def _logged_in(sender: type[User], request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record("auth.login", request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: type[User], request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", request=request, user=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    audit.record(
        "auth.login",
        request=request,
        outcome="denied",
        username=str(credentials.get("username", "")),
    )
