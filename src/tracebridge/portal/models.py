"""Public aggregates: what the checker and the statistics page may show (counts under the agencies' publication policies)."""

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


class PublicationPolicy(models.Model):
    """What one agency lets the public see of its complaints: COUNTS only, never content.

    ``markings`` (comma-separated TLP values, only CLEAR, GREEN and AMBER) may feed the public
    counts; an identifier counts for this agency only once ``min_reports`` independent reports
    of the agency name it. Agencies without a row publish CLEAR complaints from one report
    (``portal.policy.DEFAULT``). Changed only through ``portal.policy.set_policy``, which audits.
    """

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="publication_policy"
    )
    markings = models.CharField(max_length=40, default="CLEAR")
    min_reports = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.markings} from {self.min_reports}"
