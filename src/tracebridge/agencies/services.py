"""Agency, user and API-token services used by the CLI, the admin pages and the API."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, ApiToken, Role, TokenScope, User
from tracebridge.agencies.permissions import role_at_least
from tracebridge.errors import NotFound, TracebridgeError

TOKEN_PREFIX = "tb"  # noqa: S105 - a public marker, not a secret


# The old name of the error root: a bare ServiceError is an invalid request; services raise
# the kinds of tracebridge.errors where another is meant (not found, forbidden, conflict...).
ServiceError = TracebridgeError


def create_agency(
    code: str,
    country: str,
    name: str,
    name_hi: str | None = None,
    central_authority: bool | None = None,
) -> Agency:
    """Create an agency, or update its country and names (``name_hi`` None keeps the Hindi;
    ``central_authority`` None keeps the flag)."""
    code = code.strip().upper()
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ServiceError(
            f"country must be an ISO 3166-1 alpha-2 code such as US or IN; got {country!r}"
        )
    if not code or " " in code:
        raise ServiceError(f"agency code must be one word such as US-FBI; got {code!r}")
    agency, created = Agency.objects.get_or_create(
        code=code, defaults={"country": country, "name": name, "name_hi": name_hi or ""}
    )
    hindi = agency.name_hi if name_hi is None else name_hi.strip()
    if not created and (agency.country, agency.name, agency.name_hi) != (country, name, hindi):
        agency.country, agency.name, agency.name_hi = country, name, hindi
        agency.save(update_fields=["country", "name", "name_hi"])
    if central_authority is not None and agency.central_authority != central_authority:
        agency.central_authority = central_authority
        agency.save(update_fields=["central_authority"])
    return agency


def get_agency(code: str) -> Agency:
    """The agency with ``code``; else NotFound naming the known ones (a command exits 4)."""
    agency = Agency.objects.filter(code=code.strip().upper()).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
        raise NotFound(
            f"no agency with code {code!r} (known: {known}); create it with "
            "`tracebridge agency create`"
        )
    return agency


def create_user(
    username: str,
    agency_code: str,
    role: str,
    password: str | None = None,
    email: str = "",
    *,
    name: str = "",
    title: str = "",
) -> tuple[User, str]:
    """Create or update a user; returns the user and the password that was set.

    ``name`` is the person's full name ("Jane Doe") and ``title`` their official title
    ("Special Agent"): certificates and letters name their signer by them.
    """
    if role not in Role.values:
        raise ServiceError(f"role must be one of {', '.join(Role.values)}; got {role!r}")
    agency = get_agency(agency_code)
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.agency, user.email = agency, email
        _give_role(user, role)
        if name:
            user.first_name, _, user.last_name = name.strip().partition(" ")
        if title:
            user.title = title.strip()
        user.set_password(password)
        user.save()
    return user, password


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def issue_token(
    user: User,
    name: str = "cli",
    *,
    scopes: Iterable[str] = TokenScope.values,
    expires_at: datetime | None = None,
    by: User | None = None,
) -> IssuedToken:
    """Make a token; only its SHA-256 is stored, so the secret is shown once.

    ``scopes`` limit what it may do (read: GET; write: other methods; taxii: the TAXII
    server); ``by`` is the admin who made it for ``user`` (the audit names both).
    """
    chosen = [s for s in TokenScope.values if s in set(scopes)]
    unknown = sorted(set(scopes) - set(TokenScope.values))
    if unknown or not chosen:
        raise ServiceError(
            f"scopes must be some of {', '.join(TokenScope.values)}; got {', '.join(scopes)}"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError("expires_at must be in the future")
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(secret),
        scopes=",".join(chosen),
        expires_at=expires_at,
    )
    audit.record(
        "token.create",
        user=by or user,
        obj=token,
        name=name,
        owner=user.username,
        scopes=chosen,
        expires_at=expires_at.isoformat() if expires_at else None,
    )
    return IssuedToken(token=token, secret=secret)


def revoke_token(prefix: str, by: User | None = None) -> ApiToken:
    token = ApiToken.objects.filter(prefix=prefix).first()
    if token is None:
        raise ServiceError(f"no token with prefix {prefix!r}")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token.revoke", user=by or token.user, obj=token, owner=token.user.username)
    return token


def user_for_token(secret: str, scope: str = "read") -> User | None:
    """The active user behind a presented token, or None.

    None for an unknown, malformed, revoked or expired token, and for one not granted
    ``scope`` (a read-only token presented for a POST).
    """
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "user__agency").filter(prefix=parts[1]).first()
    if token is None or not token.allows(scope, timezone.now()) or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _give_role(user: User, role: str) -> None:
    """The role and the Django admin flags that follow from it (the one place that sets them):
    agency admins and operators are staff; operators alone are superusers."""
    user.role = role
    user.is_staff = role in (Role.AGENCY_ADMIN, Role.OPERATOR)
    user.is_superuser = role == Role.OPERATOR


def _manageable(admin: User, user: User) -> None:
    """An agency admin manages the users of their own agency, never themselves or an operator."""
    if not admin.is_operator and user.agency_id != admin.agency_id:
        raise ServiceError(f"{user.username} is not a user of your agency")
    if user.pk == admin.pk:
        raise ServiceError("you cannot change your own role or deactivate yourself")
    if user.is_operator and not admin.is_operator:
        raise ServiceError("only a site operator changes a site operator")


def grantable_roles(admin: User) -> list[str]:
    """Roles ``admin`` may give: up to their own (an operator may make operators)."""
    return [r for r in Role.values if role_at_least(admin.role, r)]


def change_role(admin: User, user: User, role: str) -> User:
    _manageable(admin, user)
    if role not in grantable_roles(admin):
        raise ServiceError(f"role must be one of {', '.join(grantable_roles(admin))}")
    old = user.role
    _give_role(user, role)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    audit.record("user.role", user=admin, obj=user, target=user.username, old=old, new=role)
    return user


def set_active(admin: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a user: sign-in and every token stop working at once."""
    _manageable(admin, user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "user.activate" if active else "user.deactivate"
    audit.record(action, user=admin, obj=user, target=user.username)
    return user


def create_user_by(admin: User, username: str, role: str, **person: str) -> tuple[User, str]:
    """An agency admin adds a person to their own agency; the password is shown once."""
    if role not in grantable_roles(admin):
        raise ServiceError(f"role must be one of {', '.join(grantable_roles(admin))}")
    if User.objects.filter(username=username).exists():
        raise ServiceError(f"username {username!r} is taken; choose another")
    if not admin.agency:
        raise ServiceError("you belong to no agency")
    user, password = create_user(username, admin.agency.code, role, **person)
    audit.record("user.create", user=admin, obj=user, target=username, role=role)
    return user, password
