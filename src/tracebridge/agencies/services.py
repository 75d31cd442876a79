"""Agency, user and API-token services used by the CLI, the admin pages and the API."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import Agency, ApiToken, Role, User

TOKEN_PREFIX = "tb"  # noqa: S105 - a public marker, not a secret


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message that says what to do."""


def create_agency(code: str, country: str, name: str) -> Agency:
    code = code.strip().upper()
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ServiceError(
            f"country must be an ISO 3166-1 alpha-2 code such as US or IN; got {country!r}"
        )
    if not code or " " in code:
        raise ServiceError(f"agency code must be one word such as US-FBI; got {code!r}")
    agency, created = Agency.objects.get_or_create(
        code=code, defaults={"country": country, "name": name}
    )
    if not created and (agency.country, agency.name) != (country, name):
        agency.country, agency.name = country, name
        agency.save(update_fields=["country", "name"])
    return agency


def get_agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code.strip().upper()).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
        raise ServiceError(
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
        user.agency, user.role, user.email = agency, role, email
        if name:
            user.first_name, _, user.last_name = name.strip().partition(" ")
        if title:
            user.title = title.strip()
        user.is_staff = role in (Role.AGENCY_ADMIN, Role.OPERATOR)
        user.is_superuser = role == Role.OPERATOR
        user.set_password(password)
        user.save()
    return user, password


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def issue_token(user: User, name: str = "cli") -> IssuedToken:
    """Make a token; only its SHA-256 is stored, so the secret is shown once."""
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(secret))
    audit.record("token.create", user=user, obj=token, name=name)
    return IssuedToken(token=token, secret=secret)


def revoke_token(prefix: str) -> ApiToken:
    token = ApiToken.objects.filter(prefix=prefix).first()
    if token is None:
        raise ServiceError(f"no token with prefix {prefix!r}")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token.revoke", user=token.user, obj=token)
    return token


def user_for_token(secret: str) -> User | None:
    """The active user behind a presented token, or None (unknown, malformed or revoked)."""
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "user__agency").filter(prefix=parts[1]).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
