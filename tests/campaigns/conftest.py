"""Complaints with sightings, written straight to the database, for the campaigns tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tracebridge.agencies.models import Agency
from tracebridge.complaints.models import Complaint, Sighting

BASE = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def make_complaint(agencies: dict[str, Agency]) -> Callable[..., Complaint]:
    counter = iter(range(1, 10**6))

    def make(
        *keys: str,
        agency: str = "US-FBI",
        tlp: str = "AMBER",
        country: str = "US",
        ref: str | None = None,
        days: int = 0,
        **fields: Any,
    ) -> Complaint:
        n = next(counter)
        complaint = Complaint.objects.create(
            agency=agencies[agency],
            tlp=tlp,
            source=agency.split("-")[1],
            ref=ref or f"R{n:05d}",
            country=country,
            received_at=BASE + timedelta(days=days),
            scam_type=fields.pop("scam_type", "tech_support"),
            loss_amount=fields.pop("loss_amount", Decimal("100.00")),
            loss_currency=fields.pop("loss_currency", "USD" if country == "US" else "INR"),
            content_hash=f"{n:064d}",
            **fields,
        )
        for key in keys:
            Sighting.objects.create(
                complaint=complaint, key=key, kind=key.partition(":")[0], field="suspect.phones"
            )
        return complaint

    return make
