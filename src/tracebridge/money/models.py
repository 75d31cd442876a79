"""Trail imports, hold (lien) requests to banks, and the shared mule and suspect registry.

The transactions themselves live in the DuckDB/Parquet store (``tracebridge.money.store``);
the database keeps what people act on: who imported which batch, each hold request and its
history, and the registry entries partners query.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import Agency, MarkedRecord
from tracebridge.complaints.models import Complaint
from tracebridge.money.mules import level_of

DECAY_DAYS = 90  # a registry entry drops one level for every 90 days nobody sees it again
DECAY_POINTS = 20


class TrailBatch(MarkedRecord):
    """One import of a bank's or payment provider's transaction trail."""

    share_kind = "trailbatch"

    batch = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=200, help_text="file name or API client")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    out_of_order = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.batch

    @property
    def reference(self) -> str:
        return self.batch


class HoldStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    HELD = "held", _("Held")
    REJECTED = "rejected", _("Not held")
    RELEASED = "released", _("Released")


# What a bank may answer from each state (CFCFRMS: acknowledge, mark a lien, or say why not;
# a lien is lifted by a release once a court or the investigating officer orders it).
NEXT_STATUS: dict[str, frozenset[str]] = {
    "requested": frozenset({"acknowledged", "held", "rejected"}),
    "acknowledged": frozenset({"held", "rejected"}),
    "held": frozenset({"held", "released"}),
    "rejected": frozenset(),
    "released": frozenset(),
}


class HoldRequest(MarkedRecord):
    """A request to one bank to hold (mark a lien on) one account of a complaint's trail."""

    share_kind = "holdrequest"

    reference = models.CharField(max_length=32, unique=True)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="hold_requests"
    )
    account_key = models.CharField(max_length=300, db_index=True)
    account = models.CharField(max_length=300, help_text="as the bank writes it")
    bank = models.CharField(max_length=200, blank=True, help_text="receiving bank or exchange")
    bank_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="holds_to_answer"
    )
    layer = models.PositiveSmallIntegerField(default=1)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=4)
    transactions = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=HoldStatus.choices, default=HoldStatus.REQUESTED, db_index=True
    )
    amount_held = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    respond_by = models.DateTimeField(help_text="the bank should answer by then")
    recall_by = models.DateTimeField(
        null=True, blank=True, help_text="international wires: 72 hours after the payment"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["complaint", "account_key"], name="hold_one_per_account_and_complaint"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def overdue(self) -> bool:
        return self.status == HoldStatus.REQUESTED and timezone.now() > self.respond_by


class HoldEvent(models.Model):
    """One step in a hold request's life: sent, acknowledged, held, released…"""

    hold = models.ForeignKey(HoldRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=HoldStatus.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.hold_id}:{self.status}"


class RiskLevel(models.TextChoices):
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very High")


class MuleEntry(MarkedRecord):
    """A suspected mule or fraud account in the shared registry (India's Suspect Registry)."""

    share_kind = "muleentry"

    key = models.CharField(max_length=300, unique=True, help_text="identifier key")
    account = models.CharField(max_length=300, help_text="as the trail writes it")
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    victims = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=16, default="scan", help_text="scan | report")
    in_amount_inr = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    out_amount_inr = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    first_activity = models.DateTimeField(null=True, blank=True)
    last_activity = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(help_text="when new evidence last confirmed it")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-score", "key"]
        verbose_name_plural = "mule entries"

    def __str__(self) -> str:
        return self.key

    @property
    def reference(self) -> str:
        return self.key

    def current_score(self, now: datetime | None = None) -> int:
        days = max(0, ((now or timezone.now()) - self.seen_at).days)
        return max(0, self.score - DECAY_POINTS * (days // DECAY_DAYS))

    def current_level(self, now: datetime | None = None) -> str:
        return level_of(self.current_score(now))

    def decays_at(self) -> datetime:
        return self.seen_at + timedelta(days=DECAY_DAYS)


class MuleAlias(models.Model):
    """Other keys that find an entry: a UPI ID's mobile number, a reported spelling."""

    entry = models.ForeignKey(MuleEntry, on_delete=models.CASCADE, related_name="aliases")
    key = models.CharField(max_length=300, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entry", "key"], name="mule_alias_unique")
        ]

    def __str__(self) -> str:
        return self.key


REGISTRY_TLP = TLP.GREEN.value  # community-wide: every agency and bank on this node
