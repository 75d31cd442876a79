"""Complaints (the canonical schema of DESIGN.md) and the identifier sightings drawn from them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.models import MarkedRecord


class Channel(models.TextChoices):
    PHONE_CALL = "phone_call", _("Phone call")
    ROBOCALL = "robocall", _("Robocall")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Website")
    SOCIAL_MEDIA = "social_media", _("Social media")
    APP = "app", _("App")
    OTHER = "other", _("Other")
    TELEGRAM = "telegram", _("Telegram")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")


class ScamType(models.TextChoices):
    TECH_SUPPORT = "tech_support", _("Tech support")
    GOVERNMENT_IMPERSONATION = "government_impersonation", _("Government impersonation")
    DIGITAL_ARREST = "digital_arrest", _("Digital arrest")
    KYC_UPDATE = "kyc_update", _("KYC update")
    INVESTMENT = "investment", _("Investment")
    LOAN_APP = "loan_app", _("Loan app")
    JOB_OFFER = "job_offer", _("Job offer")
    LOTTERY_PRIZE = "lottery_prize", _("Lottery or prize")
    ROMANCE = "romance", _("Romance")
    SEXTORTION = "sextortion", _("Sextortion")
    SHOPPING = "shopping", _("Shopping")
    CUSTOMER_CARE = "customer_care", _("Fake customer care")
    UTILITY = "utility", _("Utility bill")
    DEBT_RELIEF = "debt_relief", _("Debt relief")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")
    SIM_SWAP = "sim_swap", _("SIM swap")
    AEPS = "aeps", _("Aadhaar payment (AEPS) fraud")
    BEC = "bec", _("Business e-mail compromise")
    BETTING_GAMING = "betting_gaming", _("Betting or gaming app")
    UPI_COLLECT = "upi_collect", _("UPI collect request")
    DEMAT_STOCK_TIPS = "demat_stock_tips", _("Demat account or stock tips")


class PaymentMethod(models.TextChoices):
    GIFT_CARD = "gift_card", _("Gift card")
    WIRE = "wire", _("Wire transfer")
    UPI = "upi", _("UPI")
    CARD = "card", _("Card")
    CRYPTO = "crypto", _("Crypto")
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PAYMENT_APP = "payment_app", _("Payment app")
    OTHER = "other", _("Other")


class Complaint(MarkedRecord):
    """One victim's report. ``source`` + ``ref`` is its identity: re-imports update it."""

    share_kind = "complaint"

    source = models.CharField(max_length=32)
    ref = models.CharField(max_length=128)
    country = models.CharField(max_length=2, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    incident_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.OTHER)
    scam_type = models.CharField(
        max_length=32, choices=ScamType.choices, default=ScamType.UNKNOWN, db_index=True
    )
    narrative = models.TextField(blank=True)
    loss_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    loss_currency = models.CharField(max_length=3, blank=True)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    victim = models.JSONField(default=dict, blank=True, help_text="personal data")
    suspect = models.JSONField(default=dict, blank=True)
    transactions = models.JSONField(default=list, blank=True, help_text="payments the victim made")
    ncrp_ack = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="NCRP or 1930 acknowledgement number"
    )
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical record")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "ref"], name="complaint_source_ref_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["agency", "-received_at"])]
        ordering: ClassVar = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source}:{self.ref}"

    @property
    def reference(self) -> str:
        return f"{self.source}:{self.ref}"


class Sighting(models.Model):
    """An identifier named by a complaint: where it was found and its canonical key."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="sightings")
    key = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=16)
    field = models.CharField(max_length=40, help_text="e.g. suspect.phones, narrative")
    start = models.IntegerField(null=True, blank=True, help_text="span in the narrative")
    end = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["complaint", "key", "field"], name="sighting_unique")
        ]

    def __str__(self) -> str:
        return self.key


class ReportStatus(models.TextChoices):
    """The stages a reporter follows on the look-up page, in order; agencies set them."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    LINKED = "linked", _("Linked to a campaign")
    REFERRED = "referred", _("Referred to police or an agency")
    FIR = "fir", _("FIR registered")
    CLOSED = "closed", _("Closed")


class PublicReport(models.Model):
    """A report made through the public form: its number, and what lets the reporter back in.

    Only a SHA-256 of the secret is kept (the secret has 128 bits of entropy, so a slow hash adds
    nothing), and only a keyed hash of the reporter's address, for rate limits.
    """

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="public_report"
    )
    number = models.CharField(max_length=32, unique=True)
    secret_digest = models.CharField(max_length=64)
    address_digest = models.CharField(max_length=64, db_index=True, blank=True)
    anonymous = models.BooleanField(default=False)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    status_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class ReportAddition(models.Model):
    """Something the reporter added later, kept as they wrote it."""

    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report.number} +{self.created_at:%Y-%m-%d}"


class Attachment(models.Model):
    """A file the victim attached to a report (a screenshot, a statement), kept in the node's
    content-addressed blob store by SHA-256. Downloaded only as an attachment, never shown."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    media_type = models.CharField(max_length=40, help_text="from the file's first bytes")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.filename}"
