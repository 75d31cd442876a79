"""Agencies, their users and roles, API tokens, and the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.markings import PAP_CHOICES, TLP, TLP_CHOICES


class Agency(models.Model):
    code = models.CharField(max_length=32, unique=True, help_text="e.g. US-FBI, IN-CBI")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    name = models.CharField(max_length=200)
    # What a Hindi page (the public report's status page) calls the agency; empty: ``name``.
    name_hi = models.CharField(max_length=200, blank=True, default="")
    # The country's central authority for formal requests (DOJ Office of International Affairs,
    # India's Ministry of Home Affairs): its users read the requests of every agency of its
    # country on this node (docs/assistance.md, "Central authorities").
    central_authority = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.code

    def name_in(self, language: str) -> str:
        """The agency's name for a reader of ``language`` ("hi", "en")."""
        return self.name_hi if language.split("-")[0] == "hi" and self.name_hi else self.name


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    ANALYST = "analyst", _("Analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    OPERATOR = "operator", _("Site operator")


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    # The person's official title, as certificates name their signer ("Special Agent").
    title = models.CharField(max_length=120, blank=True)

    @property
    def signature_name(self) -> str:
        """The name a certificate or letter gives this person: full name, else the username."""
        return self.get_full_name() or self.username

    @property
    def signature_title(self) -> str:
        """The official title, else the role in TraceBridge."""
        return self.title or str(self.get_role_display())

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def member_agency(self) -> Agency:
        """The agency this user acts for, where only agency users get (after a role check);
        an account of no agency is refused rather than acting for none."""
        if self.agency is None:
            raise PermissionDenied(_("This account belongs to no agency."))
        return self.agency

    @property
    def member_agency_id(self) -> int:
        """``agency_id`` as ``member_agency`` (without loading the agency)."""
        if self.agency_id is None:
            raise PermissionDenied(_("This account belongs to no agency."))
        return self.agency_id


class MarkedRecord(models.Model):
    """A record owned by one agency and carrying a TLP 2.0 (and optional PAP) marking."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    tlp = models.CharField(max_length=12, choices=TLP_CHOICES, default=TLP.AMBER.value)
    pap = models.CharField(max_length=6, choices=PAP_CHOICES, blank=True, default="")

    class Meta:
        abstract = True


class YearlySequence(models.Model):
    """The last number used per agency and year, so references (CASE-…, REQ-…) never repeat."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, prefix: str, agency: Agency, year: int) -> str:
        """<prefix>-<agency code>-<year>-<4-digit number>, numbered per agency and year."""
        rows = cls._default_manager
        with transaction.atomic():
            seq, _ = rows.select_for_update().get_or_create(agency=agency, year=year)
            rows.filter(pk=seq.pk).update(last=F("last") + 1)
            seq.refresh_from_db(fields=["last"])
        return f"{prefix}-{agency.code}-{year}-{seq.last:04d}"


class TokenScope(models.TextChoices):
    READ = "read", _("Read (GET)")
    WRITE = "write", _("Write (POST, PUT, DELETE)")
    TAXII = "taxii", _("TAXII")


ALL_SCOPES = ",".join(TokenScope.values)


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the token; never the token")
    # What the token may do: comma-separated TokenScope values ("read,taxii").
    scopes = models.CharField(max_length=50, default=ALL_SCOPES)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def allows(self, scope: str, now: datetime) -> bool:
        """Active, not expired, and granted ``scope``."""
        return self.revoked_at is None and not self.is_expired(now) and scope in self.scope_list


class AppendOnlyError(RuntimeError):
    """Someone tried to change or remove a row that is written once."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted")


class AppendOnly(models.Model):
    """Rows written once (audit events, evidence ledger entries): saving a stored row again,
    or deleting one, through the model or a queryset raises AppendOnlyError. Database
    triggers refuse the same below the ORM where a table has them."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")


class AuditEvent(AppendOnly):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=128, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=16, default="ok")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["agency", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"
