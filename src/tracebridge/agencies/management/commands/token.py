from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.utils import timezone

from tracebridge.agencies.models import ALL_SCOPES, ApiToken, User
from tracebridge.agencies.services import ServiceError, issue_token, revoke_token
from tracebridge.commands import SubcommandCommand


def _create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user", required=True, help="username the token acts as")
    p.add_argument("--name", default="cli", help="what the token is for")
    p.add_argument(
        "--scopes",
        default=ALL_SCOPES,
        help=f"comma-separated, of {ALL_SCOPES} (default: all)",
    )
    p.add_argument("--expires-days", type=int, default=0, help="expire after N days (0: never)")


def _revoke_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("prefix", help="the token's prefix, as `token list` shows it")


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user", default="")


class Command(SubcommandCommand):
    help = "Create, list and revoke API tokens for machine clients."
    verbs = {
        "create": ("Create a token; it is printed once and stored only as a hash.", _create_args),
        "list": ("List tokens (prefixes only).", _list_args),
        "revoke": ("Revoke a token at once.", _revoke_args),
    }

    def do_create(self, user: str, name: str, scopes: str, expires_days: int, **_: Any) -> None:
        owner = User.objects.filter(username=user).first()
        if owner is None:
            raise ServiceError(f"no user {user!r}; create one with `tracebridge user create`")
        if expires_days < 0:
            raise ServiceError("--expires-days must be 0 (never) or more")
        expires = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        chosen = [s.strip() for s in scopes.split(",") if s.strip()]
        self.stdout.write(issue_token(owner, name, scopes=chosen, expires_at=expires).secret)

    def do_list(self, user: str, **_: Any) -> None:
        now = timezone.now()
        tokens = ApiToken.objects.select_related("user").order_by("created_at")
        if user:
            tokens = tokens.filter(user__username=user)
        for t in tokens:
            state = "revoked" if t.revoked_at else "expired" if t.is_expired(now) else "active"
            self.stdout.write(f"{t.prefix}\t{t.user.username}\t{t.name}\t{state}\t{t.scopes}")

    def do_revoke(self, prefix: str, **_: Any) -> None:
        token = revoke_token(prefix)
        self.stdout.write(f"revoked {token.prefix} ({token.user.username})")
