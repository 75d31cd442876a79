from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelecomConfig(AppConfig):
    name = "tracebridge.telecom"
    label = "telecom"
    verbose_name = _("Telecom")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav = [
        ("telecom-robocalls", _("Robocalls"), None, "telecom"),
        ("telecom-traceback", _("Traceback"), None, "telecom"),
    ]

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.telecom.panels import campaign_panel

        panels.register("campaign", campaign_panel, order=60)
