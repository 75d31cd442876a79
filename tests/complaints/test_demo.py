from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tracebridge.complaints import demo
from tracebridge.complaints.models import Attachment, Complaint
from tracebridge.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_loads_the_simulated_world_with_owners(agencies: Any, tmp_path: Path) -> None:
    ctx = DemoContext(home=tmp_path, console=Console(quiet=True), world_dir=tmp_path / "world")
    ctx.agencies = agencies
    demo.load(ctx)  # generates the small world itself when it is missing
    owners = dict(Complaint.objects.values_list("source", "agency__code").distinct())
    assert owners.get("NCRP", "IN-I4C") == "IN-I4C"
    assert owners.get("IC3", "US-FBI") == "US-FBI"
    assert owners["FTC"] == "US-FTC"
    portal = Complaint.objects.filter(source="PORTAL")
    assert all((c.country == "US") == (c.agency.code == "US-FTC") for c in portal)
    assert Complaint.objects.count() > 600
    assert ctx.summary and ctx.summary[0][0] == "complaints"
    with_files = portal.filter(country="IN", attachments__isnull=False).distinct()
    assert with_files.count() == demo.WITH_FILES
    kinds = sorted(with_files[0].attachments.values_list("media_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]
    before = (Complaint.objects.count(), Attachment.objects.count())
    demo.load(ctx)  # loading twice adds nothing
    assert (Complaint.objects.count(), Attachment.objects.count()) == before
