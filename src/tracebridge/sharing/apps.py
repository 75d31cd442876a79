from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "tracebridge.sharing"
    label = "sharing"
    verbose_name = _("Sharing")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("sharing-agreements", _("Agreements"), None, "sharing"),
        ("sharing-approvals", _("Sharing approvals"), "supervisor", "sharing"),
        ("sharing-exports", _("Exports"), "analyst", "sharing"),
    ]

    def ready(self) -> None:
        from tracebridge.agencies.permissions import register_policy
        from tracebridge.complaints.signals import complaints_saved
        from tracebridge.sharing.policy import AgreementPolicy

        register_policy(AgreementPolicy())
        complaints_saved.connect(_publish_saved, dispatch_uid="sharing.publish")


def _publish_saved(sender: Any, complaint_ids: list[int], **kwargs: Any) -> None:
    from tracebridge.sharing.exports import publish_complaints

    publish_complaints(complaint_ids)
