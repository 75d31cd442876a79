"""Campaigns: complaints linked through shared infrastructure, and the analyst's workspace.

Storage stays linear in sightings: a campaign lists its members (one row per complaint, with the
identifiers that linked it), never a pairwise correlation table.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracebridge.complaints.models import Complaint


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another campaign")
    DISSOLVED = "dissolved", _("Dissolved")


class Campaign(models.Model):
    """A group of at least two complaints that share non-hub identifiers.

    ``code`` is the stable id analysts quote; it survives rebuilds when membership mostly stays.
    The stored figures cover every member (for ranking); pages recompute what a user may see.
    """

    share_kind = "campaign"

    code = models.CharField(max_length=16, unique=True)
    status = models.CharField(
        max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE, db_index=True
    )
    merged_into = models.CharField(max_length=16, blank=True)
    size = models.PositiveIntegerField(default=0)
    priority = models.FloatField(default=0.0, db_index=True)
    cross_border = models.BooleanField(default=False, db_index=True)
    countries = models.JSONField(default=list, blank=True)
    scam_type = models.CharField(max_length=32, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-priority", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def reference(self) -> str:
        return self.code


class CampaignMember(models.Model):
    """One complaint's place in a campaign; ``via`` lists the identifier keys that linked it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="campaign_member"
    )
    via = models.JSONField(default=list, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.complaint_id}"


class Hub(models.Model):
    """An identifier that never links: on the warninglist or detected as a statistical hub."""

    key = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=16)
    reason = models.CharField(max_length=16, help_text="warninglist | statistical")
    detail = models.CharField(max_length=300, blank=True)
    degree = models.PositiveIntegerField(default=0)
    groups = models.PositiveIntegerField(default=0)
    detected_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class Follow(models.Model):
    """An analyst follows an identifier key or a campaign code; new complaints raise alerts."""

    IDENTIFIER = "identifier"
    CAMPAIGN = "campaign"
    KINDS: ClassVar = [(IDENTIFIER, _("Identifier")), (CAMPAIGN, _("Campaign"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(max_length=12, choices=KINDS)
    target = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "target_kind", "target"], name="campaigns_follow_unique"
            )
        ]
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.target_kind}:{self.target}"


class Alert(models.Model):
    """An in-app alert: a new complaint touched something the user follows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, null=True, related_name="alerts")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "follow", "complaint"], name="campaigns_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} for {self.user_id}"


class SavedSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "name"], name="campaigns_saved_search_unique")
        ]
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """When the user last opened the dashboard: what is "new since your last visit"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    dashboard_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id}@{self.dashboard_at}"


class SoftLink(models.Model):
    """A join of two identifier groups on other evidence (``soft_links``), below identifier
    links: ``later``'s group continues ``earlier``'s. Rebuilt with every full link."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="soft_links")
    earlier = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    later = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    confidence = models.FloatField()
    reason = models.CharField(max_length=500)
    via = models.JSONField(default=list, blank=True)
    confirmed = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["campaign", "-confidence", "id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.earlier_id}-{self.later_id}"


class SoftLinkDecision(models.Model):
    """An analyst's verdict on a soft link, kept across rebuilds: a split pair is never joined
    by a soft link again; a confirmed one is shown as confirmed."""

    CONFIRM = "confirm"
    SPLIT = "split"
    DECISIONS: ClassVar = [(CONFIRM, _("Confirmed")), (SPLIT, _("Split"))]

    earlier = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    later = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=8, choices=DECISIONS)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["earlier", "later"], name="campaigns_soft_decision")
        ]

    def __str__(self) -> str:
        return f"{self.decision}:{self.earlier_id}-{self.later_id}"
