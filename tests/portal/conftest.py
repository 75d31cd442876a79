from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from tracebridge.complaints.models import Complaint, PublicReport, Sighting
from tracebridge.portal import services


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def reported(agencies: dict[str, Any]) -> Callable[..., Complaint]:
    """Make a complaint naming ``keys`` and refresh the public aggregates."""
    counter = iter(range(1, 10_000))

    def make(
        keys: list[str],
        tlp: str = "CLEAR",
        scam_type: str = "kyc_update",
        country: str = "IN",
        when: datetime | None = None,
        loss: str | None = None,
        method: str = "",
        currency: str = "INR",
        agency: str = "",
        reporter: str = "",
    ) -> Complaint:
        n = next(counter)
        complaint = Complaint.objects.create(
            agency=agencies[agency or ("IN-I4C" if country == "IN" else "US-FTC")],
            tlp=tlp,
            source="NCRP",
            ref=f"R{n}",
            country=country,
            received_at=when or datetime(2026, 10, n % 28 + 1, tzinfo=UTC),
            scam_type=scam_type,
            narrative="called me",
            content_hash=str(n),
            loss_amount=Decimal(loss) if loss else None,
            loss_currency=currency if loss else "",
            payment_method=method,
        )
        if reporter:  # a public-form report: its reporter is known by a keyed address hash
            PublicReport.objects.create(
                complaint=complaint, number=f"P{n}", secret_digest="x", address_digest=reporter
            )
        for key in keys:
            Sighting.objects.create(
                complaint=complaint, key=key, kind=key.split(":")[0], field="suspect.phones"
            )
        services.refresh_for_complaints([complaint.pk])
        services.forget_statistics()
        return complaint

    return make
