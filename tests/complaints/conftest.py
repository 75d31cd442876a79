"""Real-shaped complaint samples for the complaints tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from tracebridge.complaints.schema import CanonicalComplaint


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Look-up throttles live in the cache; each test starts with none."""
    cache.clear()


def record(ref: str = "NC-1", **changes: Any) -> dict[str, Any]:
    """An Indian UPI fraud report in canonical form, as NCRP exports it."""
    base: dict[str, Any] = {
        "ref": ref,
        "source": "NCRP",
        "country": "IN",
        "received_at": "2026-03-02T10:15:00+05:30",
        "incident_at": "2026-03-01",
        "channel": "phone_call",
        "scam_type": "kyc_update",
        "narrative": (
            "Caller from 98123 45678 said my KYC expired and asked me to pay to "
            "rahul.verma@okaxis. Call me back on my number 9876543210."
        ),
        "loss": {"amount": "24999.00", "currency": "INR", "payment_method": "upi"},
        "victim": {"name": "Asha Devi", "phone": "+91 98765 43210", "city": "Patna"},
        "suspect": {
            "phones": ["+91 98123 45678"],
            "upi_ids": ["rahul.verma@okaxis"],
            "bank_accounts": [{"ifsc": "SBIN0001234", "account": "12345678901"}],
        },
        "tlp": "AMBER",
    }
    base.update(changes)
    return base


def us_record(ref: str = "IC3-1", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": ref,
        "source": "IC3",
        "country": "US",
        "received_at": "2026-03-05T14:00:00Z",
        "channel": "website",
        "scam_type": "tech_support",
        "narrative": "A pop-up on hxxps://secure-help-desk[.]com told me to call (844) 555-0199.",
        "loss": {"amount": "1500.00", "currency": "USD", "payment_method": "gift_card"},
        "suspect": {"phones": ["844-555-0199"], "urls": ["secure-help-desk.com/fix"]},
    }
    base.update(changes)
    return base


@pytest.fixture
def canonical() -> Callable[..., CanonicalComplaint]:
    def make(ref: str = "NC-1", **changes: Any) -> CanonicalComplaint:
        return CanonicalComplaint.model_validate(record(ref, **changes))

    return make


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: list[Any], name: str = "complaints.jsonl") -> Path:
        path = tmp_path / name
        lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
