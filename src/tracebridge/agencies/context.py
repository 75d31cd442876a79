"""Template context: the navigation, collected from each app's ``nav`` list."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from tracebridge.agencies.permissions import has_role, is_agency_user


def _items(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    items = []
    for label in settings.TRACEBRIDGE_APPS:
        config = apps.get_app_config(label.rsplit(".", 1)[1])
        for url_name, text, minimum in getattr(config, "nav", []):
            public = minimum == "public"
            if not public and not is_agency_user(user):
                continue
            if minimum not in (None, "public") and not has_role(user, minimum):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append(
                {"url": url, "label": text, "active": request.path == url, "public": public}
            )
    return items


@cache
def _htmx_available() -> bool:
    """htmx is installed from the npm registry at build time; pages work without it."""
    return finders.find("vendor/htmx.min.js") is not None


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": _items(request),
        "node_name": settings.NODE_NAME,
        "htmx_available": _htmx_available(),
    }
