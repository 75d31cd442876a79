"""Sharing agreements, partner nodes, the TAXII object store and what partners sent us."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Agency

# An agreement that names no kinds covers the intelligence kinds; telecom findings (robocall
# campaigns, traceback requests) flow only when an agreement names them (docs/sharing.md).
DEFAULT_KINDS = ("complaint", "sighting", "campaign", "case", "evidence")
TELECOM_KINDS = ("robocallcampaign", "tracebackrequest")
SHARE_KINDS = DEFAULT_KINDS + TELECOM_KINDS
# Victim personal-data fields an agreement may name; everything else about a victim stays home.
PERSONAL_FIELDS = ("name", "phone", "email", "city", "state", "district", "age_band")


class Agreement(models.Model):
    """``owner`` shares its records of ``kinds`` marked ``tlp`` with ``partner`` until expiry."""

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agreements_given")
    partner = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="agreements_received"
    )
    tlp = models.JSONField(default=list, help_text="TLP markings the partner may receive")
    kinds = models.JSONField(default=list, help_text="record kinds covered")
    fields = models.JSONField(default=list, blank=True, help_text="victim fields shared")
    expires_on = models.DateField(null=True, blank=True)
    collection_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = models.CharField(max_length=64, help_text="per-agreement key for overlap checks")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["owner__code", "partner__code", "id"]

    def __str__(self) -> str:
        return f"{self.owner} -> {self.partner} ({','.join(self.tlp)})"

    @property
    def needs_approval(self) -> bool:
        """AMBER leaves the agency only after a supervisor of the owner approves."""
        return TLP.AMBER.value in self.tlp and self.approved_at is None

    def is_active(self, today: date | None = None) -> bool:
        day = today or timezone.localdate()
        if self.revoked_at is not None:
            return False
        return self.expires_on is None or self.expires_on >= day

    def effective_tlp(self) -> frozenset[str]:
        """Markings that flow now: none when inactive, no AMBER until approved, never RED."""
        if not self.is_active():
            return frozenset()
        allowed = {t for t in self.tlp if TLP(t).leaves_agency}
        if self.approved_at is None:
            allowed.discard(TLP.AMBER.value)
        return frozenset(allowed)


class Partner(models.Model):
    """A partner node this node pulls from: where, how to sign in, which key signs its data."""

    name = models.CharField(max_length=64, unique=True)
    api_root = models.URLField(
        blank=True, help_text="the partner's TAXII API root URL; empty when only files travel"
    )
    token = models.CharField(max_length=200, blank=True, help_text="API token this node presents")
    public_key = models.CharField(max_length=64, help_text="partner node Ed25519 key, base64")
    agency_codes = models.JSONField(default=list, help_text="agencies the partner speaks for")
    cursors = models.JSONField(default=dict, blank=True, help_text="collection -> added_after")
    last_sync_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def node_url(self, path: str) -> str:
        """A route of the partner node: its TAXII API root (``<node>/taxii2/root/``) tells
        where the node is; ``path`` is relative to the node (``api/v1/...``)."""
        root = self.api_root
        base = root.split("taxii2/")[0] if "taxii2/" in root else root
        return base.rstrip("/") + "/" + path


class SharedObject(models.Model):
    """One version of one STIX object in a TAXII collection, stored as the JSON we serve."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="shared_objects"
    )
    stix_id = models.CharField(max_length=128)
    stix_type = models.CharField(max_length=64)
    version = models.CharField(max_length=32, help_text="the object's modified timestamp")
    spec_version = models.CharField(max_length=8, default="2.1", help_text="STIX 2.0 or 2.1")
    date_added = models.DateTimeField(help_text="strictly increasing within a collection")
    tlp = models.CharField(max_length=12)
    is_latest = models.BooleanField(default=True)
    body = models.TextField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agreement", "stix_id", "version"], name="shared_object_version_unique"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["agreement", "date_added"]),
            models.Index(fields=["agreement", "stix_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.stix_id}@{self.version}"


class TaxiiStatus(models.Model):
    """The status resource of one POST to a collection (TAXII 2.1 §4.3.1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    requested_at = models.DateTimeField(auto_now_add=True)
    successes = models.JSONField(default=list)
    failures = models.JSONField(default=list)

    def __str__(self) -> str:
        return str(self.id)


class ReceivedBundle(models.Model):
    """Every signed bundle accepted from a partner: a second copy is a replay."""

    partner = models.CharField(max_length=64)
    bundle_id = models.CharField(max_length=128)
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    object_count = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["partner", "bundle_id"], name="bundle_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner}:{self.bundle_id}"
