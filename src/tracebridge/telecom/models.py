"""Carriers, their CDR uploads, detected robocall campaigns and traceback requests.

A carrier is a party like an agency: it has an ``Agency`` row (code ``CARRIER-…``) whose users
(role analyst) hold API tokens to upload CDRs and answer traceback hops. ``Carrier`` maps the
name carriers write in CDRs (``orig_carrier``, ``reporting_carrier``…) to that agency.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.models import Agency, MarkedRecord

ANSWER_WITHIN = timedelta(hours=24)  # the Industry Traceback Group's expectation per hop


class Carrier(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="as written in CDRs")
    agency = models.OneToOneField(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="carrier"
    )
    country = models.CharField(max_length=2, default="US")
    gateway = models.BooleanField(default=False, help_text="a US entry gateway for foreign traffic")

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class CdrBatch(MarkedRecord):
    """One uploaded file, stored as a Parquet partition under TRACEBRIDGE_HOME/cdr/."""

    share_kind = "cdrbatch"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=500, help_text="relative to TRACEBRIDGE_HOME")
    rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"CDR batch {self.pk} ({self.filename})"


class RobocallCampaign(MarkedRecord):
    """A campaign ``tracebridge cdr analyze`` found: one row of campaigns.csv, kept."""

    share_kind = "robocallcampaign"

    campaign_id = models.CharField(max_length=20)
    key_kind = models.CharField(max_length=10)
    key = models.CharField(max_length=200)
    calls = models.PositiveIntegerField()
    unique_called = models.PositiveIntegerField()
    answer_rate = models.FloatField()
    median_duration_s = models.FloatField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    score = models.IntegerField()
    reasons = models.TextField()
    sample_calls = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-calls", "campaign_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "campaign_id"], name="robocall_unique")
        ]

    def __str__(self) -> str:
        return self.campaign_id

    @property
    def reference(self) -> str:
        return self.campaign_id

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split("; ") if r]


class RobocallNumber(models.Model):
    """A caller number a robocall campaign presented, keyed like complaint sightings."""

    campaign = models.ForeignKey(RobocallCampaign, on_delete=models.CASCADE, related_name="numbers")
    key = models.CharField(max_length=40, db_index=True, help_text='"phone:+1…"')
    calls = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["-calls", "key"]

    def __str__(self) -> str:
        return self.key


class TracebackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETE = "complete", _("Complete")
    STALLED = "stalled", _("Stalled")


class TracebackRequest(MarkedRecord):
    """A request to trace one call back, hop by hop, as the Industry Traceback Group does."""

    share_kind = "tracebackrequest"

    reference = models.CharField(max_length=24, unique=True)
    call_id = models.CharField(max_length=100)
    calling_number = models.CharField(max_length=40)
    called_number = models.CharField(max_length=40)
    start_time = models.DateTimeField()
    campaign = models.ForeignKey(
        RobocallCampaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=TracebackStatus.choices, default=TracebackStatus.OPEN
    )
    outcome = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class HopStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the carrier")
    ANSWERED = "answered", _("Answered")


class TracebackHop(models.Model):
    """One carrier on the path: asked who handed it the call; answers within 24 hours."""

    request = models.ForeignKey(TracebackRequest, on_delete=models.CASCADE, related_name="hops")
    position = models.PositiveSmallIntegerField(help_text="0 = terminating carrier")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="hops")
    status = models.CharField(max_length=10, choices=HopStatus.choices, default=HopStatus.PENDING)
    asked_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    upstream = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    originated_here = models.BooleanField(default=False)
    customer = models.CharField(max_length=200, blank=True, help_text="the originating customer")
    attestation = models.CharField(max_length=1, blank=True)
    origid = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["request", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "position"], name="traceback_hop_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.position} {self.carrier}"

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status == HopStatus.PENDING and (now or timezone.now()) > self.due_at
