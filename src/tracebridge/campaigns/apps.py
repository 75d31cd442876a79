from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_complaints_saved(sender: Any, complaint_ids: list[int], **kwargs: Any) -> None:
    """Link new or changed complaints at once, then alert whoever follows what they touch."""
    from tracebridge.campaigns import services, workspace

    services.link_complaints(complaint_ids)
    workspace.raise_alerts(complaint_ids)


def _by_campaign(complaints: Any, code: str) -> Any:
    """``?campaign=CA000012`` on the complaints list and API."""
    return complaints.filter(campaign_member__campaign__code=code.strip().upper())


class CampaignsConfig(AppConfig):
    name = "tracebridge.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("campaigns-dashboard", _("Dashboard"), None, "intelligence"),
        ("campaign-list", _("Campaigns"), None, "intelligence"),
        ("campaign-search", _("Search"), None, "intelligence"),
        ("campaign-follows", _("Follows and alerts"), None, "intelligence"),
    ]

    def ready(self) -> None:
        from tracebridge.complaints.selectors import register_filter
        from tracebridge.complaints.signals import complaints_saved

        complaints_saved.connect(_on_complaints_saved, dispatch_uid="campaigns-link")
        register_filter("campaign", _by_campaign)
