"""Public aggregates: what the checker and the statistics page may show (CLEAR data only)."""

from __future__ import annotations

from django.db import models


class PublicIdentifierStat(models.Model):
    """How often CLEAR-marked complaints named one identifier. No personal data, no narratives."""

    key = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=16)
    reports = models.PositiveIntegerField(default=0)
    scam_types = models.JSONField(default=dict, help_text="scam type -> number of reports")
    first_reported = models.DateTimeField(null=True)
    last_reported = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key} ({self.reports})"
