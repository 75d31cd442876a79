"""Partner witnessing (C2SP tlog-witness): the partners' logs this node witnesses, the
split views it caught, and the partners that witness this node's own ledger."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tracebridge.agencies.models import AppendOnly
from tracebridge.sharing.models import Partner


class WitnessedLog(models.Model):
    """A partner's ledger this node witnesses: the latest checkpoint it cosigned (its size and
    root), changed only under a row lock in the transaction that answers add-checkpoint. A log
    reset after its partner's key changed is kept, retired, with its checkpoints and split
    views; one current log per origin (``WitnessReset``)."""

    origin = models.CharField(max_length=200)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="witnessed_logs")
    log_key = models.CharField(max_length=300, help_text="the log's verifier key (C2SP)")
    size = models.PositiveBigIntegerField(default=0, help_text="0: never cosigned")
    root = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True, help_text="the latest cosigned checkpoint, cosigned")
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="reset: kept as history")

    class Meta:
        ordering: ClassVar = ["origin", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["origin"],
                condition=models.Q(retired_at__isnull=True),
                name="one_current_witnessed_log_per_origin",
            )
        ]

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"


class WitnessReset(AppendOnly):
    """An operator's reset of a partner's witnessed log after the partner's key changed: the
    retired log (its key, size, root and checkpoints stay as they were), the log that starts
    again from size 0 under the new key, who did it and why."""

    retired = models.OneToOneField(WitnessedLog, on_delete=models.PROTECT, related_name="reset")
    log = models.OneToOneField(WitnessedLog, on_delete=models.PROTECT, related_name="reset_from")
    old_key = models.CharField(max_length=300)
    new_key = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField(help_text="the retired log's last cosigned size")
    root = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    by = models.CharField(max_length=150)
    reset_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-reset_at", "-id"]

    def __str__(self) -> str:
        return f"reset of {self.log.origin} at {self.size}"


class WitnessedCheckpoint(AppendOnly):
    """Each checkpoint of a partner's log this node cosigned, as the log signed it."""

    log = models.ForeignKey(WitnessedLog, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    note = models.TextField(help_text="the checkpoint with the log's signature")
    cosigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["log", "-size"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["log", "size"], name="one_witnessed_root_per_size")
        ]

    def __str__(self) -> str:
        return f"{self.log.origin} @ {self.size}"


class SplitView(AppendOnly):
    """Two checkpoints of one log, both validly signed by it, with one size and two roots:
    proof that the log showed two histories. Both signed notes are kept."""

    log = models.ForeignKey(WitnessedLog, on_delete=models.PROTECT, related_name="split_views")
    size = models.PositiveBigIntegerField()
    held_root = models.CharField(max_length=64)
    held_note = models.TextField(help_text="the checkpoint this node cosigned at that size")
    other_root = models.CharField(max_length=64)
    other_note = models.TextField(help_text="the conflicting checkpoint, as submitted")
    reported_by = models.CharField(max_length=150, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-detected_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["log", "size", "other_root"], name="one_alert_per_conflicting_root"
            )
        ]

    def __str__(self) -> str:
        return f"split view of {self.log.origin} at {self.size}"


class WitnessPeer(models.Model):
    """A partner node that witnesses this node's ledger: its cosigner key (pinned from its
    signed answer), the size of ours it last cosigned, and the retry state of sending."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="witness")
    cosigner_key = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0, help_text="our size it last cosigned")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_cosigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.partner.name} witnesses up to {self.size}"
