"""Delivery between nodes: the durable outbox of signed messages and the signed receipts.

Models only (imported by ``models.py`` so Django registers them); the sending and receiving
live in ``delivery.py``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tracebridge.assistance.models import Message
from tracebridge.sharing.models import Partner


class Outbox(models.Model):
    """One signed message of this node on its way to the partner's node, kept until the
    partner's signed receipt is stored (a message survives either node dying)."""

    PENDING, DELIVERED, REFUSED = "pending", "delivered", "refused"
    STATES: ClassVar = [(s, s) for s in (PENDING, DELIVERED, REFUSED)]

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outbox")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    payload = models.TextField(help_text="the signed message exactly as it is posted")
    state = models.CharField(max_length=12, choices=STATES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.partner_id} ({self.state})"


class Receipt(models.Model):
    """The recipient node's signed receipt of one message: issued by this node for a message
    that came in, or received from the partner for one this node sent (one per message)."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="receipt")
    receipt_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, help_text="accepted or delivered")
    body = models.TextField(help_text="exactly what was signed (canonical JSON)")
    signature = models.CharField(max_length=128)
    signer_key = models.CharField(max_length=64, help_text="Ed25519 public key, base64")
    signer_name = models.CharField(max_length=120)
    ledger_index = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"receipt {self.receipt_id} of {self.message_id} ({self.status})"
