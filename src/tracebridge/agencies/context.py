"""Template context: the navigation, collected from each app's ``nav`` list.

An app's ``nav`` lists ``(url name, label, minimum role, group)``: the group ("intelligence",
"telecom", ...) puts the link in one of the menus below, in this order; "" keeps it at the top
level. Seventeen flat links overflowed a 1366 px screen (issue 20, point 9).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import has_role, is_agency_user

GROUPS = {
    "intelligence": _("Intelligence"),
    "telecom": _("Telecom"),
    "money": _("Money"),
    "cases": _("Cases and evidence"),
    "sharing": _("Sharing"),
    "admin": _("Admin"),
    "public": _("Public pages"),
}


def _allowed(user: User | AnonymousUser, minimum: str | None) -> bool:
    if minimum == "public":
        return True
    if not is_agency_user(user):
        return False
    return minimum is None or has_role(user, minimum)


def _items(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    for label in settings.TRACEBRIDGE_APPS:
        config = apps.get_app_config(label.rsplit(".", 1)[1])
        for url_name, text, minimum, *group in getattr(config, "nav", []):
            if not _allowed(request.user, minimum):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append(
                {
                    "url": url,
                    "label": text,
                    "active": request.path == url,
                    "public": minimum == "public",
                    "group": group[0] if group else "",
                }
            )
    return items


# Where people start their day: first in its menu, whichever app contributes it.
FIRST = ("/dashboard/",)


def _menus(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Top-level links first, then one menu per group that has a link, in GROUPS order."""
    items = sorted(items, key=lambda i: i["url"] not in FIRST)
    top = [{"label": i["label"], "item": i} for i in items if not i["group"]]
    menus: list[dict[str, Any]] = [
        {
            "key": key,
            "label": label,
            "items": [i for i in items if i["group"] == key],
        }
        for key, label in GROUPS.items()
    ]
    for menu in menus:
        menu["active"] = any(i["active"] for i in menu["items"])
    return top + [m for m in menus if m["items"]]


@cache
def _htmx_available() -> bool:
    """htmx is installed from the npm registry at build time; pages work without it."""
    return finders.find("vendor/htmx.min.js") is not None


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = _items(request)
    return {
        "nav_items": items,
        "nav_menus": _menus(items),
        "node_name": settings.NODE_NAME,
        "htmx_available": _htmx_available(),
    }
