"""``tracebridge money``: import, trace, holds, mules."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tracebridge.money.models import HoldRequest, MuleEntry


def run(*args: str) -> str:
    out = StringIO()
    call_command("money", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_trace_holds_and_mules(
    analyst: Any, make_complaint: Callable[..., Any], story_csv: Path, tmp_path: Path
) -> None:
    assert "imported 7 transactions from 1 file(s); 0 rejected" in run(
        "import", str(story_csv), "--agency", "US-FBI"
    )
    make_complaint("IC3-1")
    text = run("trace", "--complaint", "IC3:IC3-1")
    assert "can still be held 759.04" in text
    assert "State Bank" in text  # the table goes to stdout too
    data = json.loads(run("trace", "--txn", "P2", "--json"))
    assert data["paid"] == "50000.00"
    assert "3 hold requests" in run("holds", "--complaint", "IC3-1", "--user", analyst.username)
    assert HoldRequest.objects.count() == 3
    out = tmp_path / "mules.csv"
    summary = run("mules", "--out", str(out), "--agency", "IN-I4C")
    assert summary.startswith("3 mule accounts") and str(out) in summary
    rows = list(csv.DictReader(StringIO(out.read_text())))
    assert {"account", "score", "reasons"} <= set(rows[0])
    assert "IN:SBIN0001234:001234567890" in {r["account"] for r in rows}
    assert MuleEntry.objects.count() == 3


def test_command_errors(analyst: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no agency"):
        run("import", str(tmp_path / "x.csv"), "--agency", "NOPE")
    with pytest.raises(CommandError, match="no such file"):
        run("import", str(tmp_path / "x.csv"), "--agency", "US-FBI")
    with pytest.raises(CommandError, match="no complaint"):
        run("trace", "--complaint", "nope")
    with pytest.raises(CommandError, match="no stored transaction"):
        run("trace", "--txn", "nope")
    with pytest.raises(CommandError, match="--out"):
        run("mules")
    with pytest.raises(CommandError, match="no user"):
        run("holds", "--complaint", "x", "--user", "ghost")
