"""Issue 20.13: the complaints list filters by agency, within what the reader may see."""

from __future__ import annotations

from typing import Any

import pytest

from tracebridge.complaints.services import ingest

pytestmark = pytest.mark.django_db


def _record(ref: str, tlp: str) -> dict[str, Any]:
    return {"ref": ref, "source": "X", "country": "US", "received_at": "2026-03-01T10:00:00Z",
            "narrative": "gift cards", "tlp": tlp}  # fmt: skip


def test_the_list_filters_by_agency(agencies: Any, client_for: Any, analyst: Any) -> None:
    ingest([_record("FBI-1", "AMBER")], agencies["US-FBI"])
    ingest([_record("FTC-1", "CLEAR"), _record("FTC-2", "RED")], agencies["US-FTC"])
    client = client_for(analyst)
    html = client.get("/complaints/?agency=US-FTC").content.decode()
    assert "FTC-1" in html and "FBI-1" not in html
    assert "FTC-2" not in html  # the filter narrows what the reader may see, never widens it
    assert '<option value="US-FTC" selected>' in html
    html = client.get("/complaints/").content.decode()
    assert "FTC-1" in html and "FBI-1" in html
