"""The one loop that finds what each app plugs into the node (docs/architecture.md, "Wiring")."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.conf import settings


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """(app, its module ``name``) for every app that has one, in pipeline order.

    An app without the module is skipped; an import that fails inside the module is raised.
    """
    found = []
    for app in settings.TRACEBRIDGE_APPS:
        try:
            found.append((app, import_module(f"{app}.{name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{name}":
                raise
    return found
