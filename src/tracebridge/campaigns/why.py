"""Why two complaints of a campaign are linked, for the campaign page (the API's explanation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from tracebridge.agencies.models import User
from tracebridge.campaigns import selectors
from tracebridge.campaigns.models import Campaign
from tracebridge.complaints.models import Complaint


@dataclass
class Why:
    a: int
    b: int
    steps: list[Any]  # complaints (even places) and the identifier keys joining them (odd)

    @property
    def found(self) -> bool:
        return bool(self.steps)


def _pk(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def why_linked(request: HttpRequest, user: User, campaign: Campaign) -> Why | None:
    """The chain complaint–identifier–complaint… joining ``?a=`` and ``?b=``, as the API gives."""
    a, b = _pk(request.GET.get("a")), _pk(request.GET.get("b"))
    if a is None or b is None:
        return None
    path = selectors.explain(user, campaign, a, b) or []
    ids = [int(step[1:]) for step in path[::2]]
    complaints = Complaint.objects.in_bulk(ids)
    steps = [complaints[int(s[1:])] if i % 2 == 0 else s for i, s in enumerate(path)]
    return Why(a, b, steps)
