"""Panels: how a higher stage adds a section to a lower stage's page without being imported.

The telecom app adds "calls of this campaign" to the campaign page, the money app adds the money
trail to the complaint and case pages, and so on. A provider registers a function in its
``AppConfig.ready()``; the page's view calls ``render(target, request, obj)`` and places the
returned HTML (providers render their own templates, escaping everything) in a
``{% for panel in panels %}{{ panel }}{% endfor %}`` loop.

Targets in use: "campaign", "complaint", "case", "home", and "alerts" (inside the dashboard's
alerts card: the assistance app's overdue requests and expiring preservations).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

from tracebridge.agencies.http import SignedInRequest

Panel = Callable[[SignedInRequest, Any], "SafeString | str | None"]
_registry: dict[str, list[tuple[int, Panel]]] = defaultdict(list)


def register(target: str, panel: Panel, order: int = 100) -> None:
    entries = _registry[target]
    if all(existing is not panel for _, existing in entries):
        entries.append((order, panel))
        entries.sort(key=lambda item: item[0])


def render(target: str, request: SignedInRequest, obj: Any) -> list[SafeString]:
    """HTML of every provider's panel for ``obj``; a provider returns None to show nothing."""
    out = []
    for _, panel in _registry[target]:
        html = panel(request, obj)
        if html:
            out.append(SafeString(html))
    return out
