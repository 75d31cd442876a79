"""Evidence items, custody events and the append-only ledger with its checkpoints."""

from __future__ import annotations

import json
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.models import AppendOnly, MarkedRecord
from tracebridge.cases.models import Case
from tracebridge.evidence import zones


class LedgerHead(models.Model):
    """One row, locked while appending, so leaf indexes are dense and never reused."""

    size = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"ledger of {self.size} leaves"


class LedgerEntry(AppendOnly):
    index = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=16, db_index=True)
    record = models.TextField(help_text="canonical JSON, the leaf's data")
    leaf_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["index"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"leaf {self.index} ({self.kind})"


class EvidenceItem(MarkedRecord):
    share_kind = "evidence"

    reference = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    filename = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    description = models.TextField(blank=True, help_text="what this is")
    collected_by = models.CharField(max_length=200, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    # The zone the collector gave the time in (IANA name or ±HH:MM; "" = UTC): shown and
    # certified in it (evidence.zones).
    collected_zone = models.CharField(max_length=64, blank=True)
    place = models.CharField(max_length=200, blank=True)
    device = models.CharField(max_length=300, blank=True, help_text="make, model, serial, IMEI")
    legal_authority = models.CharField(max_length=300, blank=True, help_text="warrant, order")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    leaf = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="item")
    conditions = models.JSONField(
        default=dict,
        blank=True,
        help_text="handling conditions it was received under: limits on use, onward sharing",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["case", "id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def needs_consent(self) -> bool:
        """Received under "no onward sharing without consent", and no consent recorded yet."""
        if (self.conditions or {}).get("onward_sharing") != "consent_required":
            return False
        return not self.custody.filter(action=CustodyAction.CONSENT).exists()

    @property
    def collected_display(self) -> str:
        """When it was collected, in the zone the collector gave, with UTC beside it."""
        return zones.describe(
            zones.iso_in_zone(self.collected_at, self.collected_zone), self.collected_zone
        )


class CustodyAction(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    VIEWED = "viewed", _("Viewed")
    EXPORTED = "exported", _("Exported")
    SHARED = "shared", _("Shared")
    RECEIVED = "received", _("Received")
    SEALED = "sealed", _("Sealed")
    CONSENT = "consent", _("Consent to onward sharing recorded")


class CustodyEvent(AppendOnly):
    item = models.ForeignKey(
        EvidenceItem, null=True, on_delete=models.PROTECT, related_name="custody"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(max_length=16, choices=CustodyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    leaf = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="custody")

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.item_id or self.case_id}"

    @property
    def exchange(self) -> dict[str, object] | None:
        """For evidence that crossed between nodes (received, shared): the request, the other
        agency, the package's SHA-256 and the sender's leaf and checkpoint, from its leaf."""
        if self.action not in (CustodyAction.RECEIVED, CustodyAction.SHARED):
            return None
        record = json.loads(self.leaf.record)
        checkpoint = record.get("sender_checkpoint") or record.get("checkpoint") or {}
        return {
            "request": record.get("request", ""),
            "other": record.get("from") or record.get("to") or "",
            "package": str(record.get("package_sha256", "")),
            "sender_leaf": record.get("sender_leaf"),
            "checkpoint_size": checkpoint.get("size") if isinstance(checkpoint, dict) else None,
        }

    @property
    def covered_items(self) -> list[str]:
        """The items an export or share covered, as its ledger record names them."""
        items = json.loads(self.leaf.record).get("items") or []
        return [str(i) for i in items] if isinstance(items, list) else []


class SignedCheckpoint(AppendOnly):
    origin = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(db_index=True)
    root = models.CharField(max_length=64)
    note = models.TextField(help_text="the C2SP signed note")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-size", "-id"]

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"


class Cosignature(AppendOnly):
    checkpoint = models.ForeignKey(
        SignedCheckpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    cosigner_key = models.CharField(max_length=300, help_text="the cosigner's verifier key")
    line = models.TextField(help_text="the signature line as received")
    timestamp = models.PositiveBigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["checkpoint", "cosigner_key"], name="one_cosig_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.cosigner_key.split('+')[0]} on {self.checkpoint}"
