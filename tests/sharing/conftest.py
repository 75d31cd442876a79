"""Sharing fixtures: complaints of several agencies and markings, ingested the real way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.agencies.models import Agency
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.services import ingest


def record(ref: str, tlp: str = "GREEN", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": ref,
        "source": "IC3",
        "country": "US",
        "received_at": "2026-03-01T10:00:00+00:00",
        "channel": "phone_call",
        "scam_type": "tech_support",
        "narrative": f"Caller from 'Microsoft' asked for gift cards. I am Jane Roe, call me on 202-555-0143 ({ref}).",
        "loss": {"amount": "500.00", "currency": "USD", "payment_method": "gift_card"},
        "victim": {"name": "Jane Roe", "phone": "+12025550143", "city": "Dayton", "state": "Ohio", "age_band": "70+"},
        "suspect": {"phones": ["+91 98123 45678"], "upi_ids": ["fraud.desk@okaxis"]},
        "tlp": tlp,
    }  # fmt: skip
    base.update(extra)
    return base


@pytest.fixture
def complaints(agencies: dict[str, Agency]) -> dict[str, Complaint]:
    """One US-FBI complaint per marking, plus one IN-CBI complaint sharing a phone number."""
    records = [
        record(f"FBI-{tlp}", tlp) for tlp in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
    ]
    ingest(records, agencies["US-FBI"])
    ingest(
        [
            record(
                "CBI-1", "GREEN", source="NCRP", country="IN",
                narrative="डिजिटल अरेस्ट कॉल, UPI fraud.desk@okaxis पर भुगतान",
                victim={"name": "R. Sharma", "city": "Pune"}, scam_type="digital_arrest",
                suspect={"phones": ["+919812345678"], "crypto_wallets": []},
                loss={"amount": "90000", "currency": "INR", "payment_method": "upi"},
            )
        ],
        agencies["IN-CBI"],
    )  # fmt: skip
    return {c.ref: c for c in Complaint.objects.all()}


@pytest.fixture
def agreement_factory(agencies: dict[str, Agency]) -> Callable[..., Any]:
    from tracebridge.sharing.exports import publish
    from tracebridge.sharing.services import create_agreement

    def make(owner: str = "US-FBI", partner: str = "IN-CBI", tlp: str = "CLEAR,GREEN,AMBER",
             approve_by: Any = None, **kwargs: Any) -> Any:  # fmt: skip
        agreement = create_agreement(owner, partner, tlp.split(","), **kwargs)
        if approve_by is not None:
            from tracebridge.sharing.services import approve_agreement

            approve_agreement(agreement, approve_by)
        publish(agreement)
        return agreement

    return make
