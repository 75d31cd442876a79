from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tracebridge.portal"
    label = "portal"
    verbose_name = _("Public portal")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("check", _("Check a number"), "public", "public"),
        ("learn", _("Learn about scams"), "public", "public"),
        ("statistics", _("Statistics"), "public", "public"),
    ]

    def ready(self) -> None:
        from tracebridge.complaints.signals import complaints_saved

        complaints_saved.connect(_refresh, dispatch_uid="portal-refresh")


def _refresh(sender: Any, complaint_ids: list[int], **kwargs: Any) -> None:
    """Keep the public aggregates current as complaints arrive."""
    from tracebridge.portal import services

    services.refresh_for_complaints(complaint_ids)
    services.forget_statistics()
