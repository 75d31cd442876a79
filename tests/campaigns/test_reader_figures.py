"""What one reader sees of campaigns: figures over visible members only, victims' states and
age bands only by agreement, alerts filtered when read (issue 21, points 3, 4 and 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracebridge.campaigns import workspace
from tracebridge.campaigns.models import Follow
from tracebridge.complaints.models import Complaint

pytestmark = pytest.mark.django_db
Make = Callable[..., Complaint]
PHONE = "phone:+919812345678"


def test_an_alert_disappears_when_its_complaint_is_raised_to_red(
    make_complaint: Make, analyst: Any, client_for: Any, api_for: Any
) -> None:
    Follow.objects.create(user=analyst, target_kind=Follow.IDENTIFIER, target=PHONE)
    complaint = make_complaint(PHONE, agency="IN-CBI", country="IN", tlp="CLEAR", ref="LATE")
    assert workspace.raise_alerts([complaint.pk]) == 1
    api, pages = api_for(analyst), client_for(analyst)
    assert [a["complaint"] for a in api.get("/alerts").json()] == ["CBI:LATE"]
    assert all("CBI:LATE" in _html(pages, p) for p in ("/follows/", "/dashboard/"))
    Complaint.objects.filter(pk=complaint.pk).update(tlp="RED")
    assert api.get("/alerts").json() == []
    assert not any("CBI:LATE" in _html(pages, p) for p in ("/follows/", "/dashboard/"))
    assert api.post("/alerts/read").json() == {"read": 0}  # hidden alerts are not even counted
    Complaint.objects.filter(pk=complaint.pk).update(tlp="CLEAR")
    assert [a["complaint"] for a in api.get("/alerts").json()] == ["CBI:LATE"]


def _html(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return str(response.content.decode())
