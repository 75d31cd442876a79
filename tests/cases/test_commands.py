"""The ``tracebridge case`` command: create (with a lead and campaigns) and list."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tracebridge.agencies.models import User
from tracebridge.campaigns.models import Campaign
from tracebridge.cases.models import Case

YEAR = timezone.now().year


def test_case_create_command(agencies: Any, analyst: User) -> None:
    Campaign.objects.create(code="CMP-0001", size=2)
    out = StringIO()
    call_command(
        "case",
        "create",
        "--agency",
        "US-FBI",
        "--title",
        "Gift cards",
        "--lead",
        analyst.username,
        "--campaign",
        "CMP-0001",
        stdout=out,
    )
    reference = out.getvalue().strip()
    assert reference == f"CASE-US-FBI-{YEAR}-0001"
    case = Case.objects.get(reference=reference)
    assert case.lead == analyst and [c.code for c in case.campaigns.all()] == ["CMP-0001"]
    with pytest.raises(CommandError, match="no campaign CMP-9"):
        call_command("case", "create", "--agency", "US-FBI", "--title", "x", "--campaign", "CMP-9")
    with pytest.raises(CommandError, match="no agency"):
        call_command("case", "create", "--agency", "NOPE", "--title", "x")
    out = StringIO()
    call_command("case", "list", "--agency", "US-FBI", stdout=out)
    assert out.getvalue().startswith(f"{reference}\topen\tGift cards")
