"""Formal requests between agencies and the signed messages that move them from step to step."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from tracebridge.agencies.models import Agency, YearlySequence
from tracebridge.assistance import rules
from tracebridge.cases.models import Case
from tracebridge.sharing.models import Partner

KIND_CHOICES = [(k, k) for k in rules.KINDS]
STATUS_CHOICES = [(s, s) for s in rules.STATUSES]


class Request(models.Model):
    """One formal request, as both nodes hold it: the same reference, fields and messages.

    ``requester``/``recipient`` are the agencies on this node (either may be absent when it is
    on the partner's node); the codes are kept as sent so both sides show the same names.
    """

    reference = models.CharField(max_length=64, unique=True, help_text="REQ-US-DOJ-CPB-2026-0001")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    status = models.CharField(max_length=24, choices=STATUS_CHOICES, default="draft")
    from_code = models.CharField(max_length=32, help_text="requesting agency code")
    to_code = models.CharField(max_length=32, help_text="receiving agency or custodian code")
    requester = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the partner node of the other side, when it is not this node",
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_reference = models.CharField(max_length=48)
    links = models.JSONField(
        default=dict, blank=True, help_text="campaign, complaints, identifiers"
    )
    fields = models.JSONField(default=dict)
    refusal_reason = models.CharField(max_length=40, blank=True)
    due_at = models.DateTimeField()
    preserved_until = models.DateTimeField(null=True, blank=True)
    requested_on = models.DateField(null=True, blank=True, help_text="18 U.S.C. 3292: made")
    acted_on = models.DateField(null=True, blank=True, help_text="18 U.S.C. 3292: finally acted on")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class RequestSequence(YearlySequence):
    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "year"], name="request_sequence_per_year")
        ]


class Message(models.Model):
    """One signed step of a request; ``body`` is exactly what was signed (canonical JSON)."""

    message_id = models.CharField(max_length=64, unique=True)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=24)
    body = models.TextField()
    signature = models.CharField(max_length=128)
    signer_key = models.CharField(max_length=64, help_text="Ed25519 public key, base64")
    signer_name = models.CharField(max_length=120, help_text="the signing node's key name")
    by = models.CharField(max_length=150, help_text="the user who took the step")
    ledger_index = models.PositiveBigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["request", "seq"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "seq"], name="one_message_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.seq} {self.action}"


class PackageTransfer(models.Model):
    """An evidence package answering a request, as it leaves (``out``) or arrives (``in``).

    The package's plan (SHA-256, size, chunk size and each chunk's SHA-256) is in the signed
    answer message ``message_id``; this row keeps where the transfer stands and how it ended.
    """

    OUT, IN = "out", "in"
    STATES = ("sending", "delivered", "receiving", "stored", "refused")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="transfers")
    direction = models.CharField(max_length=3, choices=[(OUT, OUT), (IN, IN)])
    message_id = models.CharField(max_length=64, help_text="the signed answer announcing it")
    package_sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    state = models.CharField(max_length=12, choices=[(s, s) for s in STATES])
    reason = models.TextField(blank=True, help_text="why it was refused")
    items = models.JSONField(default=list, blank=True, help_text="evidence items it became")
    conditions = models.JSONField(default=dict, blank=True, help_text="handling conditions")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["direction", "message_id"], name="one_transfer_per_answer_and_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.direction} {self.package_sha256[:12]} {self.state}"


from tracebridge.assistance.outbox import Outbox, Receipt  # noqa: E402 (registers them)

__all__ = ["Message", "Outbox", "PackageTransfer", "Receipt", "Request", "RequestSequence"]
