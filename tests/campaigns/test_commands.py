"""tracebridge link and tracebridge campaigns: the thin CLI over the services."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracebridge.agencies.models import AuditEvent
from tracebridge.campaigns.models import Campaign
from tracebridge.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_link_then_export(tmp_path: Path, make_complaint: Callable[..., Complaint]) -> None:
    make_complaint("phone:+911", ref="A")
    make_complaint("phone:+911", ref="B")
    make_complaint("phone:+18006427676", ref="C")
    make_complaint("phone:+18006427676", ref="D")
    assert "1 joined a campaign" not in run("link")  # incremental over unlinked complaints
    assert "1 campaigns from 2 of 4 complaints" in run("link", "--full")
    code = Campaign.objects.get().code
    out, summaries = tmp_path / "c.csv", tmp_path / "c.json"
    line = run("campaigns", "export", "--out", str(out), "--json", str(summaries))
    assert "4 complaints" in line and "1 campaign summaries" in line
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["complaint_ref", "campaign_id"]
    assert sorted(rows[1:]) == [["A", code], ["B", code], ["C", ""], ["D", ""]]
    assert json.loads(summaries.read_text())[0]["code"] == code
    assert AuditEvent.objects.filter(action="campaigns.export").exists()
    assert code in run("campaigns", "list")
    assert "phone:+18006427676\twarninglist" in run("campaigns", "hubs")


def test_incremental_link_picks_up_unlinked(make_complaint: Callable[..., Complaint]) -> None:
    make_complaint("upi:a@ok")
    make_complaint("upi:a@ok")
    assert "2 unlinked complaints checked, 2 joined a campaign" in run("link")


def test_export_needs_an_output(tmp_path: Path) -> None:
    with pytest.raises((CommandError, SystemExit)):
        run("campaigns", "export")
    with pytest.raises(FileNotFoundError):
        run("campaigns", "export", "--out", str(tmp_path / "missing" / "x.csv"))
