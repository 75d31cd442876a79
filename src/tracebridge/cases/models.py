"""Cases: an agency's investigation, with its lead, linked complaints and campaigns, notes,
assignments and tasks. Evidence hangs off a case in the evidence app (a higher stage)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.models import MarkedRecord, YearlySequence
from tracebridge.complaints.models import Complaint


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Investigating")
    PROSECUTION = "prosecution", _("With prosecutors")
    CLOSED = "closed", _("Closed")


class Case(MarkedRecord):
    share_kind = "case"

    reference = models.CharField(max_length=48, unique=True, help_text="CASE-US-FBI-2026-0001")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complaints = models.ManyToManyField(Complaint, blank=True, related_name="cases")
    campaigns = models.ManyToManyField("campaigns.Campaign", blank=True, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class CaseSequence(YearlySequence):
    """The last case number used per agency and year (so references never repeat)."""

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "year"], name="case_sequence_per_year")
        ]


class Assignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=64, blank=True, help_text="e.g. investigator, prosecutor")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["assigned_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "user"], name="one_assignment_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["done_at", "due_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.done_at is not None
