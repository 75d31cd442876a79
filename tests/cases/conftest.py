"""Cases fixtures: a case, and complaints and campaigns made directly (no linking run)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tracebridge.agencies.models import User
from tracebridge.campaigns.models import Campaign, CampaignMember
from tracebridge.cases import services
from tracebridge.cases.models import Case
from tracebridge.complaints.models import Complaint


@pytest.fixture
def case(analyst: User) -> Case:
    return services.create_case("US-FBI", "Tech-support ring", by=analyst, lead=analyst)


def complaint(agency: Any, ref: str, tlp: str = "AMBER") -> Complaint:
    return Complaint.objects.create(
        agency=agency, tlp=tlp, source="IC3", ref=ref, country="US",
        received_at=timezone.now(), content_hash="0" * 64,
    )  # fmt: skip


def campaign(code: str, *members: Complaint) -> Campaign:
    made = Campaign.objects.create(code=code, size=len(members))
    for member in members:
        CampaignMember.objects.create(campaign=made, complaint=member)
    return made
